/**
 * "Do the values of one attribute differ?" — a permutation test that stays calibrated when the
 * values pool very different numbers of subgroups (tan2026's OOD religion: Roman Catholic 1
 * subgroup, Muslim 8) and when subgroup sizes differ.
 *
 * Why the older tests were not: MetricFrame.rangeTest permutes the pooled cells of attribute values
 * within questions, so a 1-subgroup value receives an 8-subgroup cell and the null has the wrong
 * spread; pooling also lets a value made of one small, noisy subgroup take the extreme by chance.
 * With no true difference, at nominal 5%, it rejected 15.2% of the time on the religion layout.
 *
 * This test:
 * 1. standardises every subgroup's score by the size-matched null (noise-floor.ts): z_s =
 *    (score_s − E0[score_s]) / SD0[score_s], so a small subgroup's expected shortfall and its larger
 *    noise are taken out (size alone no longer moves a value);
 * 2. takes the mean z per attribute value; the statistic is the between-values sum of squares
 *    Σ_v k_v (z̄_v − z̄)² (k_v = the value's number of subgroups; a one-way ANOVA numerator), which
 *    does not reward small groups: a value of one subgroup weighs one subgroup. (The max − min of the
 *    means would: with eight shifted Muslim subgroups, a permutation that hands one of them to the
 *    one-subgroup Catholic value reproduces the whole range, and power collapsed to 3%.) For a pair
 *    of values the statistic is z̄_a − z̄_b, two-sided;
 * 3. permutes the attribute's values among the subgroups WITHIN each stratum (subgroups of
 *    age×religion exchange religions with each other, never with ethnicity×religion ones), keeping
 *    how many subgroups every value has — so a value of one subgroup is compared with what one
 *    subgroup can do by chance.
 * Under "no difference" the subgroups' z are exchangeable within strata, and the p-value
 * (k + 1)/(n + 1) is valid; test/metrics-calibration.test.ts checks the rejection rate by simulation.
 */
import type { Subgroup } from "../benchmark/types";
import { seededRandom } from "./stats";

export interface GapTestValue {
  value: string;
  /** Subgroups pooled into the value (1 = the value's score is one subgroup's: flag it, never call it "best"). */
  subgroups: number;
  /** Mean observed score of its subgroups, and the mean expected from their sizes alone. */
  observed: number;
  expected: number;
  /** Mean of the subgroups' null-standardised scores (direction as the metric: higher = higher score). */
  z: number;
}

export interface GapTestResult {
  attribute: string;
  method: "size-adjusted stratified permutation";
  values: GapTestValue[];
  /** Σ_v k_v (z̄_v − z̄)² over the values (for a pair: z̄_a − z̄_b). */
  statistic: number;
  /** max − min of the values' mean z (descriptive). */
  zRange: number;
  /** The values at the extremes of z (higher and lower score). */
  high: string;
  low: string;
  pair?: [string, string];
  /** Permutation p-value, (hits + 1)/(n + 1); two-sided for a pair. NaN with fewer than two values. */
  p: number;
  permutations: number;
  seed: number;
}

export interface GapTestInput {
  /** Observed per-subgroup score (e.g. accuracy). */
  scores: ReadonlyMap<string, number>;
  /** Per-subgroup null mean and SD (sizeMatchedNull's `subgroups`). */
  null: ReadonlyMap<string, { mean: number; sd: number }>;
  subgroups: readonly Pick<Subgroup, "id" | "stratum" | "attributes">[];
}

export function attributeGapTest(input: GapTestInput, attribute: string, opts: { n?: number; seed?: number; pair?: [string, string] } = {}): GapTestResult {
  const n = opts.n ?? 2000;
  const seed = opts.seed ?? 1;
  const members = input.subgroups.filter((s) => attribute in s.attributes && input.scores.has(s.id) && input.null.has(s.id));
  const values = [...new Set(members.map((s) => s.attributes[attribute]))];
  const vIdx = new Map(values.map((v, i) => [v, i]));
  const z = members.map((s) => {
    const m = input.null.get(s.id)!;
    return (input.scores.get(s.id)! - m.mean) / Math.max(m.sd, 1e-9);
  });
  const assign = Int32Array.from(members, (s) => vIdx.get(s.attributes[attribute])!);
  const V = values.length;
  const count = new Float64Array(V);
  for (const a of assign) count[a]++;
  const sums = new Float64Array(V);
  const pairIdx = opts.pair ? opts.pair.map((v) => vIdx.get(v) ?? -1) : null;
  const stat = (as: Int32Array): number => {
    sums.fill(0);
    for (let i = 0; i < as.length; i++) sums[as[i]] += z[i];
    if (pairIdx) return sums[pairIdx[0]] / count[pairIdx[0]] - sums[pairIdx[1]] / count[pairIdx[1]];
    let total = 0;
    for (let v = 0; v < V; v++) total += sums[v];
    const grand = total / as.length;
    let ss = 0;
    for (let v = 0; v < V; v++) ss += count[v] * (sums[v] / count[v] - grand) ** 2;
    return ss;
  };
  const obs = stat(assign);
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const valueRows: GapTestValue[] = values.map((v, k) => {
    const ms = members.filter((_, i) => assign[i] === k);
    return {
      value: v,
      subgroups: ms.length,
      observed: mean(ms.map((s) => input.scores.get(s.id)!)),
      expected: mean(ms.map((s) => input.null.get(s.id)!.mean)),
      z: mean(ms.map((s) => z[members.indexOf(s)])),
    };
  });
  const byZ = [...valueRows].sort((a, b) => b.z - a.z);
  const zRange = byZ.length ? byZ[0].z - byZ[byZ.length - 1].z : NaN;
  const base = {
    attribute,
    method: "size-adjusted stratified permutation" as const,
    values: valueRows,
    statistic: obs,
    zRange,
    high: byZ[0]?.value ?? "",
    low: byZ[byZ.length - 1]?.value ?? "",
    seed,
  };
  if (V < 2 || (pairIdx && pairIdx.some((i) => i < 0))) return { ...base, ...(opts.pair ? { pair: opts.pair } : {}), p: NaN, permutations: 0 };
  // Strata: indices of members per stratum; shuffle the assignments within each.
  const strata = new Map<string, number[]>();
  members.forEach((s, i) => {
    const l = strata.get(s.stratum);
    if (l) l.push(i);
    else strata.set(s.stratum, [i]);
  });
  const groups = [...strata.values()].map((l) => Int32Array.from(l));
  const rnd = seededRandom(seed);
  const perm = Int32Array.from(assign);
  let hits = 0;
  const eps = 1e-12;
  for (let r = 0; r < n; r++) {
    for (const idx of groups) {
      for (let j = idx.length - 1; j > 0; j--) {
        const k = Math.floor(rnd() * (j + 1));
        const t = perm[idx[j]];
        perm[idx[j]] = perm[idx[k]];
        perm[idx[k]] = t;
      }
    }
    const s = stat(perm);
    if (pairIdx ? Math.abs(s) >= Math.abs(obs) - eps : s >= obs - eps) hits++;
  }
  return { ...base, ...(opts.pair ? { pair: opts.pair } : {}), p: (hits + 1) / (n + 1), permutations: n };
}
