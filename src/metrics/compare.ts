/**
 * Two-frame comparisons: base vs fine-tuned (or any two runs), and model vs baseline per group.
 *
 * "Fairness paradox" (Tan et al.): fine-tuning can raise every group's accuracy yet widen the NMAE
 * gap because groups that were already well emulated gain the most precision. `compareRuns`
 * reports the per-group change, the change of every disparity number, and the correlation
 * between a group's score in run A and its gain (positive for accuracy = the rich get richer).
 * Intervals come from a paired bootstrap over questions (the same draws for both runs).
 *
 * Both functions compare the two frames on the (question, subgroup) pairs they SHARE: a `--limit`
 * run covers a subset of the split, and a score over other pairs is a different quantity (an exact
 * copy of the national mode's answers on 200 pairs scored +0.235 "skill" against the national mode
 * on all 10,177). The shared count is returned so tables can say what was compared.
 */
import { skill } from "./aggregate";
import { accumulate, alignWeights, drawClusterWeights, estimate, type Estimate } from "./bootstrap";
import { disparity, DISPARITY_KEYS, type Disparity, type DisparityKey } from "./disparity";
import type { By, MetricFrame } from "./frame";
import { headlineMetrics, metricInfo, reduceWith, type MetricName } from "./registry";
import { pearson, spearman } from "./stats";

export interface GroupChange {
  group: string;
  before: number;
  after: number;
  change: number;
  /** Paired bootstrap interval of the change (present when `bootstrap` > 0). */
  ci?: Estimate;
}

/** Pair coverage of two frames: what they share and what each has alone. */
export interface PairCoverage {
  shared: number;
  onlyBefore: number;
  onlyAfter: number;
}

export interface RunComparison {
  metric: MetricName;
  by: string;
  /** Both runs are compared on the `shared` (question, subgroup) pairs only. */
  pairs: PairCoverage;
  overall: { before: number; after: number; change: number; ci?: Estimate };
  groups: GroupChange[];
  disparity: { before: Disparity; after: Disparity; change: Record<DisparityKey, number>; ci?: Record<DisparityKey, Estimate> };
  /** corr(score before, gain) across groups. For an error metric the gain is before − after (a drop in error). */
  gainCorrelation: { pearson: number; spearman: number; groups: number };
}

export interface CompareOptions {
  by?: By;
  /** Bootstrap resamples for CIs of the changes (0 = none; default 1000). */
  bootstrap?: number;
  seed?: number;
  level?: number;
  /** "shared" (default): compare on the pairs both runs have; "same": refuse when the pair sets differ. */
  coverage?: "shared" | "same";
}

/**
 * The two frames restricted to the (question, subgroup) pairs both have (templates ignored: each
 * frame is one template's scores). Returns the inputs themselves when they already cover the same pairs.
 */
export function onSharedPairs(a: MetricFrame, b: MetricFrame): { a: MetricFrame; b: MetricFrame; pairs: PairCoverage } {
  const ka = a.pairKeys();
  const kb = b.pairKeys();
  const shared = new Set([...ka].filter((k) => kb.has(k)));
  const pairs = { shared: shared.size, onlyBefore: ka.size - shared.size, onlyAfter: kb.size - shared.size };
  return {
    a: pairs.onlyBefore ? a.restrict(shared) : a,
    b: pairs.onlyAfter ? b.restrict(shared) : b,
    pairs,
  };
}

/** Groups present in both frames, in A's order. */
function commonGroups(a: Map<string, number>, b: Map<string, number>): string[] {
  return [...a.keys()].filter((g) => b.has(g) && !Number.isNaN(a.get(g)!) && !Number.isNaN(b.get(g)!));
}

export function compareRuns(beforeAll: MetricFrame, afterAll: MetricFrame, metric: MetricName, opts: CompareOptions = {}): RunComparison {
  const by = opts.by ?? "subgroup";
  const { a: before, b: after, pairs } = onSharedPairs(beforeAll, afterAll);
  if (pairs.shared === 0)
    throw new Error(`compareRuns: the two runs share no (question, subgroup) pair (${pairs.onlyBefore} vs ${pairs.onlyAfter} pairs); nothing to compare`);
  if (opts.coverage === "same" && (pairs.onlyBefore || pairs.onlyAfter)) {
    throw new Error(
      `compareRuns: the runs cover different pairs (${pairs.shared} shared, ${pairs.onlyBefore} only before, ${pairs.onlyAfter} only after); pass coverage "shared" to compare on the shared ones`,
    );
  }
  const higher = metricInfo(metric).higherIsBetter;
  const va = before.values(metric, by);
  const vb = after.values(metric, by);
  const groups = commonGroups(va, vb);
  const pick = (m: Map<string, number>) => new Map(groups.map((g) => [g, m.get(g)!]));
  const oa = before.overall(metric);
  const ob = after.overall(metric);
  const da = disparity(pick(va), { higherIsBetter: higher, overall: oa });
  const db = disparity(pick(vb), { higherIsBetter: higher, overall: ob });
  const change = Object.fromEntries(DISPARITY_KEYS.map((k) => [k, db[k] - da[k]])) as Record<DisparityKey, number>;
  const beforeScores = groups.map((g) => va.get(g)!);
  const gains = groups.map((g) => (higher ? vb.get(g)! - va.get(g)! : va.get(g)! - vb.get(g)!));
  const out: RunComparison = {
    metric,
    by: typeof by === "function" ? "custom" : by,
    pairs,
    overall: { before: oa, after: ob, change: ob - oa },
    groups: groups.map((g) => ({ group: g, before: va.get(g)!, after: vb.get(g)!, change: vb.get(g)! - va.get(g)! })),
    disparity: { before: da, after: db, change },
    gainCorrelation: { pearson: pearson(beforeScores, gains), spearman: spearman(beforeScores, gains), groups: groups.length },
  };
  const B = opts.bootstrap ?? 1000;
  if (B > 0) pairedBootstrap(before, after, metric, by, groups, B, opts.seed ?? 1, opts.level ?? 0.95, out);
  return out;
}

function pairedBootstrap(
  before: MetricFrame,
  after: MetricFrame,
  metric: MetricName,
  by: By,
  groups: string[],
  B: number,
  seed: number,
  level: number,
  out: RunComparison,
): void {
  const ma = before.matrix(metric, by);
  const mb = after.matrix(metric, by);
  const qs = [...new Set([...ma.questions, ...mb.questions])];
  const w = drawClusterWeights(qs.length, B, seed);
  const wa = alignWeights(w, qs, ma.questions, B);
  const wb = alignWeights(w, qs, mb.questions, B);
  const ga = groups.map((g) => ma.groups.indexOf(g));
  const gb = groups.map((g) => mb.groups.indexOf(g));
  const info = metricInfo(metric);
  const higher = info.higherIsBetter;
  const tot = new Float64Array(2);
  const dOverall = new Float64Array(B);
  const dGroups = groups.map(() => new Float64Array(B));
  const dDisp = Object.fromEntries(DISPARITY_KEYS.map((k) => [k, new Float64Array(B)])) as Record<DisparityKey, Float64Array>;
  const bufA = { gv: new Float64Array(ma.groups.length), gc: new Float64Array(ma.groups.length) };
  const bufB = { gv: new Float64Array(mb.groups.length), gc: new Float64Array(mb.groups.length) };
  const resample = (m: typeof ma, wr: Uint16Array, buf: typeof bufA, idx: number[]) => {
    const mean = accumulate(wr, m.questions.length, m.groups.length, m.sum, m.count, m.totalSum, m.totalCount, buf.gv, buf.gc, tot);
    const overall = info.reduce ? info.reduce(tot[0], tot[1]) : mean;
    return { overall, vals: idx.map((g) => (buf.gc[g] > 0 ? reduceWith(info, buf.gv[g], buf.gc[g]) : NaN)) };
  };
  for (let b = 0; b < B; b++) {
    const A = resample(ma, wa[b], bufA, ga);
    const Bv = resample(mb, wb[b], bufB, gb);
    dOverall[b] = Bv.overall - A.overall;
    // A group missing from this resample in either run (none of its questions drawn) is left out of
    // both runs' disparity, so before and after are always taken over the same groups.
    const va = new Map<string, number>();
    const vb = new Map<string, number>();
    groups.forEach((g, i) => {
      const x = A.vals[i],
        y = Bv.vals[i];
      const both = !Number.isNaN(x) && !Number.isNaN(y);
      dGroups[i][b] = both ? y - x : NaN;
      if (both) {
        va.set(g, x);
        vb.set(g, y);
      }
    });
    const da = disparity(va, { higherIsBetter: higher, overall: A.overall });
    const db = disparity(vb, { higherIsBetter: higher, overall: Bv.overall });
    for (const k of DISPARITY_KEYS) dDisp[k][b] = db[k] - da[k];
  }
  out.overall.ci = estimate(out.overall.change, dOverall, level);
  out.groups.forEach((g, i) => (g.ci = estimate(g.change, dGroups[i], level)));
  out.disparity.ci = Object.fromEntries(DISPARITY_KEYS.map((k) => [k, estimate(out.disparity.change[k], dDisp[k], level)])) as Record<DisparityKey, Estimate>;
}

export interface GroupSkillRow {
  group: string;
  pairs: number;
  size: number;
  small: boolean;
  /** metric → model score, baseline score, skill = (model − baseline)/(perfect − baseline). */
  model: Partial<Record<MetricName, number>>;
  baseline: Partial<Record<MetricName, number>>;
  skill: Partial<Record<MetricName, number>>;
}

/** skillByGroup's rows plus the pair coverage the comparison was made on. */
export type GroupSkillRows = GroupSkillRow[] & { pairs: PairCoverage };

/**
 * "Model vs baseline, per group": a model's per-group score only means something beside the
 * same group's baseline score (minorities differ more from the national majority, so even the
 * national-mode baseline scores worse on them). Skill > 0: the model adds to what the data alone gives.
 * Model and baseline are scored on the pairs they share (`pairs` on each row = shared pairs of the
 * group; `.pairs` on the result = the coverage), so a --limit run meets the baseline on its own pairs.
 */
export function skillByGroup(modelAll: MetricFrame, baselineAll: MetricFrame, opts: { by?: By; metrics?: MetricName[] } = {}): GroupSkillRows {
  const by = opts.by ?? "subgroup";
  const { a: model, b: baseline, pairs } = onSharedPairs(modelAll, baselineAll);
  const metrics = opts.metrics ?? headlineMetrics().map((m) => m.id);
  const rows = model.byGroup(metrics[0], by);
  const mv = new Map(metrics.map((m) => [m, model.values(m, by)]));
  const bv = new Map(metrics.map((m) => [m, baseline.values(m, by)]));
  const out = rows
    .filter((r) => bv.get(metrics[0])!.has(r.group))
    .map((r) => {
      const row: GroupSkillRow = { group: r.group, pairs: r.pairs, size: r.size, small: r.small, model: {}, baseline: {}, skill: {} };
      for (const m of metrics) {
        const a = mv.get(m)!.get(r.group) ?? NaN;
        const b = bv.get(m)!.get(r.group) ?? NaN;
        row.model[m] = a;
        row.baseline[m] = b;
        row.skill[m] = skill(a, b, m);
      }
      return row;
    });
  return Object.assign(out, { pairs });
}
