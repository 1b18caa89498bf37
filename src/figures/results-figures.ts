/**
 * Every results figure for one analysis, with stable file names (no dates, no run ids):
 *   results-main                      accuracy + NMAE per model, CIs, baselines as dashed lines (no run: baselines as bars)
 *   results-attributes-accuracy       one panel per attribute present in the split, models + baselines
 *   results-attributes-nmae
 *   results-heatmap-<stratum>         primary model's accuracy per cell of each two-attribute stratum of the split
 *   results-model-vs-baseline         the first LLM run vs the national mode, per subgroup, on the run's pairs (needs a run)
 *   results-fairness                  normalised range and CV for accuracy and NMAE, per model, before/after
 *   results-prompt-sensitivity        accuracy per template, per LLM run (needs a run with two or more templates)
 * A figure that needs what the analysis lacks is not drawn: `resultsFigureSet(a).missing` says why.
 * One colour map for the whole analysis (figureColours), so a model has one colour in every figure.
 */
import { TAN2026 } from "../benchmark/presets";
import { skillByGroup } from "../metrics/compare";
import { builtInBaseline, type ModelResult, type ResultsAnalysis } from "../analysis/results";
import { attributeFigure, attributeFigureHeight, groupSkillFigure, subgroupHeatmap, type AttributePanel } from "./results-groups";
import { fairnessFigure, fairnessFigureHeight, type FairnessRow } from "./results-fairness";
import type { ScoreWithCi } from "./results-main";
import { mainResultsFigure, promptSensitivityFigure, type ModelScore } from "./results-main";
import { baselineName, levelPercent, metricName, NATIONAL_MODE, seriesColours, slug, stratumLabel } from "../analysis/labels";
import { headlineMetrics, type MetricName } from "../metrics/registry";
import type { FigureSpec } from "./spec";

export interface NamedFigure {
  /** Stable file stem, e.g. "results-main". */
  name: string;
  /** One-line caption for reports: says what is drawn, no more. */
  caption: string;
  spec: FigureSpec;
  width: number;
  height: number;
}

/** A results figure the analysis cannot draw, and what it would need. */
export interface MissingFigure {
  name: string;
  reason: string;
}

/** Sizes (CSS px) of the results figures; titles and labels are wrapped to these widths. */
export const RESULTS_FIGURE_SIZES: Record<string, { width: number; height: number }> = {
  "results-main": { width: 1000, height: 560 },
  "results-attributes": { width: 1100, height: 540 },
  "results-heatmap": { width: 900, height: 560 },
  "results-model-vs-baseline": { width: 800, height: 720 },
  "results-fairness": { width: 1100, height: 780 },
  "results-prompt-sensitivity": { width: 900, height: 540 },
};

/** The per-attribute figure of a metric: "results-attributes-accuracy", "results-attributes-within-one" (file names are lowercase). */
export function attributeFigureName(metric: MetricName): string {
  return `results-attributes-${metric
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")}`;
}

/** The two-attribute strata of a list of strata (the heatmaps' strata). */
export function crossedStrata(strata: readonly { key: string; attributes: readonly string[] }[]): string[] {
  return strata.filter((s) => s.attributes.length === 2).map((s) => s.key);
}

/**
 * The default preset's OOD intersections: the heatmaps the catalogue registers (names must be known
 * before any benchmark is loaded). resultsFigures draws those of the analysed split.
 */
export const HEATMAP_STRATA = crossedStrata(TAN2026.strata.filter((s) => s.split === "ood"));

/** The attributes of a stratum of the default preset (rows, columns of its heatmap). */
export function presetStratumAttributes(key: string): string[] | undefined {
  return TAN2026.strata.find((s) => s.key === key)?.attributes;
}

/** One colour per series of the analysis (its models and baselines), for every figure. */
export function figureColours(a: ResultsAnalysis): Map<string, string> {
  return seriesColours(a.models);
}

export function mainScores(a: ResultsAnalysis): ModelScore[] {
  // Registered headline metrics join accuracy and NMAE as panels of their own.
  const extraIds = headlineMetrics()
    .filter((m) => !m.builtIn)
    .map((m) => m.id);
  return a.models.map((m) => ({
    model: m.model,
    label: m.label,
    accuracy: m.evaluation.ci ? { ...m.evaluation.ci.accuracy } : { value: m.evaluation.accuracy },
    nmae: m.evaluation.ci ? { ...m.evaluation.ci.nmae } : { value: m.evaluation.nmae },
    ...(extraIds.length
      ? {
          extra: Object.fromEntries(
            extraIds.map((id) => {
              const r = m.evaluation.metrics[id];
              return [id, r?.ci ? { ...r.ci.overall } : { value: r?.value ?? NaN }];
            }),
          ),
        }
      : {}),
  }));
}

/** One panel per attribute of the analysis (those the split's subgroups have), values as scored. */
export function attributePanels(a: ResultsAnalysis, metric: MetricName, attributes: readonly string[] = a.attributes): AttributePanel[] {
  return attributes
    .map((attr) => {
      const values = [...new Set(a.models.flatMap((m) => Object.keys(m.byAttribute[attr]?.metrics[metric]?.groups ?? {})))].sort((x, y) =>
        x.localeCompare(y, "en", { numeric: true }),
      );
      return {
        attribute: attr,
        values,
        series: a.models.map((m) => ({ model: m.model, label: m.label, scores: { ...(m.byAttribute[attr]?.metrics[metric]?.groups ?? {}) } })),
      };
    })
    .filter((p) => p.values.length > 0);
}

function heatmap(a: ResultsAnalysis, stratum: string, width: number): FigureSpec | null {
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
  const attrs = a.strata.find((s) => s.key === stratum)?.attributes;
  return subgroupHeatmap({
    model: m.label,
    baseline: m.kind === "baseline",
    stratum,
    rows: rv,
    cols: cv,
    z,
    n,
    metric: "accuracy",
    width,
    minSize: a.benchmark.minSubgroupSize,
    attributes: attrs?.length === 2 ? [attrs[0], attrs[1]] : undefined,
  });
}

export function fairnessRows(a: ResultsAnalysis, metrics: readonly MetricName[] = headlineMetrics().map((m) => m.id)): FairnessRow[] {
  // The evaluation's disparity: its interval (questions and labels resampled for accuracy and NMAE,
  // questions for registered metrics; contains the estimate) and noise floor (accuracy and NMAE).
  const est = (m: ModelResult, metric: MetricName, k: "normalisedRange" | "cv"): ScoreWithCi => {
    const d = m.evaluation.disparity[metric];
    if (d?.ci) return { value: d[k], lo: d.ci[k].lo, hi: d.ci[k].hi };
    const b = m.bySubgroup.metrics[metric]?.disparity[k];
    return b ? { ...b } : { value: d?.[k] ?? NaN };
  };
  const row = (m: ModelResult, role?: "before" | "after"): FairnessRow => {
    const floor: NonNullable<FairnessRow["floor"]> = {};
    for (const metric of metrics) {
      const n = m.evaluation.disparity[metric]?.null;
      if (n) floor[metric] = { normalisedRange: n.normalisedRange.mean, cv: n.cv.mean };
    }
    return {
      model: m.model,
      label: m.label,
      role,
      metrics: Object.fromEntries(metrics.map((metric) => [metric, { normalisedRange: est(m, metric, "normalisedRange"), cv: est(m, metric, "cv") }])),
      ...(Object.keys(floor).length ? { floor } : {}),
    };
  };
  const rows: FairnessRow[] = [];
  const inComparison = new Set(a.comparisons.flatMap((c) => [c.before, c.after]));
  for (const c of a.comparisons) {
    rows.push(row(a.models.find((x) => x.label === c.before)!, "before"));
    rows.push(row(a.models.find((x) => x.label === c.after)!, "after"));
  }
  for (const m of a.models) if (!inComparison.has(m.label)) rows.push(row(m));
  return rows;
}

/** Every results figure the analysis can draw, and those it cannot with the reason. */
export function resultsFigureSet(a: ResultsAnalysis): { figures: NamedFigure[]; missing: MissingFigure[] } {
  const split = a.split;
  const level = levelPercent(a.options.level);
  const colours = figureColours(a);
  const runs = a.models.filter((m) => m.kind === "run");
  const size = RESULTS_FIGURE_SIZES;
  const out: NamedFigure[] = [];
  const missing: MissingFigure[] = [];
  const SPLIT = split.toUpperCase();
  const needRun = `needs an LLM run on the ${SPLIT} split (svlab run --model SPEC --split ${split})`;

  const headlineLabels = headlineMetrics().map((m) => m.label);
  // "Accuracy and NMAE", "Accuracy, NMAE and Within one"
  const metricList =
    headlineLabels.length > 1 ? `${headlineLabels.slice(0, -1).join(", ")} and ${headlineLabels[headlineLabels.length - 1]}` : headlineLabels.join("");
  out.push({
    name: "results-main",
    caption: runs.length
      ? `${metricList} on the ${SPLIT} split: bars = models with ${level} bootstrap CIs (questions resampled); dashed lines = the baselines (${a.models
          .filter((m) => m.kind === "baseline")
          .map((m) => m.label)
          .join(", ")}).`
      : `${metricList} of the baselines on the ${SPLIT} split with ${level} bootstrap CIs (questions resampled); no model run yet, so the bars are the baselines.`,
    spec: mainResultsFigure(mainScores(a), { split, level: a.options.level, colours, width: size["results-main"].width }),
    ...size["results-main"],
  });
  const attrNames = (p: AttributePanel[]) => p.map((x) => x.attribute.replace(/_/g, " ")).join(", ");
  for (const metric of headlineMetrics().map((m) => m.id)) {
    const panels = attributePanels(a, metric);
    out.push({
      name: attributeFigureName(metric),
      caption: `${metricName(metric)} per attribute value (${attrNames(panels)}; every subgroup containing a value pooled), ${runs.length ? "models beside the baselines" : "the baselines only"}, ${level} bootstrap CIs.`,
      spec: attributeFigure(panels, metric, { split, colours, width: size["results-attributes"].width }),
      width: size["results-attributes"].width,
      height: attributeFigureHeight(panels.length),
    });
  }
  const primary = a.models.find((m) => m.label === a.primary);
  for (const s of crossedStrata(a.strata)) {
    const spec = heatmap(a, s, size["results-heatmap"].width);
    const name = `results-heatmap-${slug(s)}`;
    const attrs = a.strata.find((x) => x.key === s)?.attributes;
    if (spec) {
      out.push({
        name,
        caption: `${primary?.kind === "baseline" ? `The ${a.primary} (a baseline; no model run yet)` : a.primary}: accuracy per ${stratumLabel(s, attrs).toLowerCase()} subgroup, on the fixed 0–1 scale shared by every accuracy heatmap.`,
        spec,
        ...size["results-heatmap"],
      });
    } else missing.push({ name, reason: `${a.primary} has no ${stratumLabel(s, attrs).toLowerCase()} subgroup among its pairs` });
  }
  const national = builtInBaseline(a, NATIONAL_MODE);
  const subject = runs.find((m) => m.label === a.primary) ?? runs[0];
  if (subject && national) {
    // Both on the run's pairs: the baseline is rescored on exactly those.
    const rows = skillByGroup(subject.frame, national.frame, { by: "subgroup", metrics: ["accuracy"] });
    const points = rows.map((r) => ({ group: r.group, model: r.model.accuracy!, baseline: r.baseline.accuracy! }));
    const cover = rows.pairs.onlyAfter ? ` Both scored on the model's ${rows.pairs.shared} pairs.` : "";
    out.push({
      name: "results-model-vs-baseline",
      caption: `Per subgroup: ${subject.label}'s accuracy (y) against the ${national.label}'s (x); the diagonal is "no better than the baseline".${cover}`,
      spec: groupSkillFigure(points, {
        model: subject.label,
        baseline: national.label,
        metric: "accuracy",
        by: "subgroup",
        colour: colours.get(subject.label),
        width: size["results-model-vs-baseline"].width,
        note: `points above the diagonal: ${subject.label} beats the ${national.label} for that subgroup`,
      }),
      ...size["results-model-vs-baseline"],
    });
  } else missing.push({ name: "results-model-vs-baseline", reason: national ? needRun : `needs the ${baselineName(NATIONAL_MODE)} baseline in the analysis` });
  out.push({
    name: "results-fairness",
    caption: `Disparity across subgroups, one bar per model in its colour${a.comparisons.length ? " (compared runs as before, hatched, and after)" : ""}: normalised range (max − min)/max and CV σ/μ (population σ), for ${headlineMetrics()
      .map((m) => m.label)
      .join(", ")}; ${level} bootstrap CIs.`,
    spec: fairnessFigure(fairnessRows(a), { split, level: a.options.level, colours, width: size["results-fairness"].width }),
    ...size["results-fairness"],
    height: fairnessFigureHeight(headlineMetrics().length),
  });
  // Baselines use no prompt: only LLM runs have templates, and a spread needs two of them.
  const templ = runs.flatMap((m) => m.evaluation.templates.map((t) => ({ model: m.model, label: m.label, templateId: t.templateId, accuracy: t.accuracy })));
  if (runs.some((m) => m.evaluation.templates.length >= 2)) {
    out.push({
      name: "results-prompt-sensitivity",
      caption: `Accuracy per prompt template (dots) and the spread from the worst to the best template (bar), for ${runs
        .filter((m) => m.evaluation.templates.length >= 2)
        .map((m) => m.label)
        .join(", ")} (the runs with two or more templates). Baselines use no prompt.`,
      spec: promptSensitivityFigure(templ, { colours, width: size["results-prompt-sensitivity"].width }),
      ...size["results-prompt-sensitivity"],
    });
  } else {
    missing.push({
      name: "results-prompt-sensitivity",
      reason: runs.length ? `needs an LLM run with two or more prompt templates (svlab run --model SPEC --template A,B); every run here used one` : needRun,
    });
  }
  return { figures: out, missing };
}

/** The results figures the analysis can draw (see resultsFigureSet for those it cannot). */
export function resultsFigures(a: ResultsAnalysis): NamedFigure[] {
  return resultsFigureSet(a).figures;
}
