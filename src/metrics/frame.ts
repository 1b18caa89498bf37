/**
 * MetricFrame for persona simulation: any registered metric (registry.ts) by subgroup, stratum,
 * template or attribute value, with disparity numbers. Split by job as fairlearn splits its
 * MetricFrame: grouping and per-group scores here; the clustered bootstrap in bootstrap.ts; the
 * permutation tests in permutation.ts (the frame's methods of those names call them).
 *
 * Grouping by attribute value pools subgroups: "attribute:religion" puts every scored subgroup
 * with religion = Muslim into one group "Muslim" (e.g. all OOD age×religion and ethnicity×religion
 * subgroups containing Muslim). A subgroup without that attribute is left out of that grouping.
 */
import { parseSubgroupIdLenient } from "../benchmark/subgroup-id";
import type { Subgroup } from "../benchmark/types";
import { pairKey } from "../benchmark/types";
import { macroMean } from "./aggregate";
import { bootstrapFrame, type BootstrapOptions, type BootstrapResult } from "./bootstrap";
import { disparity, type Disparity } from "./disparity";
import { groupingName, type By } from "./grouping";
import { permutationTest, rangeTest, type PermutationResult, type RangeTestResult } from "./permutation";
import { headlineMetrics, metricInfo, reduceWith, type MetricName } from "./registry";
import type { PairScore } from "./score";

export type { By } from "./grouping";

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
    return new MetricFrame(
      this.scores.filter((s) => keys.has(pairKey(s.question, s.subgroup))),
      this.opts,
    );
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
        if (!by.startsWith("attribute:"))
          throw new Error(`unknown grouping "${by}"; expected subgroup, stratum, template, split, question or attribute:<name>`);
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

  /**
   * Question × group sums and counts of a metric's per-pair values (cached by metric id). Questions
   * where the metric never exists keep zero counts.
   */
  matrix(metric: MetricName, by: By = "subgroup"): GroupMatrix {
    const ck = typeof by === "function" ? null : `${metric}|${by}`;
    if (ck && this.cache.has(ck)) return this.cache.get(ck)!;
    const info = metricInfo(metric);
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
      const v = info.value(scores[i]);
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
    return reduceWith(metricInfo(metric), sumOf(m.totalSum), sumOf(m.totalCount));
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
    const info = metricInfo(metric);
    const rows: GroupRow[] = m.groups.map((group, g) => {
      let sum = 0,
        count = 0,
        questions = 0;
      for (let q = 0; q < m.questions.length; q++) {
        sum += m.sum[q * G + g];
        count += m.count[q * G + g];
        if (m.count[q * G + g] > 0) questions++;
      }
      const subs = members.get(group) ?? new Set<string>();
      let size = 0;
      for (const id of subs) size += this.meta.get(id)?.size ?? NaN;
      const small = count < this.minPairs || (by !== "template" && by !== "question" && size < this.minSize);
      return { group, value: reduceWith(info, sum, count), pairs: count, questions, subgroups: subs.size, size, small };
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
    return disparity(this.values(metric, by), { higherIsBetter: metricInfo(metric).higherIsBetter, overall: this.overall(metric) });
  }

  /** Human-readable warnings about groups too small to trust. */
  warnings(by: By = "subgroup", metric: MetricName = headlineMetrics()[0].id): string[] {
    return this.byGroup(metric, by)
      .filter((r) => r.small)
      .map(
        (r) =>
          `${groupingName(by)} "${r.group}": ${r.pairs} pairs` +
          (Number.isNaN(r.size) ? "" : `, ${r.size} respondents`) +
          ` (below ${this.minPairs} pairs or ${this.minSize} respondents): its score is noisy`,
      );
  }

  /** Clustered bootstrap over questions of overall, macro, every group and every disparity number (bootstrap.ts). */
  bootstrap(opts: BootstrapOptions = {}): BootstrapResult {
    return bootstrapFrame(this, opts);
  }

  /** Is group A emulated better than group B? Sign-flip permutation within questions (permutation.ts). */
  permutationTest(metric: MetricName, by: By, a: string, b: string, opts: { n?: number; seed?: number } = {}): PermutationResult {
    return permutationTest(this, metric, by, a, b, opts);
  }

  /** Do the groups of `by` differ at all? Max − min permutation within questions (permutation.ts). */
  rangeTest(metric: MetricName, by: By, opts: { n?: number; seed?: number } = {}): RangeTestResult {
    return rangeTest(this, metric, by, opts);
  }
}

function sumOf(a: Float64Array): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
}
