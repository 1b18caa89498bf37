/**
 * Results figures, part 2: per-group views.
 * - per-attribute performance: one panel per attribute (sex, age group, ethnicity, religion), the
 *   model(s) and the baselines side by side for the same attribute values;
 * - per-subgroup heatmap for an OOD intersection (e.g. age × religion), colour = accuracy;
 * - model vs baseline per group: each group's model score against the same group's baseline score.
 */
import type { FigureSpec } from "./spec";
import { ATTRIBUTE_LABELS, METRIC_AXIS, modelLabel, seriesColours, seriesKey, stratumLabel, subgroupLabel, valueLabel } from "./results-labels";
import type { ScoreWithCi } from "./results-main";

const FONT = { family: "Helvetica, Arial, sans-serif", size: 13 };

export interface AttributeSeries {
  model: string;
  label?: string;
  /** attribute value → score. */
  scores: Record<string, ScoreWithCi>;
}

export interface AttributePanel {
  attribute: string;
  /** Values in display order. */
  values: string[];
  series: AttributeSeries[];
}

/**
 * Grouped bars per attribute value, one panel per attribute (2 × 2 grid for four attributes).
 * A panel with no scored values (e.g. sex on the OOD split, whose strata have no sex) says so.
 */
export function attributeFigure(panels: AttributePanel[], metric: "accuracy" | "nmae", opts: { split?: string } = {}): FigureSpec {
  const cols = panels.length > 2 ? 2 : panels.length || 1;
  const rows = Math.ceil(panels.length / cols) || 1;
  // Series keyed by label: two runs of one model are two series (own colour, own legend entry).
  const colours = seriesColours(panels.flatMap((p) => p.series));
  const data: Array<Record<string, unknown>> = [];
  const layout: Record<string, unknown> = {
    title: { y: 0.98, yanchor: "top", text: `${metric === "accuracy" ? "Accuracy" : "NMAE"} per attribute value${opts.split ? ` (${opts.split.toUpperCase()} split)` : ""}: models beside the baselines` },
    font: FONT,
    grid: { rows, columns: cols, pattern: "independent", ygap: 0.35, xgap: 0.12 },
    barmode: "group",
    showlegend: true,
    legend: { title: { text: "Model" }, orientation: "h", x: 0, y: 1.08, yanchor: "bottom" },
    annotations: [] as Array<Record<string, unknown>>,
    margin: { t: 130, b: 60 },
  };
  const shown = new Set<string>();
  panels.forEach((p, i) => {
    const ax = i === 0 ? "" : String(i + 1);
    const x = p.values.map(valueLabel);
    for (const s of p.series) {
      const key = seriesKey(s);
      const ys = p.values.map((v) => s.scores[v]);
      const hasCi = ys.some((y) => y?.lo !== undefined);
      data.push({
        type: "bar",
        name: key,
        legendgroup: key,
        // Plotly leaves empty traces out of the legend, so the first non-empty panel carries it.
        showlegend: p.values.length > 0 && !shown.has(key),
        x,
        y: ys.map((y) => y?.value ?? null),
        error_y: hasCi
          ? { type: "data", symmetric: false, array: ys.map((y) => (y?.hi ?? y?.value ?? 0) - (y?.value ?? 0)), arrayminus: ys.map((y) => (y?.value ?? 0) - (y?.lo ?? y?.value ?? 0)), thickness: 1.2, width: 3 }
          : undefined,
        marker: { color: colours.get(key) },
        xaxis: `x${ax}`,
        yaxis: `y${ax}`,
        hovertemplate: `${key}<br>%{x}: %{y:.3f}<extra></extra>`,
      });
      if (p.values.length > 0) shown.add(key);
    }
    layout[`xaxis${ax}`] = { title: { text: ATTRIBUTE_LABELS[p.attribute] ?? p.attribute }, automargin: true, ...(p.values.length ? {} : { showticklabels: false }) };
    layout[`yaxis${ax}`] = { title: { text: metric === "accuracy" ? "Accuracy (0–1)" : "NMAE (0–1, lower better)" }, ...(metric === "accuracy" || p.values.length === 0 ? { range: [0, 1] } : { rangemode: "tozero" }) };
    if (p.values.length === 0) {
      (layout.annotations as Array<Record<string, unknown>>).push({
        text: `no ${opts.split ? opts.split.toUpperCase() + " " : ""}subgroup has this attribute`,
        xref: `x${ax} domain`, yref: `y${ax} domain`, x: 0.5, y: 0.5, showarrow: false, font: { color: "#888" },
      });
    }
  });
  return { data, layout };
}

export interface HeatmapInput {
  model: string;
  /** Stratum, e.g. "age_x_religion": rows = first attribute's values, columns = second's. */
  stratum: string;
  rows: string[];
  cols: string[];
  /** z[row][col]; NaN/null where the subgroup is too small to exist in the benchmark. */
  z: (number | null)[][];
  /** Pairs behind each cell (hover text). */
  n?: (number | null)[][];
  metric: "accuracy" | "nmae";
}

/** Heatmap of a metric over an intersection's cells; empty cells are subgroups below the size threshold. */
export function subgroupHeatmap(h: HeatmapInput): FigureSpec {
  const [ra, ca] = h.stratum.split("_x_");
  const z = h.z.map((r) => r.map((v) => (v === null || Number.isNaN(v) ? null : v)));
  return {
    data: [
      {
        type: "heatmap",
        x: h.cols.map(valueLabel),
        y: h.rows.map(valueLabel),
        z,
        text: z.map((r) => r.map((v) => (v === null ? "" : v.toFixed(2)))),
        texttemplate: "%{text}",
        customdata: h.n,
        // One scale for both metrics; reversed for NMAE so bright = good in either.
        colorscale: "Viridis",
        reversescale: h.metric === "nmae",
        colorbar: { title: { text: h.metric === "accuracy" ? "Accuracy (0–1)" : "NMAE (0–1)" } },
        hovertemplate: `%{y} × %{x}<br>${h.metric} %{z:.3f}${h.n ? "<br>%{customdata} pairs" : ""}<extra></extra>`,
        hoverongaps: false,
      },
    ],
    layout: {
      title: { text: `${modelLabel(h.model)}: ${h.metric === "accuracy" ? "accuracy" : "NMAE"} per ${stratumLabel(h.stratum)} subgroup<br><sub>blank cell = no such subgroup with ≥ 30 respondents</sub>` },
      font: FONT,
      xaxis: { title: { text: ATTRIBUTE_LABELS[ca === "age" ? "age_group" : ca] ?? ca }, automargin: true },
      yaxis: { title: { text: ATTRIBUTE_LABELS[ra === "age" ? "age_group" : ra] ?? ra }, automargin: true },
      margin: { l: 120 },
    },
  };
}

export interface GroupPoint {
  group: string;
  model: number;
  baseline: number;
}

/**
 * Model vs baseline per group: x = the baseline's score for the group, y = the model's. Points on
 * the diagonal add nothing over the baseline; a model whose group gaps follow the baseline's
 * (points along a line parallel to the diagonal) shows gaps the data alone already explains.
 */
export function groupSkillFigure(points: GroupPoint[], opts: { model: string; baseline: string; metric: "accuracy" | "nmae"; by?: string }): FigureSpec {
  const vals = points.flatMap((p) => [p.model, p.baseline]).filter((v) => Number.isFinite(v));
  const lo = Math.max(0, Math.min(...vals) - 0.05);
  const hi = Math.min(1, Math.max(...vals) + 0.05);
  const label = (g: string) => (g.includes(":") ? subgroupLabel(g) : valueLabel(g));
  const metricName = opts.metric === "accuracy" ? "Accuracy" : "NMAE";
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "Model = baseline",
        x: [lo, hi],
        y: [lo, hi],
        line: { color: "#999", dash: "dash" },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: points.length <= 25 ? "markers+text" : "markers",
        name: opts.by ? `Groups (${opts.by})` : "Groups",
        x: points.map((p) => p.baseline),
        y: points.map((p) => p.model),
        text: points.map((p) => label(p.group)),
        textposition: "top center",
        textfont: { size: 10 },
        marker: { size: 9, color: "#0072B2" },
        hovertemplate: "%{text}<br>baseline %{x:.3f}<br>model %{y:.3f}<extra></extra>",
      },
    ],
    layout: {
      title: { text: `${metricName} per group: ${modelLabel(opts.model)} vs ${modelLabel(opts.baseline)}` },
      font: FONT,
      xaxis: { title: { text: `${metricName} of ${modelLabel(opts.baseline)} (0–1)` }, range: [lo, hi] },
      yaxis: { title: { text: `${metricName} of ${modelLabel(opts.model)} (0–1)` }, range: [lo, hi] },
      legend: { orientation: "h", y: -0.2 },
    },
  };
}

export { METRIC_AXIS };
