/**
 * The clustered bootstrap of a MetricFrame: questions are resampled, not pairs. A subgroup's pairs
 * on one question are not independent of the other subgroups' pairs on it (same wording, same
 * difficulty), and the 214 questions are the sample of the value space the claims generalise over.
 * With a full run every group answers every question, so every group is in every resample
 * (fairlearn #1441 cannot happen). A `--limit` run may cover only some questions of a group; a
 * resample that draws none of them has no value for that group. Such a resample still counts for the
 * overall score; the group's own interval uses the resamples that contain it, and macro and
 * disparity numbers in it are taken over the groups present (`incomplete` counts these resamples, so
 * a reader can see it happened).
 */
import { macroMean } from "./aggregate";
import { disparity, DISPARITY_KEYS, type DisparityKey } from "./disparity";
import type { MetricFrame } from "./frame";
import { groupingName, type By } from "./grouping";
import { headlineMetrics, metricInfo, reduceWith, type MetricName } from "./registry";
import { mean, quantile, seededRandom } from "./stats";

/** A point estimate with a percentile bootstrap interval and bootstrap standard error. */
export interface Estimate {
  value: number;
  lo: number;
  hi: number;
  se: number;
}

export interface BootstrapOptions {
  /** Metrics to resample (default: the registry's headline metrics). */
  metrics?: MetricName[];
  by?: By;
  /** Resamples (default 1000). */
  n?: number;
  seed?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Keep each metric's resampled values (a non-enumerable `draws` on its MetricBootstrap). */
  keepDraws?: boolean;
}

export interface MetricBootstrap {
  overall: Estimate;
  /** Macro average over the groups of `by`. */
  macro: Estimate;
  groups: Record<string, Estimate>;
  disparity: Record<DisparityKey, Estimate>;
  /** With keepDraws (not enumerable, so in no JSON): the resampled values behind the estimates. */
  draws?: { overall: Float64Array; macro: Float64Array; disparity: Record<DisparityKey, Float64Array> };
}

export interface BootstrapResult {
  n: number;
  seed: number;
  level: number;
  /** The resampling unit. */
  cluster: "question";
  by: string;
  metrics: Partial<Record<MetricName, MetricBootstrap>>;
  /** Resamples in which some group had no scored pair (first metric); 0 with full coverage. */
  incomplete: number;
}

/**
 * Percentile bootstrap over questions (clustered), seeded and deterministic: the same scores,
 * seed and n give the same intervals. Covers overall, macro, every group and every disparity number.
 */
export function bootstrapFrame(frame: MetricFrame, opts: BootstrapOptions = {}): BootstrapResult {
  const metrics = opts.metrics ?? headlineMetrics().map((m) => m.id);
  const by = opts.by ?? "subgroup";
  const B = opts.n ?? 1000;
  const seed = opts.seed ?? 1;
  const level = opts.level ?? 0.95;
  const out: BootstrapResult = { n: B, seed, level, cluster: "question", by: groupingName(by), metrics: {}, incomplete: 0 };
  // One set of question draws shared by every metric, so metrics' intervals are coherent.
  const qList = frame.matrix(metrics[0], by).questions;
  const weights = drawClusterWeights(qList.length, B, seed);
  for (const metric of metrics) {
    const m = frame.matrix(metric, by);
    const w = alignWeights(weights, qList, m.questions, B);
    const info = metricInfo(metric);
    const higher = info.higherIsBetter;
    const G = m.groups.length;
    const overall = new Float64Array(B);
    const macroV = new Float64Array(B);
    const groups = m.groups.map(() => new Float64Array(B));
    const disp = Object.fromEntries(DISPARITY_KEYS.map((k) => [k, new Float64Array(B)])) as Record<DisparityKey, Float64Array>;
    const gv = new Float64Array(G);
    const gc = new Float64Array(G);
    const tot = new Float64Array(2);
    const vals = new Map<string, number>();
    const gvals = new Array<number>(G);
    const { sum, count, totalSum, totalCount } = m;
    const Q = m.questions.length;
    // Groups that have the metric at all; a resample missing one of them is "incomplete".
    const present = m.groups.map((_, g) => {
      let c = 0;
      for (let q = 0; q < Q; q++) c += count[q * G + g];
      return c > 0;
    });
    let incomplete = 0;
    for (let b = 0; b < B; b++) {
      const wb = w[b];
      overall[b] = accumulate(wb, Q, G, sum, count, totalSum, totalCount, gv, gc, tot);
      if (info.reduce) overall[b] = info.reduce(tot[0], tot[1]);
      let missing = false;
      for (let g = 0; g < G; g++) {
        const v = gc[g] > 0 ? reduceWith(info, gv[g], gc[g]) : NaN;
        if (present[g] && gc[g] === 0) missing = true;
        groups[g][b] = v;
        gvals[g] = v;
        vals.set(m.groups[g], v);
      }
      if (missing) incomplete++;
      macroV[b] = macroMean(gvals);
      const d = disparity(vals, { higherIsBetter: higher, overall: overall[b] });
      for (const k of DISPARITY_KEYS) disp[k][b] = d[k];
    }
    if (metric === metrics[0]) out.incomplete = incomplete;
    const point = frame.disparity(metric, by);
    const groupPoint = frame.values(metric, by);
    out.metrics[metric] = {
      overall: estimate(frame.overall(metric), overall, level),
      macro: estimate(frame.macro(metric, by), macroV, level),
      groups: Object.fromEntries(m.groups.map((g, i) => [g, estimate(groupPoint.get(g)!, groups[i], level)])),
      disparity: Object.fromEntries(DISPARITY_KEYS.map((k) => [k, estimate(point[k], disp[k], level)])) as Record<DisparityKey, Estimate>,
    };
    // Not enumerable: callers that ask for the draws get them, and no JSON of the result carries them.
    if (opts.keepDraws) Object.defineProperty(out.metrics[metric], "draws", { value: { overall, macro: macroV, disparity: disp }, enumerable: false });
  }
  return out;
}

/**
 * One resample: gv/gc ← Σ_q w_q · (sum, count)[q, ·]; returns the weighted overall mean (and its
 * sum and count in `tot`, for metrics that are not means). A small
 * monomorphic function so V8 optimises the hot loop (it runs B × Q × G times).
 */
export function accumulate(
  w: Uint16Array,
  Q: number,
  G: number,
  sum: Float64Array,
  count: Float64Array,
  totalSum: Float64Array,
  totalCount: Float64Array,
  gv: Float64Array,
  gc: Float64Array,
  tot?: Float64Array,
): number {
  gv.fill(0);
  gc.fill(0);
  let ts = 0;
  let tc = 0;
  for (let q = 0; q < Q; q++) {
    const k = w[q];
    if (k === 0) continue;
    ts += k * totalSum[q];
    tc += k * totalCount[q];
    const base = q * G;
    for (let g = 0; g < G; g++) {
      gv[g] += k * sum[base + g];
      gc[g] += k * count[base + g];
    }
  }
  if (tot) {
    tot[0] = ts;
    tot[1] = tc;
  }
  return ts / tc;
}

/** B rows of multiplicities: how often each of Q questions was drawn (Q draws with replacement). */
export function drawClusterWeights(Q: number, B: number, seed: number): Uint16Array[] {
  const rnd = seededRandom(seed);
  const out: Uint16Array[] = [];
  for (let b = 0; b < B; b++) {
    const w = new Uint16Array(Q);
    for (let i = 0; i < Q; i++) w[Math.floor(rnd() * Q)]++;
    out.push(w);
  }
  return out;
}

/** Re-key weights drawn over `from` questions onto the order of `to` (0 for questions not drawn). */
export function alignWeights(w: Uint16Array[], from: string[], to: string[], B: number): Uint16Array[] {
  if (from.length === to.length && from.every((q, i) => q === to[i])) return w;
  const idx = new Map(from.map((q, i) => [q, i]));
  return w.slice(0, B).map((row) => Uint16Array.from(to, (q) => (idx.has(q) ? row[idx.get(q)!] : 0)));
}

export function estimate(value: number, draws: Float64Array | number[], level: number): Estimate {
  const arr = Array.from(draws).filter((x) => !Number.isNaN(x));
  const a = (1 - level) / 2;
  const mu = mean(arr);
  let ss = 0;
  for (const x of arr) ss += (x - mu) ** 2;
  return { value, lo: quantile(arr, a), hi: quantile(arr, 1 - a), se: arr.length > 1 ? Math.sqrt(ss / (arr.length - 1)) : NaN };
}
