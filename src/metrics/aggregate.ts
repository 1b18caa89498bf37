/**
 * Every svlab metric is the mean of one per-pair field of `PairScore`, over the pairs where that
 * field exists. That one shape makes micro/macro averages, per-group frames and the clustered
 * bootstrap the same code for every metric.
 *
 * - micro: mean over pairs (the paper's overall Accuracy and NMAE).
 * - macro: mean over subgroups of each subgroup's mean (every subgroup weighs the same).
 */
import type { PairScore } from "./score";

export type MetricName =
  | "accuracy"
  | "nmae"
  | "parsed"
  | "refused"
  | "invalid"
  | "w1"
  | "jsd"
  | "jsDistance"
  | "expectedNmae"
  | "validMass";

export interface MetricInfo {
  name: MetricName;
  field: keyof PairScore;
  label: string;
  /** Short description for tables and notebooks. */
  description: string;
  higherIsBetter: boolean;
  /** The score of a perfect model (used by skill scores). */
  perfect: number;
}

export const METRICS: Record<MetricName, MetricInfo> = {
  accuracy: { name: "accuracy", field: "correct", label: "Accuracy", description: "share of pairs whose predicted code equals the subgroup's modal code", higherIsBetter: true, perfect: 1 },
  nmae: { name: "nmae", field: "error", label: "NMAE", description: "mean |pos(pred) − pos(mode)| / (K − 1); unparseable/refused = 1", higherIsBetter: false, perfect: 0 },
  parsed: { name: "parsed", field: "parsed", label: "Parsed", description: "share of pairs with a parsed answer code", higherIsBetter: true, perfect: 1 },
  refused: { name: "refused", field: "refused", label: "Refused", description: "share of pairs the model refused", higherIsBetter: false, perfect: 0 },
  invalid: { name: "invalid", field: "invalid", label: "Invalid code", description: "share of pairs whose parsed code is not an answer option", higherIsBetter: false, perfect: 0 },
  w1: { name: "w1", field: "w1", label: "W1 (norm.)", description: "Wasserstein-1 on the ordinal scale / (K − 1), model vs subgroup distribution", higherIsBetter: false, perfect: 0 },
  jsd: { name: "jsd", field: "jsd", label: "JSD (base 2)", description: "Jensen–Shannon divergence, log base 2, no square root", higherIsBetter: false, perfect: 0 },
  jsDistance: { name: "jsDistance", field: "jsDistance", label: "JS distance", description: "sqrt of the base-2 Jensen–Shannon divergence", higherIsBetter: false, perfect: 0 },
  expectedNmae: { name: "expectedNmae", field: "expectedError", label: "Expected NMAE", description: "NMAE expected when sampling from the model's distribution", higherIsBetter: false, perfect: 0 },
  validMass: { name: "validMass", field: "validMass", label: "Valid mass", description: "probability the model put on valid answer codes", higherIsBetter: true, perfect: 1 },
};

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export function metricInfo(name: string): MetricInfo {
  const m = (METRICS as Record<string, MetricInfo>)[name];
  if (!m) throw new Error(`unknown metric "${name}"; expected one of ${METRIC_NAMES.join(", ")}`);
  return m;
}

function valueOf(s: PairScore, field: keyof PairScore): number | undefined {
  const v = s[field];
  return typeof v === "number" && !Number.isNaN(v) ? v : undefined;
}

/** Micro average: mean over pairs where the metric exists (NaN when none). */
export function micro(scores: readonly PairScore[], metric: MetricName): number {
  const f = METRICS[metric].field;
  let sum = 0, n = 0;
  for (const s of scores) {
    const v = valueOf(s, f);
    if (v !== undefined) {
      sum += v;
      n++;
    }
  }
  return n ? sum / n : NaN;
}

/** Macro average: mean over groups (default: subgroups) of each group's micro average. */
export function macro(scores: readonly PairScore[], metric: MetricName, groupOf: (s: PairScore) => string = (s) => s.subgroup): number {
  const f = METRICS[metric].field;
  const acc = new Map<string, [number, number]>();
  for (const s of scores) {
    const v = valueOf(s, f);
    if (v === undefined) continue;
    const g = groupOf(s);
    const a = acc.get(g);
    if (a) {
      a[0] += v;
      a[1]++;
    } else acc.set(g, [v, 1]);
  }
  return macroMean([...acc.values()].map(([s, n]) => s / n));
}

/**
 * The one macro rule, shared by `macro` and MetricFrame (point estimates and bootstrap draws): mean
 * over the groups that have a score; a group without the metric (NaN, no pairs) is skipped, never
 * counted as 0. NaN when no group has a score.
 */
export function macroMean(groupValues: Iterable<number>): number {
  let sum = 0, n = 0;
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
  const perfect = METRICS[metric].perfect;
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
