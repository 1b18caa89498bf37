/**
 * Disparity numbers over per-group scores M_g (Tan et al. §5.5 plus fairlearn's set).
 *
 * - normalisedRange = (max − min) / max          — the paper's NormRange, taken literally for every
 *   metric (for NMAE, max is the WORST group's error, as the paper's formula is written).
 * - cv = σ / μ with the POPULATION σ (divide by G) — the paper's CV; the groups are a census, not a sample.
 * - gap = max − min                              — fairlearn difference(method="between_groups").
 * - ratio = min / max                            — fairlearn ratio(); ≤ 1 for any metric.
 * - worst = the worst group (lowest for higher-is-better metrics, highest for errors).
 * - gapToOverall = max_g |M_g − M_overall|       — fairlearn difference(method="to_overall").
 * Groups with NaN scores are left out.
 */
import type { DisparityCi, DisparityNull } from "./noise-floor";
import { mean, populationSd } from "./stats";

export interface Disparity {
  groups: number;
  min: number;
  max: number;
  minGroup: string;
  maxGroup: string;
  /** Mean of the group scores (unweighted: the macro average over these groups). */
  mean: number;
  /** Population standard deviation of the group scores. */
  sd: number;
  cv: number;
  normalisedRange: number;
  gap: number;
  ratio: number;
  worstGroup: string;
  worst: number;
  /** Overall score the gap is measured to (NaN when not given). */
  overall: number;
  gapToOverall: number;
  /**
   * Interval of normalisedRange and cv from a bootstrap resampling questions AND labels (basic
   * interval widened to contain the estimate; see noise-floor.ts). Set by evaluate for subgroups.
   */
  ci?: DisparityCi;
  /** The size-matched null: normalisedRange, cv and gap expected from subgroup sizes alone, with p-values. */
  null?: DisparityNull;
}

/** Names of the numeric disparity fields, in display order. */
export const DISPARITY_KEYS = ["normalisedRange", "cv", "gap", "ratio", "worst", "gapToOverall", "sd", "mean"] as const;
export type DisparityKey = (typeof DISPARITY_KEYS)[number];

export const DISPARITY_LABELS: Record<DisparityKey, string> = {
  normalisedRange: "Norm. range (max−min)/max",
  cv: "CV σ/μ (population σ)",
  gap: "Gap max−min",
  ratio: "Ratio min/max",
  worst: "Worst group",
  gapToOverall: "Max |group − overall|",
  sd: "σ (population)",
  mean: "Mean over groups",
};

export function disparity(values: ReadonlyMap<string, number> | Record<string, number>, opts: { higherIsBetter: boolean; overall?: number }): Disparity {
  const entries = (values instanceof Map ? [...values.entries()] : Object.entries(values)).filter(([, v]) => !Number.isNaN(v));
  const overall = opts.overall ?? NaN;
  if (entries.length === 0) {
    return {
      groups: 0,
      min: NaN,
      max: NaN,
      minGroup: "",
      maxGroup: "",
      mean: NaN,
      sd: NaN,
      cv: NaN,
      normalisedRange: NaN,
      gap: NaN,
      ratio: NaN,
      worstGroup: "",
      worst: NaN,
      overall,
      gapToOverall: NaN,
    };
  }
  let [minGroup, min] = entries[0];
  let [maxGroup, max] = entries[0];
  for (const [g, v] of entries) {
    if (v < min) [minGroup, min] = [g, v];
    if (v > max) [maxGroup, max] = [g, v];
  }
  const vs = entries.map(([, v]) => v);
  const m = mean(vs);
  const sd = populationSd(vs);
  let gapToOverall = NaN;
  if (!Number.isNaN(overall)) gapToOverall = Math.max(...vs.map((v) => Math.abs(v - overall)));
  return {
    groups: entries.length,
    min,
    max,
    minGroup,
    maxGroup,
    mean: m,
    sd,
    cv: m === 0 ? NaN : sd / m,
    normalisedRange: max === 0 ? NaN : (max - min) / max,
    gap: max - min,
    ratio: max === 0 ? NaN : min / max,
    worstGroup: opts.higherIsBetter ? minGroup : maxGroup,
    worst: opts.higherIsBetter ? min : max,
    overall,
    gapToOverall,
  };
}
