/**
 * Every results figure for one analysis, with stable file names (no dates, no run ids):
 *   results-main                      accuracy + NMAE per model, CIs, baselines as reference lines
 *   results-attributes-accuracy       per attribute value, one panel per attribute, models + baselines
 *   results-attributes-nmae
 *   results-heatmap-<stratum>         primary model's accuracy per OOD intersection cell
 *   results-model-vs-baseline         primary model vs the national-mode baseline, per subgroup, on the model's pairs
 *   results-fairness                  norm. range and CV for accuracy and NMAE, per model and run
 *   results-prompt-sensitivity        accuracy per template, per model
 */
import { skillByGroup } from "../metrics/compare";
import { builtInBaseline, type ResultsAnalysis } from "../report/analysis";
import { attributeFigure, groupSkillFigure, subgroupHeatmap, type AttributePanel } from "./results-groups";
import { fairnessFigure, type FairnessRow } from "./results-fairness";
import { mainResultsFigure, promptSensitivityFigure, type ModelScore } from "./results-main";
import { levelPercent, slug } from "./results-labels";
import type { FigureSpec } from "./spec";

export interface NamedFigure {
  /** Stable file stem, e.g. "results-main". */
  name: string;
  /** One-line caption for reports. */
  caption: string;
  spec: FigureSpec;
  width: number;
  height: number;
}

/** The OOD intersections, drawn as heatmaps (rows × columns). */
export const HEATMAP_STRATA = ["age_x_religion", "age_x_ethnicity", "ethnicity_x_religion"];

export function mainScores(a: ResultsAnalysis): ModelScore[] {
  return a.models.map((m) => ({
    model: m.model,
    label: m.label,
    accuracy: m.evaluation.ci ? { ...m.evaluation.ci.accuracy } : { value: m.evaluation.accuracy },
    nmae: m.evaluation.ci ? { ...m.evaluation.ci.nmae } : { value: m.evaluation.nmae },
  }));
}

export function attributePanels(a: ResultsAnalysis, metric: "accuracy" | "nmae", attributes = ["sex", "age_group", "ethnicity", "religion"]): AttributePanel[] {
  return attributes.map((attr) => {
    const values = [...new Set(a.models.flatMap((m) => Object.keys(m.byAttribute[attr]?.metrics[metric]?.groups ?? {})))].sort((x, y) =>
      x.localeCompare(y, "en", { numeric: true }),
    );
    return {
      attribute: attr,
      values,
      series: a.models.map((m) => ({ model: m.model, label: m.label, scores: { ...(m.byAttribute[attr]?.metrics[metric]?.groups ?? {}) } })),
    };
  });
}

function heatmap(a: ResultsAnalysis, stratum: string): FigureSpec | null {
  const m = a.models.find((x) => x.label === a.primary);
  if (!m) return null;
  const rows = m.frame.byGroup("accuracy", "subgroup").filter((r) => r.group.startsWith(`${stratum}:`));
  if (!rows.length) return null;
  const cells = rows.map((r) => ({ r, vals: r.group.slice(stratum.length + 1).split("|") }));
  const order = (i: number) => [...new Set(cells.map((c) => c.vals[i]))].sort((x, y) => x.localeCompare(y, "en", { numeric: true }));
  const rv = order(0);
  const cv = order(1);
  const z = rv.map((x) => cv.map((y) => cells.find((c) => c.vals[0] === x && c.vals[1] === y)?.r.value ?? null));
  const n = rv.map((x) => cv.map((y) => cells.find((c) => c.vals[0] === x && c.vals[1] === y)?.r.pairs ?? null));
  return subgroupHeatmap({ model: m.label, stratum, rows: rv, cols: cv, z, n, metric: "accuracy" });
}

export function fairnessRows(a: ResultsAnalysis): FairnessRow[] {
  const est = (m: ResultsAnalysis["models"][number], metric: "accuracy" | "nmae", k: "normalisedRange" | "cv") => ({ ...m.bySubgroup.metrics[metric]!.disparity[k] });
  const rows: FairnessRow[] = [];
  const inComparison = new Set(a.comparisons.flatMap((c) => [c.before, c.after]));
  for (const c of a.comparisons) {
    for (const [label, run] of [[c.before, "before"], [c.after, "after"]] as const) {
      const m = a.models.find((x) => x.label === label)!;
      rows.push({ model: `${c.before} → ${c.after}`, run, accuracy: { normalisedRange: est(m, "accuracy", "normalisedRange"), cv: est(m, "accuracy", "cv") }, nmae: { normalisedRange: est(m, "nmae", "normalisedRange"), cv: est(m, "nmae", "cv") } });
    }
  }
  for (const m of a.models) {
    if (inComparison.has(m.label)) continue;
    rows.push({ model: m.label, run: m.kind === "baseline" ? "baseline" : "single run", accuracy: { normalisedRange: est(m, "accuracy", "normalisedRange"), cv: est(m, "accuracy", "cv") }, nmae: { normalisedRange: est(m, "nmae", "normalisedRange"), cv: est(m, "nmae", "cv") } });
  }
  return rows;
}

export function resultsFigures(a: ResultsAnalysis): NamedFigure[] {
  const split = a.split;
  const level = levelPercent(a.options.level);
  const out: NamedFigure[] = [
    { name: "results-main", caption: `Accuracy and NMAE per model on the ${split} split, ${level} bootstrap CIs (questions resampled); dashed lines: baselines.`, spec: mainResultsFigure(mainScores(a), { split, level: a.options.level }), width: 1000, height: 520 },
    { name: "results-attributes-accuracy", caption: "Accuracy per attribute value (subgroups containing the value pooled), models beside the baselines.", spec: attributeFigure(attributePanels(a, "accuracy"), "accuracy", { split }), width: 1100, height: 800 },
    { name: "results-attributes-nmae", caption: "NMAE per attribute value, models beside the baselines.", spec: attributeFigure(attributePanels(a, "nmae"), "nmae", { split }), width: 1100, height: 800 },
  ];
  for (const s of HEATMAP_STRATA) {
    const spec = heatmap(a, s);
    if (spec) out.push({ name: `results-heatmap-${slug(s)}`, caption: `${a.primary}: accuracy per ${s.replace(/_x_/g, " × ")} subgroup.`, spec, width: 900, height: 560 });
  }
  // Subject: the primary model, or (baselines only) the first model that is not the national mode.
  const national = builtInBaseline(a);
  const primary = [a.models.find((m) => m.label === a.primary), ...a.models].find((m) => m && m !== national);
  if (primary && national && primary !== national) {
    // Both on the primary model's pairs: the baseline is rescored on exactly those.
    const rows = skillByGroup(primary.frame, national.frame, { by: "subgroup", metrics: ["accuracy"] });
    const points = rows.map((r) => ({ group: r.group, model: r.model.accuracy!, baseline: r.baseline.accuracy! }));
    const cover = rows.pairs.onlyAfter ? ` Both scored on the model's ${rows.pairs.shared} pairs.` : "";
    out.push({ name: "results-model-vs-baseline", caption: `Per subgroup: ${primary.label} (y) against ${national.label} (x); the diagonal is "no better than the baseline".${cover}`, spec: groupSkillFigure(points, { model: primary.label, baseline: national.label, metric: "accuracy", by: "subgroups" }), width: 800, height: 700 });
  }
  out.push({ name: "results-fairness", caption: `Disparity across subgroups: normalised range (max−min)/max and CV σ/μ (population σ), for accuracy and NMAE; ${level} bootstrap CIs.`, spec: fairnessFigure(fairnessRows(a), { split }), width: 1100, height: 760 });
  const templ = a.models.flatMap((m) => m.evaluation.templates.map((t) => ({ model: m.model, label: m.label, templateId: t.templateId, accuracy: t.accuracy })));
  out.push({ name: "results-prompt-sensitivity", caption: "Accuracy per prompt template (dots) and its spread (bar) per model.", spec: promptSensitivityFigure(templ), width: 900, height: 520 });
  return out;
}
