/**
 * How much of a disparity is sampling noise? Three answers, all seeded and all from the counts:
 *
 * 1. **Size-matched null (the noise floor).** Under "no demographic effect" every subgroup answers
 *    like the whole sample; it differs only because it has n_s respondents. With the shipped
 *    aggregates we have per-question counts, not respondents, so each null draw gives every scored
 *    pair a fresh set of answers ~ Multinomial(n, whole-sample shares of the question) at that pair's
 *    number of valid answers, takes its mode (the benchmark's tie policy) and scores the SAME
 *    prediction against it. The disparity over the null groups is what the subgroup sizes alone
 *    produce. Method "multinomial-aggregates": an APPROXIMATION — it draws with replacement, draws
 *    each question independently (a real random group of respondents answers every question, so its
 *    answers are correlated across questions), ignores that subgroups overlap, and with a weighted
 *    benchmark draws unweighted counts with the weighted shares. `respondentNull` (below) draws real
 *    random groups of respondents when the microdata is there ("random-respondents").
 *    What the null holds fixed is the PREDICTIONS: for the national mode (one answer for everyone) it
 *    is pure sampling noise; for a model whose answers differ by persona it also holds the disparity
 *    those answers produce against labels with no demographic signal (the attribute product's
 *    accuracy range, 0.181, is BELOW its null's 0.296: its persona-specific answers fit real
 *    subgroups better than random ones). Resamples reuse exact per-pair draws (see modePool).
 * 2. **Label stability.** The subgroup's own answers resampled (Multinomial(n, its own shares)): the
 *    share of draws whose mode is still the label. Small subgroups' labels flip more often.
 * 3. **Intervals that resample both questions and labels**: each bootstrap draw resamples the 214
 *    questions (clusters, as MetricFrame.bootstrap) AND every pair's label from its own counts.
 *    Dispersion statistics (normalised range, CV) of noisy group scores are biased upward, and more so
 *    in the resamples (98.6% of the attribute product's NMAE-range resamples lay above its estimate),
 *    so the percentile interval can miss its own estimate. We use the BASIC bootstrap interval
 *    [2θ̂ − q_hi, 2θ̂ − q_lo] (it removes the resampling bias to first order: θ* − θ̂ mimics θ̂ − θ),
 *    widened to reach θ̂ when the bias exceeds its half-width (conservative: wider, never narrower),
 *    and clipped to the statistic's range (normalised range in [0, 1], CV ≥ 0). Why not BCa: with
 *    98.6% of draws on one side, BCa's bias correction z0 = −2.2 moves both ends below the 1.4% of
 *    draws under θ̂ — its interval also excludes θ̂ (BCa contains θ̂ only when the percentile one does).
 *    The bias estimate (mean θ* − θ̂) is reported beside the interval.
 *
 * Everything scores the pair's first predicted code (a multi-sample pair is scored on its first
 * sample here) against one label per draw (the tie policy picks it; `--ties any` is not mimicked).
 */
import type { Benchmark, Pair, Subgroup } from "../benchmark/types";
import { pairKey } from "../benchmark/types";
import { accumulate, drawClusterWeights } from "./bootstrap";
import { isValidCode, itemError, scaleOf, type Scale } from "./ordinal";
import type { PairScore } from "./score";
import { stabilitySummary, type StabilitySummary } from "./label-stability";
import { quantile, seededRandom } from "./stats";

export type NullMethod = "multinomial-aggregates" | "random-respondents";

export const NULL_METHOD_TEXT: Record<NullMethod, string> = {
  "multinomial-aggregates":
    "approximation from the shipped aggregates: per question, each subgroup's answers drawn Multinomial(its number of answers, whole-sample shares), independently across questions and subgroups; same predictions, mode by the benchmark's tie policy",
  "random-respondents":
    "random groups of respondents of the real subgroups' sizes drawn from the whole sample (microdata); same predictions, mode by the benchmark's tie policy",
};

// ---------------------------------------------------------------------------------------------
// Binomial and multinomial-mode sampling

/** log(k!) for k = 0 … n. */
function logFactorials(n: number): Float64Array {
  const t = new Float64Array(n + 2);
  for (let k = 2; k <= n + 1; k++) t[k] = t[k - 1] + Math.log(k);
  return t;
}

/**
 * An exact Binomial(n, p) sampler: inversion when n·min(p, 1−p) < 10, otherwise Hörmann's BTRS
 * (transformed rejection with squeeze, 1993), the algorithm numpy-style libraries use for large n·p.
 * `maxN` bounds n (log-factorials are tabulated).
 */
export function binomialSampler(maxN: number): (n: number, p: number, rnd: () => number) => number {
  const lf = logFactorials(Math.max(1, maxN));
  const sample = (n: number, p: number, rnd: () => number): number => {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - sample(n, 1 - p, rnd);
    const q = 1 - p;
    if (n * p < 10) {
      // Inversion searched outward from the mode (chop-down: ~1.6 SD steps instead of n·p from 0).
      const m = Math.floor((n + 1) * p);
      const lp = Math.log(p),
        lq = Math.log(q);
      const pm = Math.exp(lf[n] - lf[m] - lf[n - m] + m * lp + (n - m) * lq);
      let u = rnd() - pm;
      if (u <= 0) return m;
      const r = p / q;
      let lo = m,
        hi = m,
        plo = pm,
        phi = pm;
      while (lo > 0 || hi < n) {
        if (lo > 0) {
          plo *= lo / ((n - lo + 1) * r);
          lo--;
          u -= plo;
          if (u <= 0) return lo;
        }
        if (hi < n) {
          phi *= ((n - hi) * r) / (hi + 1);
          hi++;
          u -= phi;
          if (u <= 0) return hi;
        }
      }
      return m; // rounding left a sliver of mass unassigned
    }
    const spq = Math.sqrt(n * p * q);
    const b = 1.15 + 2.53 * spq;
    const a = -0.0873 + 0.0248 * b + 0.01 * p;
    const c = n * p + 0.5;
    const vr = 0.92 - 4.2 / b;
    const alpha = (2.83 + 5.1 / b) * spq;
    const lpq = Math.log(p / q);
    const m = Math.floor((n + 1) * p);
    const h = lf[m] + lf[n - m];
    for (;;) {
      const u = rnd() - 0.5;
      let v = rnd();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + c);
      if (k < 0 || k > n) continue;
      if (us >= 0.07 && v <= vr) return k;
      v = Math.log((v * alpha) / (a / (us * us) + b));
      if (v <= h - lf[k] - lf[n - k] + (k - m) * lpq) return k;
    }
  };
  return sample;
}

/**
 * Flat per-pair tables for drawing a mode: each pair's categories sorted by falling probability,
 * their conditional probabilities (p_j / (1 − Σ_{i<j} p_i)), codes, and the prediction's score
 * against each category as the label (correct 0/1, item error).
 */
export interface ModeTables {
  pairs: number;
  start: Int32Array;
  len: Int32Array;
  n: Int32Array;
  cond: Float64Array;
  code: Float64Array;
  correct: Float64Array;
  error: Float64Array;
  /** Category index (within the pair) of the observed label; −1 when the label is not a category. */
  label: Int32Array;
  maxN: number;
  /**
   * The first draw of every pair, Binomial(n, p_0), tabulated (its n is fixed): CDF values for
   * x = cdfLo[i] … cdfLo[i] + cdfLen[i] − 1 at cdf[cdfStart[i] …] (mass beyond ±6.5 SD + 4 is < 1e-9;
   * single precision, finer than the sampler needs).
   */
  cdf: Float32Array;
  cdfStart: Int32Array;
  cdfLen: Int32Array;
  cdfLo: Int32Array;
  /**
   * 1 when the top category is the mode with certainty to ~1e-10: its expected lead over every other
   * category exceeds 7 SD of the difference (X_1 − X_j has mean n(p_1 − p_j), variance
   * n(p_1 + p_j − (p_1 − p_j)²)). Such pairs skip the draw (a clear majority at any size).
   */
  certain: Uint8Array;
}

interface PairSource {
  /** Category weights (counts or shares) by code. */
  weights: Record<string, number>;
  n: number;
  label: number;
  scale: Scale;
  pred: number | null;
}

function buildTables(src: PairSource[]): ModeTables {
  const N = src.length;
  const start = new Int32Array(N);
  const len = new Int32Array(N);
  const nArr = new Int32Array(N);
  const label = new Int32Array(N);
  // First pass: categories per pair (sorted by falling weight, then code) and sizes.
  const cats: Array<Array<[number, number]>> = new Array(N);
  let total = 0;
  let maxN = 1;
  for (let i = 0; i < N; i++) {
    const list: Array<[number, number]> = [];
    for (const c in src[i].weights) {
      const w = src[i].weights[c];
      if (w > 0) list.push([Number(c), w]);
    }
    list.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    cats[i] = list;
    start[i] = total;
    len[i] = list.length;
    total += list.length;
    nArr[i] = Math.max(0, Math.round(src[i].n));
    if (nArr[i] > maxN) maxN = nArr[i];
  }
  const cond = new Float64Array(total),
    code = new Float64Array(total),
    correct = new Float64Array(total),
    error = new Float64Array(total);
  const certain = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const s = src[i];
    const list = cats[i];
    label[i] = -1;
    const valid = s.pred !== null && isValidCode(s.scale, s.pred);
    let sum = 0;
    for (const [, w] of list) sum += w;
    let rest = sum;
    for (let j = 0; j < list.length; j++) {
      const [c, w] = list[j];
      const k = start[i] + j;
      cond[k] = rest > 0 ? Math.min(1, w / rest) : 1;
      rest -= w;
      code[k] = c;
      if (c === s.label) label[i] = j;
      correct[k] = valid && s.pred === c ? 1 : 0;
      error[k] = valid ? itemError(s.scale, s.pred, c) : 1;
    }
    // Certain: the top category's expected lead over every other exceeds 7 SD (see ModeTables).
    const n = nArr[i];
    const p1 = list.length ? list[0][1] / sum : 1;
    let sure = true;
    for (let j = 1; j < list.length && sure; j++) {
      const pj = list[j][1] / sum;
      sure = n * (p1 - pj) > 7 * Math.sqrt(n * (p1 + pj - (p1 - pj) ** 2));
    }
    certain[i] = sure ? 1 : 0;
  }
  // First-binomial CDF tables (only pairs that are drawn need them).
  const lf = logFactorials(maxN);
  const cdfStart = new Int32Array(N),
    cdfLen = new Int32Array(N),
    cdfLo = new Int32Array(N);
  const ranges = new Int32Array(2 * N);
  let cdfTotal = 0;
  for (let i = 0; i < N; i++) {
    const n = nArr[i];
    const p = len[i] > 1 ? cond[start[i]] : 1;
    let lo = p <= 0 ? 0 : n,
      hi = lo;
    if (!certain[i] && p < 1 && p > 0 && n > 0) {
      const sd = Math.sqrt(n * p * (1 - p));
      lo = Math.max(0, Math.floor(n * p - 6.5 * sd - 4));
      hi = Math.min(n, Math.ceil(n * p + 6.5 * sd + 4));
    }
    ranges[2 * i] = lo;
    ranges[2 * i + 1] = hi;
    cdfStart[i] = cdfTotal;
    cdfLo[i] = lo;
    cdfLen[i] = hi - lo + 1;
    cdfTotal += hi - lo + 1;
  }
  const cdf = new Float32Array(cdfTotal);
  for (let i = 0; i < N; i++) {
    const lo = ranges[2 * i],
      hi = ranges[2 * i + 1],
      from = cdfStart[i];
    if (hi === lo) {
      cdf[from] = 1;
      continue;
    }
    const n = nArr[i];
    const p = cond[start[i]];
    const lp = Math.log(p),
      lq = Math.log(1 - p);
    let acc = 0;
    for (let x = lo; x <= hi; x++) {
      acc += Math.exp(lf[n] - lf[x] - lf[n - x] + x * lp + (n - x) * lq);
      cdf[from + x - lo] = acc;
    }
    for (let k = from; k <= from + hi - lo; k++) cdf[k] /= acc;
    cdf[from + hi - lo] = 1;
  }
  return { pairs: N, start, len, n: nArr, label, maxN, cond, code, correct, error, cdf, cdfStart, cdfLen, cdfLo, certain };
}

const tableCache = new WeakMap<object, Map<string, ModeTables>>();

/**
 * buildTables with the prediction-free part (categories, conditional shares, CDFs) cached per
 * benchmark and (kind, pairs); only the prediction's score against each category is recomputed.
 */
function tablesFor(owner: object, kind: string, keys: readonly string[], src: PairSource[]): ModeTables {
  const ck = `${kind}|${pairsSignature(keys)}`;
  let byOwner = tableCache.get(owner);
  if (!byOwner) tableCache.set(owner, (byOwner = new Map()));
  const hit = byOwner.get(ck);
  if (!hit) {
    const t = buildTables(src);
    byOwner.set(ck, t);
    return t;
  }
  const correct = new Float64Array(hit.code.length);
  const error = new Float64Array(hit.code.length);
  src.forEach((s, i) => {
    const valid = s.pred !== null && isValidCode(s.scale, s.pred);
    for (let j = hit.start[i]; j < hit.start[i] + hit.len[i]; j++) {
      const c = hit.code[j];
      correct[j] = valid && s.pred === c ? 1 : 0;
      error[j] = valid ? itemError(s.scale, s.pred, c) : 1;
    }
  });
  return { ...hit, correct, error };
}

/**
 * A sampler of modes: `draw(i)` draws pair i's answer counts (sequential conditional binomials in
 * falling-probability order) and returns the index of the mode among its categories. It stops as
 * soon as the answers left cannot reach the current maximum (so a clear majority costs one binomial).
 * Ties go to the lowest (or highest) code, as the benchmark's tie policy does.
 */
export function modeSampler(t: ModeTables, tiePolicy: "lowest" | "highest", seed: number): { draw: (i: number) => number; rnd: () => number } {
  const rnd = seededRandom(seed);
  const binom = binomialSampler(t.maxN);
  const lowest = tiePolicy === "lowest";
  const draw = (i: number): number => {
    if (t.certain[i] === 1) return 0;
    const s = t.start[i];
    const k = t.len[i];
    let rem = t.n[i];
    let best = 0;
    let bestCount = -1;
    for (let j = 0; j < k; j++) {
      if (rem < bestCount) break;
      let x: number;
      if (j === 0) {
        // Tabulated first draw: binary search of the CDF.
        const u = rnd();
        let a = t.cdfStart[i],
          b = a + t.cdfLen[i] - 1;
        const base = a;
        while (a < b) {
          const mid = (a + b) >> 1;
          if (t.cdf[mid] < u) a = mid + 1;
          else b = mid;
        }
        x = t.cdfLo[i] + (a - base);
      } else x = j === k - 1 ? rem : binom(rem, t.cond[s + j], rnd);
      rem -= x;
      if (x > bestCount) {
        bestCount = x;
        best = j;
      } else if (x === bestCount) {
        const cj = t.code[s + j];
        const cb = t.code[s + best];
        if (lowest ? cj < cb : cj > cb) best = j;
      }
    }
    return best;
  };
  return { draw, rnd };
}

/**
 * Drawn mode indices, `draws` × pairs (index b·N + i; 255 = not drawn), cached per benchmark and
 * (kind, seed, draws, pairs): the draws depend on the counts and the seed, never on the predictions,
 * so a report scoring several models on one benchmark draws once.
 */
const drawCache = new WeakMap<object, Map<string, Uint8Array>>();

function pairsSignature(keys: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const k of keys) for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 16777619) >>> 0;
  return `${keys.length}:${h.toString(16)}`;
}

/**
 * POOL exact mode draws per pair (layout i·M + m), cached. Resamples then pick one of a pair's pool
 * draws at random (`pick`): they are iid from the pool's estimate of the pair's mode distribution
 * (share SE ≤ 0.035 per pair, averaged over ~200 pairs per group) at a fraction of the cost of
 * B exact multinomials per pair (1,000 × 10,177 took ~2.5 s).
 */
function modePool(owner: object, kind: string, keys: readonly string[], t: ModeTables, tie: "lowest" | "highest", seed: number, M: number): Uint8Array {
  const ck = `${kind}|${seed}|${M}|${tie}|${pairsSignature(keys)}`;
  let byOwner = drawCache.get(owner);
  if (!byOwner) drawCache.set(owner, (byOwner = new Map()));
  const hit = byOwner.get(ck);
  if (hit) return hit;
  const N = t.pairs;
  const s = modeSampler(t, tie, seed);
  const pool = new Uint8Array(N * M);
  for (let i = 0; i < N; i++) for (let m = 0; m < M; m++) pool[i * M + m] = s.draw(i);
  byOwner.set(ck, pool);
  return pool;
}

/** Exact mode draws per pair before resampling from them (see drawIndices). */
export const POOL = 200;

// ---------------------------------------------------------------------------------------------
// Dispersion of group scores (the same formulas as disparity(), on typed arrays)

export interface Dispersion {
  normalisedRange: number;
  cv: number;
  gap: number;
}

/** normalisedRange = (max − min)/max, cv = population σ / μ, gap = max − min over the finite values. */
export function dispersion(values: ArrayLike<number>): Dispersion {
  let min = Infinity,
    max = -Infinity,
    s = 0,
    n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    s += v;
    n++;
  }
  if (n === 0) return { normalisedRange: NaN, cv: NaN, gap: NaN };
  const m = s / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) ss += (v - m) ** 2;
  }
  const sd = Math.sqrt(ss / n);
  return { normalisedRange: max === 0 ? NaN : (max - min) / max, cv: m === 0 ? NaN : sd / m, gap: max - min };
}

// ---------------------------------------------------------------------------------------------
// Intervals

export interface Interval {
  lo: number;
  hi: number;
}

/**
 * The basic (reverse-percentile) bootstrap interval [2θ̂ − q_hi, 2θ̂ − q_lo], widened to contain θ̂
 * and clipped to [min, max]. See the module comment for why (dispersion statistics are biased upward
 * under resampling; BCa cannot contain θ̂ when the percentile interval does not).
 */
export function basicIntervalWithEstimate(estimate: number, draws: ArrayLike<number>, level = 0.95, range: [number, number] = [-Infinity, Infinity]): Interval {
  const arr = Array.from(draws).filter((x) => Number.isFinite(x));
  if (!Number.isFinite(estimate) || arr.length === 0) return { lo: NaN, hi: NaN };
  const a = (1 - level) / 2;
  const qlo = quantile(arr, a);
  const qhi = quantile(arr, 1 - a);
  const lo = Math.min(estimate, 2 * estimate - qhi);
  const hi = Math.max(estimate, 2 * estimate - qlo);
  return { lo: Math.max(range[0], lo), hi: Math.min(range[1], hi) };
}

// ---------------------------------------------------------------------------------------------
// The evaluation-level computation

export type DisparityMetric = "accuracy" | "nmae";

export interface NullStat {
  /** Mean of the statistic over the null draws: what subgroup sizes alone give. */
  mean: number;
  /** Share of null draws at or beyond the observed value (≥ for dispersion). (k + 1)/(draws + 1). */
  p: number;
  /** 95% range of the null draws (2.5% and 97.5% quantiles). */
  lo: number;
  hi: number;
}

export interface DisparityNull {
  method: NullMethod;
  /** What the method does, in words (the approximation stated). */
  description: string;
  draws: number;
  seed: number;
  normalisedRange: NullStat;
  cv: NullStat;
  gap: NullStat;
}

export interface DisparityCi {
  /** Accuracy and NMAE resample labels too (their labels are modes of sampled respondents); a registered metric's per-pair value is opaque, so only its questions are resampled. */
  method:
    | "basic bootstrap (questions and labels resampled), widened to contain the estimate"
    | "basic bootstrap (questions resampled), widened to contain the estimate";
  level: number;
  draws: number;
  seed: number;
  normalisedRange: Interval;
  cv: Interval;
  /** Bootstrap bias estimate mean(θ*) − θ̂ (positive: the statistic leans high under resampling). */
  bias: { normalisedRange: number; cv: number };
}

/** Per attribute value: the observed score of the pooled group and the size-matched null's mean and p. */
export interface AttributeNull {
  attribute: string;
  metric: DisparityMetric;
  /** Observed pooled score per value. */
  values: Record<string, number>;
  /** Subgroups pooled per value (1 = a single subgroup: its score is that subgroup's). */
  subgroups: Record<string, number>;
  /** Expected pooled score per value under the null (sizes alone). */
  nullMean: Record<string, number>;
  gap: { observed: number; mean: number; p: number };
}

export interface SubgroupNull {
  subgroup: string;
  accuracy: { mean: number; sd: number };
  nmae: { mean: number; sd: number };
}

export interface NoiseFloor {
  method: NullMethod;
  draws: number;
  seed: number;
  metrics: Record<DisparityMetric, DisparityNull>;
  /** Expected score of every subgroup under the null (its size alone), with the null SD. */
  subgroups: SubgroupNull[];
  attributes: AttributeNull[];
}

export interface LabelBootstrap {
  draws: number;
  seed: number;
  level: number;
  ci: Record<DisparityMetric, DisparityCi>;
  /** Per pair (pairKey): share of label draws whose mode is still the label. */
  stability: Map<string, number>;
  /** Per subgroup: mean label stability and the share of its pairs whose label holds in ≥ 80% of draws. */
  subgroups: Array<{ subgroup: string; size: number; stability: number; stable80: number }>;
}

interface Prepared {
  scores: readonly PairScore[];
  pairs: Pair[];
  scales: Scale[];
  groups: string[];
  gIdx: Int32Array;
  qIdx: Int32Array;
  questions: string[];
  counts: Float64Array;
}

function prepare(bench: Benchmark, scores: readonly PairScore[]): Prepared {
  const byKey = new Map(bench.pairs.map((p) => [pairKey(p.question, p.subgroup), p]));
  const qScale = new Map(bench.questions.map((q) => [q.id, scaleOf(q)]));
  const gMap = new Map<string, number>();
  const qMap = new Map<string, number>();
  const pairs: Pair[] = [];
  const scales: Scale[] = [];
  const gIdx = new Int32Array(scores.length);
  const qIdx = new Int32Array(scores.length);
  scores.forEach((s, i) => {
    const p = byKey.get(pairKey(s.question, s.subgroup));
    if (!p) throw new Error(`noise floor: ${pairKey(s.question, s.subgroup)} is not a benchmark pair`);
    pairs.push(p);
    scales.push(qScale.get(s.question)!);
    let g = gMap.get(s.subgroup);
    if (g === undefined) gMap.set(s.subgroup, (g = gMap.size));
    let q = qMap.get(s.question);
    if (q === undefined) qMap.set(s.question, (q = qMap.size));
    gIdx[i] = g;
    qIdx[i] = q;
  });
  const counts = new Float64Array(gMap.size);
  for (let i = 0; i < scores.length; i++) counts[gIdx[i]]++;
  return { scores, pairs, scales, groups: [...gMap.keys()], gIdx, qIdx, questions: [...qMap.keys()], counts };
}

function nullStat(observed: number, draws: Float64Array, higherIsExtreme = true): NullStat {
  let k = 0,
    s = 0,
    n = 0;
  for (const x of draws) {
    if (x !== x) continue;
    s += x;
    n++;
    if (higherIsExtreme ? x >= observed - 1e-12 : x <= observed + 1e-12) k++;
  }
  return { mean: n ? s / n : NaN, p: n ? (k + 1) / (n + 1) : NaN, lo: quantile(Array.from(draws), 0.025), hi: quantile(Array.from(draws), 0.975) };
}

export interface NoiseFloorOptions {
  draws?: number;
  seed?: number;
  /** Attributes whose pooled-value gaps get a null (default: every attribute of the scored subgroups). */
  attributes?: string[];
}

/**
 * The size-matched null from the shipped aggregates (see the module comment): expected normalised
 * range, CV and gap over subgroups, per-subgroup expected scores, and per-attribute expected gaps.
 */
export function sizeMatchedNull(bench: Benchmark, scores: readonly PairScore[], opts: NoiseFloorOptions = {}): NoiseFloor {
  const B = opts.draws ?? 1000;
  const seed = opts.seed ?? 1;
  const P = prepare(bench, scores);
  const keys = scores.map((x) => pairKey(x.question, x.subgroup));
  const tables = tablesFor(
    bench,
    "null",
    keys,
    P.pairs.map((p, i) => ({ weights: bench.population[p.question] ?? {}, n: p.n, label: p.mode, scale: P.scales[i], pred: scores[i].code })),
  );
  const M = Math.min(B, POOL);
  const pool = modePool(bench, "null", keys, tables, bench.options.tiePolicy, seed, M);
  let st = (seed + 104729) >>> 0;
  const N = tables.pairs;
  const { start, correct, error } = tables;
  const gIdx = P.gIdx;
  // Pairs whose pool draws all agree add a constant; only the others are drawn each time.
  const { variable, constA, constE } = splitConstant(pool, N, M, tables, gIdx, P.groups.length);
  return runNull(bench, P, B, seed, "multinomial-aggregates", opts.attributes, (accSum, errSum, b) => {
    accSum.set(constA);
    errSum.set(constE);
    for (let v = 0; v < variable.length; v++) {
      const i = variable[v];
      let r = b;
      if (M !== B) {
        // mulberry32, inlined (this loop runs draws × pairs times)
        st = (st + 0x6d2b79f5) >>> 0;
        let t = Math.imul(st ^ (st >>> 15), st | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        r = Math.floor(((t ^ (t >>> 14)) >>> 0) * M * 2.3283064365386963e-10);
      }
      const j = start[i] + pool[i * M + r];
      const g = gIdx[i];
      accSum[g] += correct[j];
      errSum[g] += error[j];
    }
  });
}

/** Pairs whose M pool draws are not all equal, and the per-group sums of the constant ones. */
function splitConstant(
  pool: Uint8Array,
  N: number,
  M: number,
  t: ModeTables,
  gIdx: Int32Array,
  G: number,
): { variable: Int32Array; constA: Float64Array; constE: Float64Array; constant: Uint8Array } {
  const variable: number[] = [];
  const constA = new Float64Array(G),
    constE = new Float64Array(G);
  const constant = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const first = pool[i * M];
    let same = true;
    for (let m = 1; m < M && same; m++) same = pool[i * M + m] === first;
    if (same) {
      constant[i] = 1;
      constA[gIdx[i]] += t.correct[t.start[i] + first];
      constE[gIdx[i]] += t.error[t.start[i] + first];
    } else variable.push(i);
  }
  return { variable: Int32Array.from(variable), constA, constE, constant };
}

/** The common part of both nulls: `fill` adds one null draw's per-subgroup sums of correct and error. */
function runNull(
  bench: Benchmark,
  P: Prepared,
  B: number,
  seed: number,
  method: NullMethod,
  attributesOpt: string[] | undefined,
  fill: (accSum: Float64Array, errSum: Float64Array, draw: number) => void,
): NoiseFloor {
  const G = P.groups.length;
  const meta = new Map<string, Subgroup>(bench.subgroups.map((s) => [s.id, s]));
  // Observed per-subgroup scores.
  const obsAcc = new Float64Array(G);
  const obsErr = new Float64Array(G);
  for (let i = 0; i < P.scores.length; i++) {
    obsAcc[P.gIdx[i]] += P.scores[i].correct;
    obsErr[P.gIdx[i]] += P.scores[i].error;
  }
  for (let g = 0; g < G; g++) {
    obsAcc[g] /= P.counts[g];
    obsErr[g] /= P.counts[g];
  }
  // Attributes: value index per subgroup.
  const attrs = attributesOpt ?? [...new Set(P.groups.flatMap((g) => Object.keys(meta.get(g)?.attributes ?? {})))];
  const attrIdx = attrs.map((a) => {
    const values: string[] = [];
    const idx = new Int32Array(G).fill(-1);
    P.groups.forEach((g, k) => {
      const v = meta.get(g)?.attributes[a];
      if (v === undefined) return;
      let j = values.indexOf(v);
      if (j < 0) j = values.push(v) - 1;
      idx[k] = j;
    });
    return { attribute: a, values, idx };
  });
  const pooled = (vals: Float64Array, idx: Int32Array, V: number): Float64Array => {
    const s = new Float64Array(V),
      c = new Float64Array(V);
    for (let g = 0; g < G; g++) {
      const v = idx[g];
      if (v < 0) continue;
      s[v] += vals[g] * P.counts[g];
      c[v] += P.counts[g];
    }
    return s.map((x, v) => x / c[v]);
  };
  const metrics: DisparityMetric[] = ["accuracy", "nmae"];
  const draws = {
    accuracy: { normalisedRange: new Float64Array(B), cv: new Float64Array(B), gap: new Float64Array(B) },
    nmae: { normalisedRange: new Float64Array(B), cv: new Float64Array(B), gap: new Float64Array(B) },
  };
  const subSum = { accuracy: new Float64Array(G), nmae: new Float64Array(G) };
  const subSq = { accuracy: new Float64Array(G), nmae: new Float64Array(G) };
  const attrGap = attrIdx.map(() => ({ accuracy: new Float64Array(B), nmae: new Float64Array(B) }));
  const attrMean = attrIdx.map((a) => ({ accuracy: new Float64Array(a.values.length), nmae: new Float64Array(a.values.length) }));
  const accSum = new Float64Array(G);
  const errSum = new Float64Array(G);
  for (let b = 0; b < B; b++) {
    accSum.fill(0);
    errSum.fill(0);
    fill(accSum, errSum, b);
    for (let g = 0; g < G; g++) {
      accSum[g] /= P.counts[g];
      errSum[g] /= P.counts[g];
    }
    for (const m of metrics) {
      const v = m === "accuracy" ? accSum : errSum;
      const d = dispersion(v);
      draws[m].normalisedRange[b] = d.normalisedRange;
      draws[m].cv[b] = d.cv;
      draws[m].gap[b] = d.gap;
      for (let g = 0; g < G; g++) {
        subSum[m][g] += v[g];
        subSq[m][g] += v[g] * v[g];
      }
      attrIdx.forEach((a, k) => {
        const pv = pooled(v, a.idx, a.values.length);
        attrGap[k][m][b] = dispersion(pv).gap;
        for (let j = 0; j < pv.length; j++) attrMean[k][m][j] += pv[j] / B;
      });
    }
  }
  const out: NoiseFloor = { method, draws: B, seed, metrics: {} as NoiseFloor["metrics"], subgroups: [], attributes: [] };
  for (const m of metrics) {
    const obs = dispersion(m === "accuracy" ? obsAcc : obsErr);
    out.metrics[m] = {
      method,
      description: NULL_METHOD_TEXT[method],
      draws: B,
      seed,
      normalisedRange: nullStat(obs.normalisedRange, draws[m].normalisedRange),
      cv: nullStat(obs.cv, draws[m].cv),
      gap: nullStat(obs.gap, draws[m].gap),
    };
  }
  out.subgroups = P.groups.map((g, k) => {
    const ms = (m: DisparityMetric) => {
      const mu = subSum[m][k] / B;
      return { mean: mu, sd: Math.sqrt(Math.max(0, subSq[m][k] / B - mu * mu)) };
    };
    return { subgroup: g, accuracy: ms("accuracy"), nmae: ms("nmae") };
  });
  attrIdx.forEach((a, k) => {
    if (a.values.length < 2) return;
    for (const m of metrics) {
      const pv = pooled(m === "accuracy" ? obsAcc : obsErr, a.idx, a.values.length);
      const nsub = a.values.map((_, j) => P.groups.filter((_, g) => a.idx[g] === j).length);
      const gap = dispersion(pv).gap;
      const st = nullStat(gap, attrGap[k][m]);
      out.attributes.push({
        attribute: a.attribute,
        metric: m,
        values: Object.fromEntries(a.values.map((v, j) => [v, pv[j]])),
        subgroups: Object.fromEntries(a.values.map((v, j) => [v, nsub[j]])),
        nullMean: Object.fromEntries(a.values.map((v, j) => [v, attrMean[k][m][j]])),
        gap: { observed: gap, mean: st.mean, p: st.p },
      });
    }
  });
  return out;
}

/** Respondents' answers by question (answers[q][r]; negative or NaN = missing) and optional weights. */
export interface Microdata {
  questions: string[];
  answers: Float64Array[];
  weights?: Float64Array;
}

/**
 * The microdata in the shape respondentNull reads, from loadRespondents' table (columns named by
 * question id; `weight` used when the benchmark is weighted).
 */
export function microdataFrom(
  table: { array(name: string): ArrayLike<unknown>; columnNames(): string[] },
  questions: readonly string[],
  weighted: boolean,
): Microdata {
  const have = new Set(table.columnNames());
  const qs = questions.filter((q) => have.has(q));
  const toF = (xs: ArrayLike<unknown>) => Float64Array.from({ length: xs.length }, (_, i) => (typeof xs[i] === "number" ? (xs[i] as number) : NaN));
  return { questions: qs, answers: qs.map((q) => toF(table.array(q))), ...(weighted && have.has("weight") ? { weights: toF(table.array("weight")) } : {}) };
}

/**
 * The exact null with the microdata: `draws` times, for every scored subgroup, a random group of the
 * same number of respondents drawn without replacement from the whole sample; its per-question
 * counts (valid answers only) give its modes, scored with the same predictions. `answers[q][r]` is
 * respondent r's code for question q (NaN or negative = missing); `weights[r]` (optional) for a
 * weighted benchmark. Slower (O(draws × Σ sizes × questions)): use a few hundred draws.
 */
export function respondentNull(bench: Benchmark, scores: readonly PairScore[], microdata: Microdata, opts: NoiseFloorOptions = {}): NoiseFloor {
  const B = opts.draws ?? 200;
  const seed = opts.seed ?? 1;
  const P = prepare(bench, scores);
  const meta = new Map(bench.subgroups.map((s) => [s.id, s]));
  const R = microdata.answers[0]?.length ?? 0;
  const qRow = new Map(microdata.questions.map((q, i) => [q, i]));
  const sizes = P.groups.map((g) => Math.min(R, meta.get(g)?.size ?? 0));
  // Per group: its pairs (index in scores) by question.
  const pairsOf = P.groups.map(() => [] as number[]);
  for (let i = 0; i < P.scores.length; i++) pairsOf[P.gIdx[i]].push(i);
  const rnd = seededRandom(seed);
  const perm = Int32Array.from({ length: R }, (_, i) => i);
  const tie = bench.options.tiePolicy;
  const w = microdata.weights;
  const SMALL = 128;
  const small = new Float64Array(SMALL);
  const touched: number[] = [];
  const big = new Map<number, number>();
  return runNull(bench, P, B, seed, "random-respondents", opts.attributes, (accSum, errSum) => {
    for (let g = 0; g < P.groups.length; g++) {
      const k = sizes[g];
      // Partial Fisher–Yates: the first k of perm are a uniform random group.
      for (let j = 0; j < k; j++) {
        const r = j + Math.floor(rnd() * (R - j));
        const t = perm[j];
        perm[j] = perm[r];
        perm[r] = t;
      }
      for (const i of pairsOf[g]) {
        const row = microdata.answers[qRow.get(P.scores[i].question) ?? -1];
        if (!row) continue;
        // Counts by code in a reused array (WVS value codes are small integers; larger ones in a Map).
        touched.length = 0;
        big.clear();
        for (let j = 0; j < k; j++) {
          const r = perm[j];
          const code = row[r];
          if (!(code >= 0)) continue;
          const add = w ? w[r] : 1;
          if (code < SMALL && code === Math.floor(code)) {
            if (small[code] === 0) touched.push(code);
            small[code] += add;
          } else big.set(code, (big.get(code) ?? 0) + add);
        }
        let best = -Infinity,
          mode = NaN;
        const consider = (code: number, n: number) => {
          if (n > best + 1e-12 || (Math.abs(n - best) <= 1e-12 && (tie === "lowest" ? code < mode : code > mode))) [best, mode] = [n, code];
        };
        for (const code of touched) {
          consider(code, small[code]);
          small[code] = 0;
        }
        for (const [code, n] of big) consider(code, n);
        if (Number.isNaN(mode)) continue;
        const s = P.scales[i];
        const pred = P.scores[i].code;
        const valid = pred !== null && isValidCode(s, pred);
        accSum[g] += valid && pred === mode ? 1 : 0;
        errSum[g] += valid ? itemError(s, pred, mode) : 1;
      }
    }
  });
}

/**
 * Question + label bootstrap of the subgroup disparity: every draw resamples the questions (clusters,
 * with the same draws as MetricFrame.bootstrap for the seed) and every pair's label from its own
 * counts; also each pair's label stability. Intervals: basicIntervalWithEstimate.
 */
export function labelBootstrap(bench: Benchmark, scores: readonly PairScore[], opts: { draws?: number; seed?: number; level?: number } = {}): LabelBootstrap {
  const B = opts.draws ?? 1000;
  const seed = opts.seed ?? 1;
  const level = opts.level ?? 0.95;
  const P = prepare(bench, scores);
  const G = P.groups.length;
  const Q = P.questions.length;
  const keys = scores.map((x) => pairKey(x.question, x.subgroup));
  const tables = tablesFor(
    bench,
    "labels",
    keys,
    P.pairs.map((p, i) => ({ weights: p.counts, n: p.n, label: p.mode, scale: P.scales[i], pred: scores[i].code })),
  );
  const weights = drawClusterWeights(Q, B, seed);
  // A pair whose question is not drawn in a resample needs no label there (its stability then rests
  // on the ~63% of draws that include its question).
  const M = Math.min(B, POOL);
  const pool = modePool(bench, "labels", keys, tables, bench.options.tiePolicy, seed + 7919, M);
  let st = (seed + 15485863) >>> 0;
  const N = tables.pairs;
  const draws = {
    accuracy: { normalisedRange: new Float64Array(B), cv: new Float64Array(B) },
    nmae: { normalisedRange: new Float64Array(B), cv: new Float64Array(B) },
  };
  const as = new Float64Array(G),
    es = new Float64Array(G),
    cs = new Float64Array(G);
  // Pairs whose pool draws all agree: their (weighted) contribution per (question, group) is fixed.
  const { variable, constant } = splitConstant(pool, N, M, tables, P.gIdx, G);
  const cA = new Float64Array(Q * G),
    cE = new Float64Array(Q * G),
    cN = new Float64Array(Q * G);
  for (let i = 0; i < N; i++) {
    const qg = P.qIdx[i] * G + P.gIdx[i];
    cN[qg]++;
    if (!constant[i]) continue;
    const j = tables.start[i] + pool[i * M];
    cA[qg] += tables.correct[j];
    cE[qg] += tables.error[j];
  }
  for (let b = 0; b < B; b++) {
    as.fill(0);
    es.fill(0);
    cs.fill(0);
    const w = weights[b];
    for (let q = 0; q < Q; q++) {
      const k = w[q];
      if (k === 0) continue;
      const base = q * G;
      for (let g = 0; g < G; g++) {
        as[g] += k * cA[base + g];
        es[g] += k * cE[base + g];
        cs[g] += k * cN[base + g];
      }
    }
    for (let v = 0; v < variable.length; v++) {
      const i = variable[v];
      const k = w[P.qIdx[i]];
      if (k === 0) continue;
      let r = b;
      if (M !== B) {
        st = (st + 0x6d2b79f5) >>> 0;
        let t = Math.imul(st ^ (st >>> 15), st | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        r = Math.floor(((t ^ (t >>> 14)) >>> 0) * M * 2.3283064365386963e-10);
      }
      const d = pool[i * M + r];
      const j = tables.start[i] + d;
      const g = P.gIdx[i];
      as[g] += k * tables.correct[j];
      es[g] += k * tables.error[j];
    }
    for (let g = 0; g < G; g++) {
      as[g] = cs[g] > 0 ? as[g] / cs[g] : NaN;
      es[g] = cs[g] > 0 ? es[g] / cs[g] : NaN;
    }
    const da = dispersion(as),
      de = dispersion(es);
    draws.accuracy.normalisedRange[b] = da.normalisedRange;
    draws.accuracy.cv[b] = da.cv;
    draws.nmae.normalisedRange[b] = de.normalisedRange;
    draws.nmae.cv[b] = de.cv;
  }
  // Observed dispersion (the same numbers as disparity() over subgroups).
  const oa = new Float64Array(G),
    oe = new Float64Array(G);
  for (let i = 0; i < scores.length; i++) {
    oa[P.gIdx[i]] += scores[i].correct / P.counts[P.gIdx[i]];
    oe[P.gIdx[i]] += scores[i].error / P.counts[P.gIdx[i]];
  }
  const mean = (a: Float64Array) => {
    let s = 0,
      n = 0;
    for (const x of a)
      if (x === x) {
        s += x;
        n++;
      }
    return s / n;
  };
  const ci = {} as LabelBootstrap["ci"];
  for (const m of ["accuracy", "nmae"] as const) {
    const obs = dispersion(m === "accuracy" ? oa : oe);
    ci[m] = {
      method: "basic bootstrap (questions and labels resampled), widened to contain the estimate",
      level,
      draws: B,
      seed,
      normalisedRange: basicIntervalWithEstimate(obs.normalisedRange, draws[m].normalisedRange, level, [0, 1]),
      cv: basicIntervalWithEstimate(obs.cv, draws[m].cv, level, [0, Infinity]),
      bias: { normalisedRange: mean(draws[m].normalisedRange) - obs.normalisedRange, cv: mean(draws[m].cv) - obs.cv },
    };
  }
  const stability = new Map<string, number>();
  const gStab = new Float64Array(G),
    g80 = new Float64Array(G);
  // Label stability: the share of the pair's exact pool draws whose mode is the label.
  for (let i = 0; i < N; i++) {
    let k = 0;
    for (let m = 0; m < M; m++) if (pool[i * M + m] === tables.label[i]) k++;
    const s = k / M;
    stability.set(pairKey(scores[i].question, scores[i].subgroup), s);
    gStab[P.gIdx[i]] += s / P.counts[P.gIdx[i]];
    if (s >= 0.8) g80[P.gIdx[i]] += 1 / P.counts[P.gIdx[i]];
  }
  const size = new Map(bench.subgroups.map((s) => [s.id, s.size]));
  return {
    draws: B,
    seed,
    level,
    ci,
    stability,
    subgroups: P.groups.map((g, k) => ({ subgroup: g, size: size.get(g) ?? NaN, stability: gStab[k], stable80: g80[k] })),
  };
}

/**
 * Label stability of every benchmark pair of a split, from the counts alone (no predictions): the
 * share of `draws` multinomial resamples of the subgroup's answers whose mode is the label.
 */
export function pairLabelStability(bench: Benchmark, opts: { split?: Pair["split"]; draws?: number; seed?: number } = {}): Map<string, number> {
  const pairs = bench.pairs.filter((p) => !opts.split || p.split === opts.split);
  const B = opts.draws ?? 1000;
  const scales = new Map(bench.questions.map((q) => [q.id, scaleOf(q)]));
  const t = buildTables(pairs.map((p) => ({ weights: p.counts, n: p.n, label: p.mode, scale: scales.get(p.question)!, pred: null })));
  const s = modeSampler(t, bench.options.tiePolicy, (opts.seed ?? 1) + 7919);
  const out = new Map<string, number>();
  pairs.forEach((p, i) => {
    let k = 0;
    for (let b = 0; b < B; b++) if (s.draw(i) === t.label[i]) k++;
    out.set(pairKey(p.question, p.subgroup), k / B);
  });
  return out;
}

/** "0.275 observed; 0.12 expected from subgroup sizes alone (p = 0.001)". */
export function noiseFloorText(observed: number, n: NullStat | undefined, digits = 3): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(digits) : "—");
  if (!n) return `${f(observed)} observed`;
  return `${f(observed)} observed; ${f(n.mean)} expected from subgroup sizes alone (p = ${n.p < 0.001 ? "<0.001" : n.p.toFixed(3)})`;
}

// ---------------------------------------------------------------------------------------------
// Glue for evaluatePredictions

export interface UncertaintyOptions {
  /** The respondents (microdata): the null then draws random respondent groups ("random-respondents"). */
  microdata?: Microdata;
  /** Size-matched null draws (default 1000; 0 = none). */
  nullDraws?: number;
  /** Question + label bootstrap draws for the disparity intervals and label stability (default 1000; 0 = none). */
  labelDraws?: number;
  seed?: number;
  level?: number;
}

/** What evaluate adds beside the disparity numbers: the noise floor per attribute, and the labels' stability. */
export interface EvaluationUncertainty {
  /** Per attribute of the scored subgroups: pooled scores, their expected values under the null and the gap's null. */
  noiseFloor?: { method: NullMethod; description: string; draws: number; attributes: AttributeNull[]; subgroups: SubgroupNull[] };
  labelStability?: StabilitySummary;
}

/**
 * Adds `ci` (question + label bootstrap) and `null` (size-matched) to the subgroup disparity of
 * accuracy and NMAE, and returns the noise floor per attribute and the label-stability summary.
 * Mutates `disparity` in place (the evaluation's own objects).
 */
export function disparityUncertainty(
  bench: Benchmark,
  scores: readonly PairScore[],
  disparity: Record<DisparityMetric, { normalisedRange: number; cv: number; ci?: DisparityCi; null?: DisparityNull }>,
  opts: UncertaintyOptions = {},
): EvaluationUncertainty {
  const out: EvaluationUncertainty = {};
  if (scores.length === 0) return out;
  const seed = opts.seed ?? 1;
  const nullDraws = opts.nullDraws ?? 1000;
  const labelDraws = opts.labelDraws ?? 1000;
  if (nullDraws > 0) {
    const nf = opts.microdata
      ? respondentNull(bench, scores, opts.microdata, { draws: nullDraws, seed })
      : sizeMatchedNull(bench, scores, { draws: nullDraws, seed });
    disparity.accuracy.null = nf.metrics.accuracy;
    disparity.nmae.null = nf.metrics.nmae;
    out.noiseFloor = { method: nf.method, description: NULL_METHOD_TEXT[nf.method], draws: nf.draws, attributes: nf.attributes, subgroups: nf.subgroups };
  }
  if (labelDraws > 0) {
    const lb = labelBootstrap(bench, scores, { draws: labelDraws, seed, level: opts.level });
    for (const m of ["accuracy", "nmae"] as const) {
      // The evaluation's own estimate (summed in another order: equal to the last bits) stays inside.
      const d = disparity[m];
      const c = lb.ci[m];
      for (const k of ["normalisedRange", "cv"] as const) {
        if (Number.isFinite(d[k])) c[k] = { lo: Math.min(c[k].lo, d[k]), hi: Math.max(c[k].hi, d[k]) };
      }
      d.ci = c;
    }
    const sizes = new Map(bench.subgroups.map((s) => [s.id, s.size]));
    out.labelStability = stabilitySummary(lb.stability, lb.subgroups, sizes, Math.min(labelDraws, POOL));
  }
  return out;
}

/**
 * One exact draw at a time from the size-matched null (no pool): every scored pair gets a mode drawn
 * from Multinomial(n, whole-sample shares), scored with its prediction; returns per-subgroup
 * accuracy and NMAE. For simulations (data generated with no demographic effect).
 */
export function nullScoreSampler(
  bench: Benchmark,
  scores: readonly PairScore[],
  seed: number,
): () => { accuracy: Map<string, number>; nmae: Map<string, number> } {
  const P = prepare(bench, scores);
  const keys = scores.map((x) => pairKey(x.question, x.subgroup));
  const t = tablesFor(
    bench,
    "null",
    keys,
    P.pairs.map((p, i) => ({ weights: bench.population[p.question] ?? {}, n: p.n, label: p.mode, scale: P.scales[i], pred: scores[i].code })),
  );
  const s = modeSampler(t, bench.options.tiePolicy, seed);
  const G = P.groups.length;
  return () => {
    const a = new Float64Array(G),
      e = new Float64Array(G);
    for (let i = 0; i < t.pairs; i++) {
      const j = t.start[i] + s.draw(i);
      a[P.gIdx[i]] += t.correct[j];
      e[P.gIdx[i]] += t.error[j];
    }
    return {
      accuracy: new Map(P.groups.map((g, k) => [g, a[k] / P.counts[k]])),
      nmae: new Map(P.groups.map((g, k) => [g, e[k] / P.counts[k]])),
    };
  };
}

/**
 * Question-cluster bootstrap draws of the overall mean and the dispersion over groups, from a
 * question × group matrix of sums and counts (layout q·G + g). For simulations and custom frames.
 */
export function questionBootstrapDispersion(
  sum: Float64Array,
  count: Float64Array,
  Q: number,
  G: number,
  B: number,
  seed: number,
): { overall: Float64Array; normalisedRange: Float64Array; cv: Float64Array } {
  const totalSum = new Float64Array(Q),
    totalCount = new Float64Array(Q);
  for (let q = 0; q < Q; q++)
    for (let g = 0; g < G; g++) {
      totalSum[q] += sum[q * G + g];
      totalCount[q] += count[q * G + g];
    }
  const w = drawClusterWeights(Q, B, seed);
  const gv = new Float64Array(G),
    gc = new Float64Array(G);
  const out = { overall: new Float64Array(B), normalisedRange: new Float64Array(B), cv: new Float64Array(B) };
  for (let b = 0; b < B; b++) {
    out.overall[b] = accumulate(w[b], Q, G, sum, count, totalSum, totalCount, gv, gc);
    for (let g = 0; g < G; g++) gv[g] = gc[g] > 0 ? gv[g] / gc[g] : NaN;
    const d = dispersion(gv);
    out.normalisedRange[b] = d.normalisedRange;
    out.cv[b] = d.cv;
  }
  return out;
}
