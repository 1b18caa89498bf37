/**
 * Every svlab metric is a per-pair value reduced over the pairs where it exists (the mean unless
 * the metric registers another reducer; registry.ts). That one shape makes micro/macro averages,
 * per-group frames and the clustered bootstrap the same code for every metric.
 *
 * - micro: mean over pairs (the paper's overall Accuracy and NMAE).
 * - macro: mean over subgroups of each subgroup's mean (every subgroup weighs the same).
 */
import type { PairScore } from "./score";
import { metricInfo, reduceWith, type MetricInfo, type MetricName } from "./registry";

// The metric set is open: see registry.ts. Re-exported here, where the averages were always defined.
export type { MetricName, MetricInfo } from "./registry";

function pairValue(s: PairScore, m: MetricInfo): number | undefined {
  const v = m.value(s);
  return typeof v === "number" && !Number.isNaN(v) ? v : undefined;
}

/** Micro average: mean over pairs where the metric exists (NaN when none). */
export function micro(scores: readonly PairScore[], metric: MetricName): number {
  const m = metricInfo(metric);
  let sum = 0,
    n = 0;
  for (const s of scores) {
    const v = pairValue(s, m);
    if (v !== undefined) {
      sum += v;
      n++;
    }
  }
  return n ? reduceWith(m, sum, n) : NaN;
}

/** Macro average: mean over groups (default: subgroups) of each group's micro average. */
export function macro(scores: readonly PairScore[], metric: MetricName, groupOf: (s: PairScore) => string = (s) => s.subgroup): number {
  const m = metricInfo(metric);
  const acc = new Map<string, [number, number]>();
  for (const s of scores) {
    const v = pairValue(s, m);
    if (v === undefined) continue;
    const g = groupOf(s);
    const a = acc.get(g);
    if (a) {
      a[0] += v;
      a[1]++;
    } else acc.set(g, [v, 1]);
  }
  return macroMean([...acc.values()].map(([s, n]) => reduceWith(m, s, n)));
}

/**
 * The one macro rule, shared by `macro` and MetricFrame (point estimates and bootstrap draws): mean
 * over the groups that have a score; a group without the metric (NaN, no pairs) is skipped, never
 * counted as 0. NaN when no group has a score.
 */
export function macroMean(groupValues: Iterable<number>): number {
  let sum = 0,
    n = 0;
  for (const v of groupValues) {
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n ? sum / n : NaN;
}

/**
 * Skill relative to a baseline: (model − baseline) / (perfect − baseline). 1 = perfect,
 * 0 = no better than the baseline, negative = worse. For NMAE (perfect 0) it is 1 − model/baseline.
 * NaN when the baseline is already perfect.
 */
export function skill(model: number, baseline: number, metric: MetricName): number {
  const perfect = metricInfo(metric).perfect;
  const d = perfect - baseline;
  return d === 0 ? NaN : (model - baseline) / d;
}

/** Headline numbers for a set of scores: counts, micro and macro averages. */
export interface Summary {
  /** Scored pairs. */
  n: number;
  subgroups: number;
  questions: number;
  /** Micro averages (over pairs). */
  accuracy: number;
  nmae: number;
  parsed: number;
  refused: number;
  invalid: number;
  /** Pairs with no parsed code (counted wrong in accuracy and as error 1 in NMAE). */
  unparsedPairs: number;
  refusedPairs: number;
  /** Pairs whose request failed (no answer after retries): scored wrong unless excluded; not counted in unparsedPairs. */
  failedPairs: number;
  /** Macro averages (over subgroups). */
  macro: { accuracy: number; nmae: number };
  /** Distribution metrics, micro; present only when some prediction had a distribution. */
  distribution?: { n: number; w1: number; jsd: number; jsDistance: number; expectedNmae: number; validMass: number };
}

export function summarise(scores: readonly PairScore[]): Summary {
  const withDist = scores.filter((s) => s.w1 !== undefined);
  const out: Summary = {
    n: scores.length,
    subgroups: new Set(scores.map((s) => s.subgroup)).size,
    questions: new Set(scores.map((s) => s.question)).size,
    accuracy: micro(scores, "accuracy"),
    nmae: micro(scores, "nmae"),
    parsed: micro(scores, "parsed"),
    refused: micro(scores, "refused"),
    invalid: micro(scores, "invalid"),
    // A pair counts as unparsed/refused in proportion to its samples that were (1 with one sample).
    unparsedPairs: round9(scores.reduce((a, s) => a + (1 - s.parsed - (s.failed ?? 0)), 0)),
    refusedPairs: round9(scores.reduce((a, s) => a + s.refused, 0)),
    failedPairs: round9(scores.reduce((a, s) => a + (s.failed ?? 0), 0)),
    macro: { accuracy: macro(scores, "accuracy"), nmae: macro(scores, "nmae") },
  };
  if (withDist.length) {
    out.distribution = {
      n: withDist.length,
      w1: micro(withDist, "w1"),
      jsd: micro(withDist, "jsd"),
      jsDistance: micro(withDist, "jsDistance"),
      expectedNmae: micro(withDist, "expectedNmae"),
      validMass: micro(withDist, "validMass"),
    };
  }
  return out;
}

function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
