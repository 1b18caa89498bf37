/**
 * Words for the noise floor, label stability, ties and off-scale labels — shared by `svlab evaluate`,
 * the report and notebook 04 so all three say the same thing the same way:
 * "0.275 observed; 0.151 expected from subgroup sizes alone (p < 0.001)".
 */
import type { Benchmark, Split } from "../benchmark/types";
import { pairKey } from "../benchmark/types";
import type { Disparity } from "../metrics/disparity";
import type { Evaluation } from "../metrics/evaluate";
import { offScaleLabelKeys } from "../metrics/label-stability";
import { pairLabelStability, type NullStat } from "../metrics/noise-floor";
import type { Prediction } from "../runner/types";

const f3 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(3) : "—");

export function pText(p: number): string {
  if (!Number.isFinite(p)) return "—";
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

/** "0.275 observed; 0.151 expected from subgroup sizes alone (p < 0.001)". */
export function floorText(observed: number, n: NullStat | undefined): string {
  if (!n) return `${f3(observed)} observed`;
  return `${f3(observed)} observed; ${f3(n.mean)} expected from subgroup sizes alone (${pText(n.p)})`;
}

/** "0.275 [0.176, 0.296]; 0.151 expected from subgroup sizes alone (p < 0.001)". */
export function disparityCell(d: Disparity, key: "normalisedRange" | "cv"): string {
  const ci = d.ci?.[key];
  const n = d.null?.[key];
  let s = f3(d[key]);
  if (ci) s += ` [${f3(ci.lo)}, ${f3(ci.hi)}]`;
  if (n) s += `; ${f3(n.mean)} from sizes alone (${pText(n.p)})`;
  return s;
}

/** Whether an observed dispersion clearly exceeds its noise floor (null p < 0.05). */
export function exceedsFloor(n: NullStat | undefined): boolean | undefined {
  return n ? n.p < 0.05 : undefined;
}

/** The lines `svlab evaluate` prints about disparity, its noise floor, labels and ties. */
export function uncertaintyLines(e: Pick<Evaluation, "disparity" | "labelStability" | "labels" | "noiseFloor"> & { accuracy: number }): string[] {
  const lines: string[] = [];
  for (const m of ["accuracy", "nmae"] as const) {
    const d = e.disparity[m];
    const name = m === "accuracy" ? "accuracy" : "NMAE";
    const one = (key: "normalisedRange" | "cv") =>
      `${f3(d[key])}${d.ci ? ` [${f3(d.ci[key].lo)}, ${f3(d.ci[key].hi)}]` : ""} observed` +
      (d.null ? `; ${f3(d.null[key].mean)} expected from subgroup sizes alone (${pText(d.null[key].p)})` : "");
    lines.push(`disparity of ${name} over subgroups: norm. range ${one("normalisedRange")}`);
    lines.push(`  CV (population σ) ${one("cv")}`);
  }
  const n = e.disparity.accuracy.null;
  const c = e.disparity.accuracy.ci;
  if (n || c) {
    lines.push(
      "  " +
        [
          n
            ? `"expected" = mean of ${n.draws} size-matched null draws (${n.method === "multinomial-aggregates" ? "an approximation from the shipped counts" : "random respondent groups"})`
            : "",
          c ? `[ ] = ${Math.round(c.level * 100)}% basic bootstrap interval, ${c.draws} resamples of questions and labels` : "",
        ]
          .filter(Boolean)
          .join("; "),
    );
  }
  if (e.labelStability) {
    const s = e.labelStability;
    lines.push(
      `label stability (subgroup answers resampled): ${f3(s.mean)} of labels hold on average; ${f3(s.small)} in subgroups under 50 respondents, ${f3(s.larger)} in larger ones; ${s.unstable} labels hold in < 80% of resamples`,
    );
  }
  if (e.labels) {
    const l = e.labels;
    lines.push(
      `ties: ${l.tied} labels are tied modes (${l.tiedSmall} in small subgroups); with --ties any accuracy would be ${f3(l.accuracyTiesAny)} (scored: ${f3(l.accuracy)})`,
    );
    if (l.offScale)
      lines.push(
        `off-scale labels kept (as the paper does): ${l.offScale} pairs, e.g. ${l.offScaleLabels
          .slice(0, 3)
          .map((o) => `${o.question} "${o.label}" ×${o.pairs}`)
          .join(", ")} (--exclude-off-scale drops them)`,
      );
  }
  return lines;
}

/** The honest size of the scored set: "10,177 pairs (of 48 subgroups × 214 questions = 10,272: not every subgroup has every question)". */
export function pairsHeader(n: number, subgroups: number, questions: number): string {
  const full = subgroups * questions;
  const fmt = (x: number) => x.toLocaleString("en-US");
  return n === full
    ? `${fmt(n)} pairs (${subgroups} subgroups × ${questions} questions)`
    : `${fmt(n)} pairs (of ${subgroups} subgroups × ${questions} questions = ${fmt(full)}: not every subgroup has every question)`;
}

/**
 * Respondents in a group of `by`: for an attribute value, the DISTINCT respondents — the size of the
 * benchmark's single-attribute subgroup of that value (e.g. ethnicity:SG: Chinese, 1,549), any split —
 * not the sum over pooled subgroups (which counts a respondent once per stratum: 3,089). NaN with a
 * note when the benchmark has no such subgroup.
 */
export function distinctSize(bench: Pick<Benchmark, "subgroups">, by: string, group: string, pooledSum: number): { size: number; note?: string } {
  if (!by.startsWith("attribute:")) return { size: pooledSum };
  const attr = by.slice("attribute:".length);
  const single = bench.subgroups.find((s) => Object.keys(s.attributes).length === 1 && s.attributes[attr] === group);
  if (single) return { size: single.size };
  return { size: NaN, note: `distinct respondents of ${attr} = ${group} unknown from the aggregates (the pooled subgroups overlap)` };
}

export interface PredictionFilter {
  kept: Prediction[];
  /** Pairs dropped and why. */
  dropped: { offScale: number; unstable: number };
  notes: string[];
}

/**
 * `--exclude-off-scale` and `--stable-labels SHARE`: keep predictions of pairs whose label is on the
 * scale / holds in at least SHARE of multinomial resamples of the subgroup's answers. The dropped
 * pairs then count as missing in the coverage (said in the notes).
 */
export function filterPredictions(
  bench: Benchmark,
  predictions: Prediction[],
  opts: { split?: Split; excludeOffScale?: boolean; stableLabels?: number; seed?: number },
): PredictionFilter {
  const drop = new Set<string>();
  const notes: string[] = [];
  let offScale = 0,
    unstable = 0;
  if (opts.excludeOffScale) {
    const off = offScaleLabelKeys(bench, opts.split);
    offScale = off.size;
    for (const k of off) drop.add(k);
    notes.push(`--exclude-off-scale: ${off.size} pairs whose label is an off-scale code are left out`);
  }
  if (opts.stableLabels !== undefined) {
    const st = pairLabelStability(bench, { split: opts.split, draws: 1000, seed: opts.seed ?? 1 });
    for (const [k, v] of st)
      if (v < opts.stableLabels && !drop.has(k)) {
        drop.add(k);
        unstable++;
      }
    notes.push(
      `--stable-labels ${opts.stableLabels}: ${unstable} pairs whose label holds in fewer than ${Math.round(opts.stableLabels * 100)}% of resamples of the subgroup's answers are left out`,
    );
  }
  const kept = drop.size ? predictions.filter((p) => !drop.has(pairKey(p.question, p.subgroup))) : predictions;
  return { kept, dropped: { offScale, unstable }, notes };
}
