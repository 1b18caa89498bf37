/**
 * Two-frame comparisons: base vs fine-tuned (or any two runs), and model vs baseline per group.
 *
 * "Fairness paradox" (Tan et al.): fine-tuning can raise every group's accuracy yet widen the NMAE
 * gap because groups that were already well emulated gain the most precision. `compareRuns`
 * reports the per-group change, the change of every disparity number, and the correlation
 * between a group's score in run A and its gain (positive for accuracy = the rich get richer).
 * Intervals come from a paired bootstrap over questions (the same draws for both runs).
 */
import { METRICS, skill, type MetricName } from "./aggregate";
import { disparity, DISPARITY_KEYS, type Disparity, type DisparityKey } from "./disparity";
import { alignWeights, drawClusterWeights, estimate, type By, type Estimate, type MetricFrame } from "./frame";
import { pearson, spearman } from "./stats";

export interface GroupChange {
  group: string;
  before: number;
  after: number;
  change: number;
  /** Paired bootstrap interval of the change (present when `bootstrap` > 0). */
  ci?: Estimate;
}

export interface RunComparison {
  metric: MetricName;
  by: string;
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
}

/** Groups present in both frames, in A's order. */
function commonGroups(a: Map<string, number>, b: Map<string, number>): string[] {
  return [...a.keys()].filter((g) => b.has(g) && !Number.isNaN(a.get(g)!) && !Number.isNaN(b.get(g)!));
}

export function compareRuns(before: MetricFrame, after: MetricFrame, metric: MetricName, opts: CompareOptions = {}): RunComparison {
  const by = opts.by ?? "subgroup";
  const higher = METRICS[metric].higherIsBetter;
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
    overall: { before: oa, after: ob, change: ob - oa },
    groups: groups.map((g) => ({ group: g, before: va.get(g)!, after: vb.get(g)!, change: vb.get(g)! - va.get(g)! })),
    disparity: { before: da, after: db, change },
    gainCorrelation: { pearson: pearson(beforeScores, gains), spearman: spearman(beforeScores, gains), groups: groups.length },
  };
  const B = opts.bootstrap ?? 1000;
  if (B > 0) pairedBootstrap(before, after, metric, by, groups, B, opts.seed ?? 1, opts.level ?? 0.95, out);
  return out;
}

function pairedBootstrap(before: MetricFrame, after: MetricFrame, metric: MetricName, by: By, groups: string[], B: number, seed: number, level: number, out: RunComparison): void {
  const ma = before.matrix(metric, by);
  const mb = after.matrix(metric, by);
  const qs = [...new Set([...ma.questions, ...mb.questions])];
  const w = drawClusterWeights(qs.length, B, seed);
  const wa = alignWeights(w, qs, ma.questions, B);
  const wb = alignWeights(w, qs, mb.questions, B);
  const ga = groups.map((g) => ma.groups.indexOf(g));
  const gb = groups.map((g) => mb.groups.indexOf(g));
  const higher = METRICS[metric].higherIsBetter;
  const dOverall = new Float64Array(B);
  const dGroups = groups.map(() => new Float64Array(B));
  const dDisp = Object.fromEntries(DISPARITY_KEYS.map((k) => [k, new Float64Array(B)])) as Record<DisparityKey, Float64Array>;
  const resample = (m: typeof ma, wr: Uint16Array, idx: number[]) => {
    const G = m.groups.length;
    const s = new Float64Array(idx.length);
    const c = new Float64Array(idx.length);
    let ts = 0, tc = 0;
    for (let q = 0; q < m.questions.length; q++) {
      const k = wr[q];
      if (!k) continue;
      ts += k * m.totalSum[q];
      tc += k * m.totalCount[q];
      for (let i = 0; i < idx.length; i++) {
        s[i] += k * m.sum[q * G + idx[i]];
        c[i] += k * m.count[q * G + idx[i]];
      }
    }
    const vals = new Map<string, number>();
    idx.forEach((_, i) => vals.set(groups[i], c[i] > 0 ? s[i] / c[i] : NaN));
    return { overall: ts / tc, vals };
  };
  for (let b = 0; b < B; b++) {
    const A = resample(ma, wa[b], ga);
    const Bv = resample(mb, wb[b], gb);
    dOverall[b] = Bv.overall - A.overall;
    groups.forEach((g, i) => (dGroups[i][b] = Bv.vals.get(g)! - A.vals.get(g)!));
    const da = disparity(A.vals, { higherIsBetter: higher, overall: A.overall });
    const db = disparity(Bv.vals, { higherIsBetter: higher, overall: Bv.overall });
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

/**
 * "Model vs baseline, per group": a model's per-group score only means something beside the
 * same group's baseline score (minorities differ more from the national majority, so even the
 * national-mode baseline scores worse on them). Skill > 0: the model adds to what the data alone gives.
 */
export function skillByGroup(model: MetricFrame, baseline: MetricFrame, opts: { by?: By; metrics?: MetricName[] } = {}): GroupSkillRow[] {
  const by = opts.by ?? "subgroup";
  const metrics = opts.metrics ?? ["accuracy", "nmae"];
  const rows = model.byGroup(metrics[0], by);
  const mv = new Map(metrics.map((m) => [m, model.values(m, by)]));
  const bv = new Map(metrics.map((m) => [m, baseline.values(m, by)]));
  return rows
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
}
