/**
 * MetricFrame for persona simulation: any metric by subgroup, stratum, template or attribute
 * value, with disparity numbers, clustered bootstrap CIs and a paired permutation test.
 *
 * Uncertainty resamples QUESTIONS (clusters), not pairs: a subgroup's pairs on one question are
 * not independent of the other subgroups' pairs on it (same wording, same difficulty), and the
 * 214 questions are the sample of the value space the claims generalise over. With a full run
 * every group answers every question, so every group is in every resample (fairlearn #1441 cannot
 * happen). A `--limit` run may cover only some questions of a group; a resample that draws none of
 * them has no value for that group. Such a resample still counts for the overall score; the group's
 * own interval uses the resamples that contain it, and macro and disparity numbers in it are taken
 * over the groups present (`incomplete` counts these resamples, so a reader can see it happened).
 *
 * Grouping by attribute value pools subgroups: "attribute:religion" puts every scored subgroup
 * with religion = Muslim into one group "Muslim" (e.g. all OOD age×religion and ethnicity×religion
 * subgroups containing Muslim). A subgroup without that attribute is left out of that grouping.
 */
import { parseSubgroupIdLenient } from "../benchmark/subgroup-id";
import type { Subgroup } from "../benchmark/types";
import { pairKey } from "../benchmark/types";
import { macroMean, METRICS, type MetricName } from "./aggregate";
import { disparity, DISPARITY_KEYS, type Disparity, type DisparityKey } from "./disparity";
import type { PairScore } from "./score";
import { mean, quantile, seededRandom } from "./stats";

/** How to group pairs: a built-in key, "attribute:<name>", or a function (undefined = leave out). */
export type By = "subgroup" | "stratum" | "template" | "split" | "question" | `attribute:${string}` | ((s: PairScore) => string | undefined);

export interface FrameOptions {
  /** Subgroup metadata (benchmark.subgroups): stratum, attributes, size. Parsed from ids when absent. */
  subgroups?: Subgroup[];
  /** Warn when a group has fewer scored pairs than this (default 30). */
  minPairs?: number;
  /** Warn when a group has fewer respondents than this (default 50; the paper keeps n ≥ 30, and
   *  modal labels from 30–50 respondents are noisy). */
  minSize?: number;
}

export interface GroupRow {
  group: string;
  value: number;
  /** Scored pairs in the group. */
  pairs: number;
  questions: number;
  /** Distinct subgroups pooled into the group. */
  subgroups: number;
  /** Respondents (sum over pooled subgroups; NaN when unknown). */
  size: number;
  /** True when the group is below minPairs or minSize. */
  small: boolean;
}

/** A point estimate with a percentile bootstrap interval and bootstrap standard error. */
export interface Estimate {
  value: number;
  lo: number;
  hi: number;
  se: number;
}

export interface BootstrapOptions {
  metrics?: MetricName[];
  by?: By;
  /** Resamples (default 1000). */
  n?: number;
  seed?: number;
  /** Confidence level (default 0.95). */
  level?: number;
}

export interface MetricBootstrap {
  overall: Estimate;
  /** Macro average over the groups of `by`. */
  macro: Estimate;
  groups: Record<string, Estimate>;
  disparity: Record<DisparityKey, Estimate>;
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

export interface PermutationResult {
  metric: MetricName;
  by: string;
  a: string;
  b: string;
  /** Pooled scores of A and B over the questions both have. */
  valueA: number;
  valueB: number;
  /** valueA − valueB. */
  diff: number;
  /** Mean over questions of (A's score − B's score): the test statistic. */
  pairedDiff: number;
  questions: number;
  /** Two-sided p-value of "no difference", sign-flip permutation within questions (NaN with no shared question). */
  p: number;
  /** One-sided p-value of "A is emulated better than B" (direction-aware for error metrics). */
  pABetter: number;
  permutations: number;
  seed: number;
}

/**
 * "Do the groups differ at all?" for the largest gap: the statistic is max − min over the groups'
 * pooled scores, and the null distribution permutes the groups' cells (sum, count) WITHIN each
 * question and recomputes max − min. Because the best and worst groups are re-chosen in every
 * permutation, picking them from the data does not inflate the false-positive rate (a best-vs-worst
 * pairwise test does: ~21% at nominal 5% with 6 equal groups).
 */
export interface RangeTestResult {
  metric: MetricName;
  by: string;
  method: "max-min permutation within questions";
  /** Best and worst group (direction-aware for error metrics) and their pooled scores. */
  best: string;
  worst: string;
  valueBest: number;
  valueWorst: number;
  /** max − min of the group scores (≥ 0). */
  range: number;
  groups: number;
  questions: number;
  /** P(range under the null ≥ observed range); NaN with fewer than two groups. */
  p: number;
  permutations: number;
  seed: number;
}

/** Question × group sums for one metric and grouping. Layout: index q * G + g. */
export interface GroupMatrix {
  questions: string[];
  groups: string[];
  sum: Float64Array;
  count: Float64Array;
  /** Totals over all scored pairs (every group and pairs outside the grouping), per question. */
  totalSum: Float64Array;
  totalCount: Float64Array;
}

/** Best-effort subgroup metadata from an id like "age_x_religion:65 and over|Muslim": the one lenient parser. */
export const parseSubgroupId = parseSubgroupIdLenient;

function byName(by: By): string {
  return typeof by === "function" ? "custom" : by;
}

export class MetricFrame {
  readonly scores: readonly PairScore[];
  readonly minPairs: number;
  readonly minSize: number;
  private readonly meta = new Map<string, Pick<Subgroup, "id" | "stratum" | "attributes"> & { size?: number }>();
  private readonly cache = new Map<string, GroupMatrix>();
  private readonly opts: FrameOptions;

  constructor(scores: readonly PairScore[], opts: FrameOptions = {}) {
    this.scores = scores;
    this.opts = opts;
    this.minPairs = opts.minPairs ?? 30;
    this.minSize = opts.minSize ?? 50;
    for (const s of opts.subgroups ?? []) this.meta.set(s.id, s);
    for (const s of scores) if (!this.meta.has(s.subgroup)) this.meta.set(s.subgroup, parseSubgroupId(s.subgroup));
  }

  /** The (question, subgroup) pairs scored in this frame, as pairKey strings (templates ignored). */
  pairKeys(): Set<string> {
    return new Set(this.scores.map((s) => pairKey(s.question, s.subgroup)));
  }

  /** A frame over the scores of the given (question, subgroup) pairs only, with the same options. */
  restrict(keys: ReadonlySet<string>): MetricFrame {
    return new MetricFrame(this.scores.filter((s) => keys.has(pairKey(s.question, s.subgroup))), this.opts);
  }

  /** The group key of one pair under a grouping. */
  keyOf(by: By): (s: PairScore) => string | undefined {
    if (typeof by === "function") return by;
    switch (by) {
      case "subgroup":
        return (s) => s.subgroup;
      case "stratum":
        return (s) => this.meta.get(s.subgroup)?.stratum;
      case "template":
        return (s) => s.templateId;
      case "split":
        return (s) => s.split;
      case "question":
        return (s) => s.question;
      default: {
        if (!by.startsWith("attribute:")) throw new Error(`unknown grouping "${by}"; expected subgroup, stratum, template, split, question or attribute:<name>`);
        const attr = by.slice("attribute:".length);
        const known = new Set<string>();
        for (const m of this.meta.values()) for (const a of Object.keys(m.attributes)) known.add(a);
        if (known.size && !known.has(attr)) {
          throw new Error(`unknown grouping "${by}": the subgroups' attributes are ${[...known].sort().join(", ")} (e.g. attribute:${[...known].sort()[0]})`);
        }
        return (s) => this.meta.get(s.subgroup)?.attributes[attr];
      }
    }
  }

  private qIndex: { questions: string[]; idx: Int32Array } | null = null;
  private readonly gIndexCache = new Map<string, { groups: string[]; idx: Int32Array }>();

  /** Question index of every score (computed once). */
  private questionIndex(): { questions: string[]; idx: Int32Array } {
    if (this.qIndex) return this.qIndex;
    const map = new Map<string, number>();
    const idx = new Int32Array(this.scores.length);
    this.scores.forEach((s, i) => {
      let q = map.get(s.question);
      if (q === undefined) map.set(s.question, (q = map.size));
      idx[i] = q;
    });
    return (this.qIndex = { questions: [...map.keys()], idx });
  }

  /** Group index of every score under a grouping (−1 = left out), cached for named groupings. */
  private groupIndex(by: By): { groups: string[]; idx: Int32Array } {
    const ck = typeof by === "function" ? null : by;
    if (ck && this.gIndexCache.has(ck)) return this.gIndexCache.get(ck)!;
    const key = this.keyOf(by);
    const map = new Map<string, number>();
    const idx = new Int32Array(this.scores.length);
    this.scores.forEach((s, i) => {
      const k = key(s);
      if (k === undefined) {
        idx[i] = -1;
        return;
      }
      let g = map.get(k);
      if (g === undefined) map.set(k, (g = map.size));
      idx[i] = g;
    });
    const out = { groups: [...map.keys()], idx };
    if (ck) this.gIndexCache.set(ck, out);
    return out;
  }

  /** Question × group sums for a metric (cached). Questions where the metric never exists keep zero counts. */
  matrix(metric: MetricName, by: By = "subgroup"): GroupMatrix {
    const ck = typeof by === "function" ? null : `${metric}|${by}`;
    if (ck && this.cache.has(ck)) return this.cache.get(ck)!;
    const field = METRICS[metric].field;
    const qi = this.questionIndex();
    const gi = this.groupIndex(by);
    const Q = qi.questions.length;
    const G = gi.groups.length;
    const sum = new Float64Array(Q * G);
    const count = new Float64Array(Q * G);
    const totalSum = new Float64Array(Q);
    const totalCount = new Float64Array(Q);
    const scores = this.scores;
    for (let i = 0; i < scores.length; i++) {
      const v = scores[i][field];
      if (typeof v !== "number" || v !== v) continue;
      const q = qi.idx[i];
      const g = gi.idx[i];
      totalSum[q] += v;
      totalCount[q]++;
      if (g >= 0) {
        sum[q * G + g] += v;
        count[q * G + g]++;
      }
    }
    const m: GroupMatrix = { questions: qi.questions, groups: gi.groups, sum, count, totalSum, totalCount };
    if (ck) this.cache.set(ck, m);
    return m;
  }

  /** Micro average over all scored pairs. */
  overall(metric: MetricName): number {
    const m = this.matrix(metric, "subgroup");
    return sumOf(m.totalSum) / sumOf(m.totalCount);
  }

  /** Mean over groups of each group's score (default: over subgroups); groups without the metric are skipped. */
  macro(metric: MetricName, by: By = "subgroup"): number {
    return macroMean(this.byGroup(metric, by).map((r) => r.value));
  }

  /** One row per group: attribute values and questions by name, other groupings in benchmark order. */
  byGroup(metric: MetricName, by: By = "subgroup"): GroupRow[] {
    const m = this.matrix(metric, by);
    const G = m.groups.length;
    const members = this.members(by);
    const rows: GroupRow[] = m.groups.map((group, g) => {
      let sum = 0, count = 0, questions = 0;
      for (let q = 0; q < m.questions.length; q++) {
        sum += m.sum[q * G + g];
        count += m.count[q * G + g];
        if (m.count[q * G + g] > 0) questions++;
      }
      const subs = members.get(group) ?? new Set<string>();
      let size = 0;
      for (const id of subs) size += this.meta.get(id)?.size ?? NaN;
      const small = count < this.minPairs || (by !== "template" && by !== "question" && size < this.minSize);
      return { group, value: sum / count, pairs: count, questions, subgroups: subs.size, size, small };
    });
    // Attribute values and questions sort by name (age groups, ethnicities read in order); other
    // groupings keep benchmark order: the rank of their first member subgroup.
    if (typeof by === "string" && (by.startsWith("attribute:") || by === "question")) {
      return rows.sort((a, b) => a.group.localeCompare(b.group, "en", { numeric: true }));
    }
    const order = new Map([...this.meta.keys()].map((id, i) => [id, i]));
    const rank = (g: string) => Math.min(...[...(members.get(g) ?? [])].map((id) => order.get(id) ?? Infinity));
    const ranks = new Map(rows.map((r) => [r.group, rank(r.group)]));
    return rows.sort((a, b) => ranks.get(a.group)! - ranks.get(b.group)! || a.group.localeCompare(b.group));
  }

  private readonly membersCache = new Map<string, Map<string, Set<string>>>();

  /** Group → the subgroups pooled into it. */
  private members(by: By): Map<string, Set<string>> {
    const ck = typeof by === "function" ? null : by;
    if (ck && this.membersCache.has(ck)) return this.membersCache.get(ck)!;
    const gi = this.groupIndex(by);
    const members = new Map<string, Set<string>>();
    this.scores.forEach((s, i) => {
      const g = gi.idx[i];
      if (g < 0) return;
      const name = gi.groups[g];
      let set = members.get(name);
      if (!set) members.set(name, (set = new Set()));
      set.add(s.subgroup);
    });
    if (ck) this.membersCache.set(ck, members);
    return members;
  }

  /** Group values as a map (handy for disparity and plotting). */
  values(metric: MetricName, by: By = "subgroup"): Map<string, number> {
    return new Map(this.byGroup(metric, by).map((r) => [r.group, r.value]));
  }

  disparity(metric: MetricName, by: By = "subgroup"): Disparity {
    return disparity(this.values(metric, by), { higherIsBetter: METRICS[metric].higherIsBetter, overall: this.overall(metric) });
  }

  /** Human-readable warnings about groups too small to trust. */
  warnings(by: By = "subgroup", metric: MetricName = "accuracy"): string[] {
    return this.byGroup(metric, by)
      .filter((r) => r.small)
      .map((r) =>
        `${byName(by)} "${r.group}": ${r.pairs} pairs` + (Number.isNaN(r.size) ? "" : `, ${r.size} respondents`) +
        ` (below ${this.minPairs} pairs or ${this.minSize} respondents): its score is noisy`);
  }

  /**
   * Percentile bootstrap over questions (clustered), seeded and deterministic: the same scores,
   * seed and n give the same intervals. Covers overall, macro, every group and every disparity number.
   */
  bootstrap(opts: BootstrapOptions = {}): BootstrapResult {
    const metrics = opts.metrics ?? ["accuracy", "nmae"];
    const by = opts.by ?? "subgroup";
    const B = opts.n ?? 1000;
    const seed = opts.seed ?? 1;
    const level = opts.level ?? 0.95;
    const out: BootstrapResult = { n: B, seed, level, cluster: "question", by: byName(by), metrics: {}, incomplete: 0 };
    // One set of question draws shared by every metric, so metrics' intervals are coherent.
    const qList = this.matrix(metrics[0], by).questions;
    const weights = drawClusterWeights(qList.length, B, seed);
    for (const metric of metrics) {
      const m = this.matrix(metric, by);
      const w = alignWeights(weights, qList, m.questions, B);
      const higher = METRICS[metric].higherIsBetter;
      const G = m.groups.length;
      const overall = new Float64Array(B);
      const macroV = new Float64Array(B);
      const groups = m.groups.map(() => new Float64Array(B));
      const disp = Object.fromEntries(DISPARITY_KEYS.map((k) => [k, new Float64Array(B)])) as Record<DisparityKey, Float64Array>;
      const gv = new Float64Array(G);
      const gc = new Float64Array(G);
      const vals = new Map<string, number>();
      const gvals = new Array<number>(G);
      const { sum, count, totalSum, totalCount } = m;
      const Q = m.questions.length;
      // Groups that have the metric at all; a resample missing one of them is "incomplete".
      const present = m.groups.map((_, g) => { let c = 0; for (let q = 0; q < Q; q++) c += count[q * G + g]; return c > 0; });
      let incomplete = 0;
      for (let b = 0; b < B; b++) {
        const wb = w[b];
        overall[b] = accumulate(wb, Q, G, sum, count, totalSum, totalCount, gv, gc);
        let missing = false;
        for (let g = 0; g < G; g++) {
          const v = gc[g] > 0 ? gv[g] / gc[g] : NaN;
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
      const point = this.disparity(metric, by);
      const groupPoint = this.values(metric, by);
      out.metrics[metric] = {
        overall: estimate(this.overall(metric), overall, level),
        macro: estimate(this.macro(metric, by), macroV, level),
        groups: Object.fromEntries(m.groups.map((g, i) => [g, estimate(groupPoint.get(g)!, groups[i], level)])),
        disparity: Object.fromEntries(DISPARITY_KEYS.map((k) => [k, estimate(point[k], disp[k], level)])) as Record<DisparityKey, Estimate>,
      };
    }
    return out;
  }

  /**
   * Is group A emulated better than group B? Paired by question: for each question both have,
   * d_q = score_A(q) − score_B(q); under "no difference" the sign of each d_q is exchangeable, so
   * the null distribution flips signs at random (seeded). Statistic: mean d_q.
   */
  permutationTest(metric: MetricName, by: By, a: string, b: string, opts: { n?: number; seed?: number } = {}): PermutationResult {
    const n = opts.n ?? 10000;
    const seed = opts.seed ?? 1;
    const m = this.matrix(metric, by);
    const G = m.groups.length;
    const ia = m.groups.indexOf(a);
    const ib = m.groups.indexOf(b);
    if (ia < 0 || ib < 0) throw new Error(`permutationTest: group "${ia < 0 ? a : b}" not found under ${byName(by)}; groups: ${m.groups.join(", ")}`);
    const d: number[] = [];
    let sa = 0, ca = 0, sb = 0, cb = 0;
    for (let q = 0; q < m.questions.length; q++) {
      const na = m.count[q * G + ia];
      const nb = m.count[q * G + ib];
      if (na === 0 || nb === 0) continue;
      sa += m.sum[q * G + ia];
      ca += na;
      sb += m.sum[q * G + ib];
      cb += nb;
      d.push(m.sum[q * G + ia] / na - m.sum[q * G + ib] / nb);
    }
    if (d.length === 0) {
      // No question answered by both: nothing to compare, so no p-value (not a spurious 1/(n+1)).
      return { metric, by: byName(by), a, b, valueA: NaN, valueB: NaN, diff: NaN, pairedDiff: NaN, questions: 0, p: NaN, pABetter: NaN, permutations: 0, seed };
    }
    const obs = mean(d);
    const rnd = seededRandom(seed);
    let two = 0, one = 0;
    const higher = METRICS[metric].higherIsBetter;
    const eps = 1e-12;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (const x of d) s += rnd() < 0.5 ? -x : x;
      s /= d.length;
      if (Math.abs(s) >= Math.abs(obs) - eps) two++;
      if (higher ? s >= obs - eps : s <= obs + eps) one++;
    }
    const valueA = sa / ca;
    const valueB = sb / cb;
    return {
      metric, by: byName(by), a, b, valueA, valueB, diff: valueA - valueB, pairedDiff: obs, questions: d.length,
      p: (two + 1) / (n + 1), pABetter: (one + 1) / (n + 1), permutations: n, seed,
    };
  }

  /** Max − min permutation test over all groups of `by` (see RangeTestResult). Seeded. */
  rangeTest(metric: MetricName, by: By, opts: { n?: number; seed?: number } = {}): RangeTestResult {
    const n = opts.n ?? 5000;
    const seed = opts.seed ?? 1;
    const m = this.matrix(metric, by);
    const G = m.groups.length;
    const Q = m.questions.length;
    const higher = METRICS[metric].higherIsBetter;
    // Per question: the groups with a cell there (only those exchange labels).
    const cells: Int32Array[] = [];
    for (let q = 0; q < Q; q++) {
      const list: number[] = [];
      for (let g = 0; g < G; g++) if (m.count[q * G + g] > 0) list.push(g);
      if (list.length) cells.push(Int32Array.from(list));
      else cells.push(new Int32Array(0));
    }
    const gv = new Float64Array(G);
    const gc = new Float64Array(G);
    const range = (): [number, number, number] => {
      let lo = Infinity, hi = -Infinity, ilo = -1, ihi = -1;
      for (let g = 0; g < G; g++) {
        if (gc[g] === 0) continue;
        const v = gv[g] / gc[g];
        if (v < lo) [lo, ilo] = [v, g];
        if (v > hi) [hi, ihi] = [v, g];
      }
      return [hi - lo, ilo, ihi];
    };
    for (let q = 0; q < Q; q++) for (const g of cells[q]) { gv[g] += m.sum[q * G + g]; gc[g] += m.count[q * G + g]; }
    const [obs, ilo, ihi] = range();
    const groups = gc.reduce((a, c) => a + (c > 0 ? 1 : 0), 0);
    const base = { metric, by: byName(by), method: "max-min permutation within questions" as const, groups, questions: cells.filter((c) => c.length > 0).length, seed };
    if (groups < 2) {
      const only = ihi >= 0 ? m.groups[ihi] : "";
      return { ...base, best: only, worst: only, valueBest: obs === -Infinity ? NaN : gv[ihi] / gc[ihi], valueWorst: NaN, range: NaN, p: NaN, permutations: 0 };
    }
    const rnd = seededRandom(seed);
    const perm = new Int32Array(G);
    const eps = 1e-12;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      gv.fill(0);
      gc.fill(0);
      for (let q = 0; q < Q; q++) {
        const list = cells[q];
        const k = list.length;
        if (k === 0) continue;
        for (let j = 0; j < k; j++) perm[j] = list[j];
        for (let j = k - 1; j > 0; j--) {
          const r = Math.floor(rnd() * (j + 1));
          const t = perm[j]; perm[j] = perm[r]; perm[r] = t;
        }
        // Group list[j] receives the cell of group perm[j].
        for (let j = 0; j < k; j++) {
          gv[list[j]] += m.sum[q * G + perm[j]];
          gc[list[j]] += m.count[q * G + perm[j]];
        }
      }
      if (range()[0] >= obs - eps) hits++;
    }
    const [bi, wi] = higher ? [ihi, ilo] : [ilo, ihi];
    const val = (g: number) => {
      let s = 0, c = 0;
      for (let q = 0; q < Q; q++) { s += m.sum[q * G + g]; c += m.count[q * G + g]; }
      return s / c;
    };
    return { ...base, best: m.groups[bi], worst: m.groups[wi], valueBest: val(bi), valueWorst: val(wi), range: obs, p: (hits + 1) / (n + 1), permutations: n };
  }
}

/**
 * One resample: gv/gc ← Σ_q w_q · (sum, count)[q, ·]; returns the weighted overall mean. A small
 * monomorphic function so V8 optimises the hot loop (it runs B × Q × G times).
 */
export function accumulate(
  w: Uint16Array, Q: number, G: number, sum: Float64Array, count: Float64Array,
  totalSum: Float64Array, totalCount: Float64Array, gv: Float64Array, gc: Float64Array,
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
  return ts / tc;
}

function sumOf(a: Float64Array): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
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
