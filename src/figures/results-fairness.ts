/**
 * Results figures, part 3: fairness. The paper's two disparity numbers — normalised range
 * (max − min)/max and CV σ/μ (population σ) — for every headline metric (Accuracy, NMAE and any
 * registered one), one bar per model (in the model's colour, the same as in every other figure),
 * compared runs side by side as "before" and "after". One row of two panels per metric; model
 * names on the bottom row only. When the rows carry a noise floor (the
 * size-matched null's mean: what subgroup sizes alone give), each bar has a red line across it, so
 * "0.275 observed; 0.15 expected from subgroup sizes alone" is read off the bar.
 */
import type { FigureSpec } from "./spec";
import { fittedTitle, isBaseline, levelPercent, metricName, seriesColours, wrapLabel } from "../analysis/labels";
import { labelWidth, type FigureOptions, type ScoreWithCi } from "./results-main";

export interface FairnessRow {
  /** Provider spec (colour: baselines grey). */
  model: string;
  /** Display label (the series key; the colour comes from it). */
  label?: string;
  /** "before" or "after" for runs in a before/after comparison; absent for a single run or baseline. */
  role?: "before" | "after";
  /** Per metric id: its normalised range and CV across the groups. */
  metrics: Record<string, { normalisedRange: ScoreWithCi; cv: ScoreWithCi }>;
  /** The noise floor of each number (mean of the size-matched null), where computed (accuracy and NMAE). */
  floor?: Record<string, { normalisedRange?: number; cv?: number }>;
}

export interface FairnessPanel {
  metric: string;
  key: "normalisedRange" | "cv";
  title: string;
  axis: string;
}

/** Two panels per metric, in the order given: normalised range, then CV. */
export function fairnessPanels(metrics: readonly string[]): FairnessPanel[] {
  return metrics.flatMap((m) => [
    { metric: m, key: "normalisedRange" as const, title: `${metricName(m)}: normalised range, (max − min) / max`, axis: "Normalised range" },
    { metric: m, key: "cv" as const, title: `${metricName(m)}: coefficient of variation, σ / μ`, axis: "Coefficient of variation" },
  ]);
}

/** The figure's height for a number of metrics: 780 px for the paper's two, 340 px more per extra row. */
export function fairnessFigureHeight(metrics: number): number {
  return 780 + 340 * Math.max(0, metrics - 2);
}

/** The metrics of the rows (those of the first row, in its order). */
function rowMetrics(rows: FairnessRow[]): string[] {
  return rows.length ? Object.keys(rows[0].metrics) : [];
}

export function fairnessFigure(rows: FairnessRow[], opts: FigureOptions & { by?: string } = {}): FigureSpec {
  const panels = fairnessPanels(rowMetrics(rows));
  const nRows = Math.max(1, panels.length / 2);
  const key = (r: FairnessRow) => r.label ?? r.model;
  const colours = opts.colours ?? seriesColours(rows.map((r) => ({ model: r.model, label: key(r) })));
  const width = opts.width ?? 1100;
  const names = rows.map((r) => (r.role ? `${key(r)} (${r.role})` : key(r)));
  const x = names.map((n) => wrapLabel(n, labelWidth(rows.length, width * 0.42)));
  const split = opts.split ? ` (${opts.split.toUpperCase()} split)` : "";
  const title = fittedTitle(
    `Fairness across ${opts.by ?? "subgroups"}${split}: how unequal each model's scores are (lower is fairer)`,
    width,
    `population σ; whiskers: ${levelPercent(opts.level ?? 0.95)} bootstrap ${rows.some((r) => r.floor) ? "intervals, questions and labels resampled; red lines: expected from subgroup sizes alone" : "CIs over questions"}` +
      (rows.some((r) => isBaseline(r.model)) ? "; grey bars: baselines" : "") +
      (rows.some((r) => r.role === "before") ? "; hatched: before" : ""),
    40,
  );
  const data: Array<Record<string, unknown>> = [];
  const layout: Record<string, unknown> = {
    title: title.layout,
    font: { family: "Helvetica, Arial, sans-serif", size: 13 },
    grid: { rows: nRows, columns: 2, pattern: "independent", ygap: 0.25 },
    ...(nRows > 2 ? { height: fairnessFigureHeight(nRows) } : {}),
    showlegend: false,
    annotations: [] as Array<Record<string, unknown>>,
    shapes: [] as Array<Record<string, unknown>>,
    margin: { t: title.marginTop, b: 60 },
  };
  panels.forEach((p, i) => {
    const ax = i === 0 ? "" : String(i + 1);
    const vals = rows.map((r) => r.metrics[p.metric]?.[p.key]);
    const hasCi = vals.some((v) => v?.lo !== undefined);
    data.push({
      type: "bar",
      name: p.title,
      x,
      y: vals.map((v) => v?.value ?? null),
      error_y: hasCi
        ? {
            type: "data",
            symmetric: false,
            array: vals.map((v) => (v?.hi ?? v?.value ?? 0) - (v?.value ?? 0)),
            arrayminus: vals.map((v) => (v?.value ?? 0) - (v?.lo ?? v?.value ?? 0)),
            thickness: 1.2,
            width: 3,
          }
        : undefined,
      marker: { color: rows.map((r) => colours.get(key(r))), pattern: { shape: rows.map((r) => (r.role === "before" ? "/" : "")) } },
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      hovertemplate: `%{x}<br>${p.title}: %{y:.3f}<extra></extra>`,
    });
    // Noise floor: a short red line across each bar (layout shapes, so the bar traces stay one per panel).
    rows.forEach((r, k) => {
      const f = r.floor?.[p.metric]?.[p.key];
      if (f === undefined || !Number.isFinite(f)) return;
      (layout.shapes as Array<Record<string, unknown>>).push({
        type: "line",
        xref: `x${ax}`,
        yref: `y${ax}`,
        x0: k - 0.3,
        x1: k + 0.3,
        y0: f,
        y1: f,
        line: { color: "#d62728", width: 3 },
      });
    });
    // Both rows list the same models in the same order: labels and title on the bottom row only,
    // so long model names cannot run into the panel titles below them.
    const bottom = i >= panels.length - 2;
    layout[`xaxis${ax}`] = bottom ? { title: { text: "Model" }, automargin: true, tickangle: 0 } : { showticklabels: false };
    // Shapes do not stretch the axis: with noise-floor lines, the range covers them too.
    const floorMax = Math.max(...rows.map((r) => r.floor?.[p.metric]?.[p.key] ?? -Infinity).filter((f) => Number.isFinite(f)));
    const top = Math.max(floorMax, ...vals.map((v) => v?.hi ?? v?.value ?? -Infinity).filter((f) => Number.isFinite(f)));
    layout[`yaxis${ax}`] =
      Number.isFinite(floorMax) && Number.isFinite(top)
        ? { title: { text: p.axis }, range: [0, top * 1.08] }
        : { title: { text: p.axis }, rangemode: "tozero" };
    (layout.annotations as Array<Record<string, unknown>>).push({
      text: `<b>${p.title}</b>`,
      xref: `x${ax} domain`,
      yref: `y${ax} domain`,
      x: 0.5,
      y: 1.02,
      yanchor: "bottom",
      showarrow: false,
    });
  });
  return { data, layout };
}
