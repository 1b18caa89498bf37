/**
 * Results figures, part 2: per-group views.
 * - per-attribute performance: one panel per attribute present in the data (an attribute no
 *   subgroup of the split has gets no panel), the model(s) and the baselines side by side;
 * - per-subgroup heatmap for an OOD intersection (e.g. age × religion), colour = the metric on the
 *   metric's fixed scale (metricRange), so every heatmap of one metric reads alike;
 * - model vs baseline per group: each group's model score against the same group's baseline score.
 */
import type { FigureSpec } from "./spec";
import { metricInfo as metricInfoOf, type MetricName } from "../metrics/registry";
import {
  attributeLabel,
  fittedTitle,
  isBaseline,
  metricAxis,
  metricName,
  metricRange,
  modelLabel,
  seriesColours,
  seriesKey,
  stratumLabel,
  subgroupLabel,
  valueLabel,
  wrapLabel,
} from "../analysis/labels";
import type { FigureOptions, ScoreWithCi } from "./results-main";

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

const XGAP = 0.08;

/** Panel rows of the attribute figure: two panels a row, a last odd panel across the full width. */
function panelRows(n: number): number {
  return Math.max(1, Math.ceil(n / 2));
}

/** The layout height that gives each row of attribute panels room (one row: 520 px). */
export function attributeFigureHeight(panels: number): number {
  const rows = panelRows(panels);
  return rows === 1 ? 520 : 160 + rows * 320;
}

/**
 * Grouped bars per attribute value, one panel per attribute that has values (panels without any
 * are dropped: no empty panel). Two panels a row, each as wide as its share of the row's values;
 * an odd last panel spans the full width.
 * Models in their colours, baselines in their greys, grouped in the legend.
 */
export function attributeFigure(allPanels: AttributePanel[], metric: MetricName, opts: Omit<FigureOptions, "level"> = {}): FigureSpec {
  const panels = allPanels.filter((p) => p.values.length > 0);
  const rows = panelRows(panels.length);
  const width = opts.width ?? 1100;
  const height = attributeFigureHeight(panels.length);
  // Series keyed by label: two runs of one model are two series (own colour, own legend entry).
  const all = panels.flatMap((p) => p.series);
  const colours = opts.colours ?? seriesColours(all);
  const hasModels = all.some((s) => !isBaseline(s.model));
  const split = opts.split ? ` (${opts.split.toUpperCase()} split)` : "";
  const title = fittedTitle(
    `${metricName(metric)} per attribute value${split}: ${hasModels ? "models beside the baselines" : "the baselines only — no model run yet"}`,
    width - 180,
    "each value pools every subgroup that contains it; whiskers: bootstrap CIs over questions",
  );
  const data: Array<Record<string, unknown>> = [];
  const layout: Record<string, unknown> = {
    title: title.layout,
    font: FONT,
    barmode: "group",
    showlegend: true,
    legend: { orientation: "v", x: 1.02, xanchor: "left", y: 1, yanchor: "top", traceorder: "grouped", tracegroupgap: 14 },
    margin: { t: title.marginTop, b: 70, r: 20 },
    height,
  };
  const ygap = rows > 1 ? 0.16 : 0;
  const shown = new Set<string>();
  panels.forEach((p, i) => {
    const ax = i === 0 ? "" : String(i + 1);
    const row = Math.floor(i / 2);
    // Two panels a row, each as wide as its share of the row's values (an odd last panel: the whole row).
    const mates = panels.slice(row * 2, row * 2 + 2);
    const total = mates.reduce((n, m) => n + Math.max(2, m.values.length), 0);
    const usable = 1 - XGAP * (mates.length - 1);
    const x0 = i % 2 === 0 ? 0 : usable * (Math.max(2, mates[0].values.length) / total) + XGAP;
    const xDomain = [x0, Math.min(1, x0 + usable * (Math.max(2, p.values.length) / total))];
    const yTop = 1 - row / rows;
    const yDomain = [Math.max(0, yTop - 1 / rows + ygap / 2), yTop - (row === 0 ? 0 : ygap / 2)];
    // Wrap value labels to the room each value has (~7 px per character).
    const room = (width - 260) * (xDomain[1] - xDomain[0]);
    const x = p.values.map((v) => wrapLabel(valueLabel(v), Math.max(10, Math.floor(room / p.values.length / 7))));
    for (const s of p.series) {
      const key = seriesKey(s);
      const ys = p.values.map((v) => s.scores[v]);
      const hasCi = ys.some((y) => y?.lo !== undefined);
      const baseline = isBaseline(s.model);
      data.push({
        type: "bar",
        name: key,
        legendgroup: baseline ? "baselines" : "models",
        legendgrouptitle: { text: baseline ? "Baselines" : "Models" },
        showlegend: !shown.has(key),
        x,
        y: ys.map((y) => y?.value ?? null),
        error_y: hasCi
          ? {
              type: "data",
              symmetric: false,
              array: ys.map((y) => (y?.hi ?? y?.value ?? 0) - (y?.value ?? 0)),
              arrayminus: ys.map((y) => (y?.value ?? 0) - (y?.lo ?? y?.value ?? 0)),
              thickness: 1.2,
              width: 3,
            }
          : undefined,
        marker: { color: colours.get(key) },
        xaxis: `x${ax}`,
        yaxis: `y${ax}`,
        hovertemplate: `${key}<br>%{x}: %{y:.3f}<extra></extra>`,
      });
      shown.add(key);
    }
    layout[`xaxis${ax}`] = { title: { text: attributeLabel(p.attribute) }, automargin: true, tickangle: 0, domain: xDomain, anchor: `y${ax}` };
    layout[`yaxis${ax}`] = {
      title: { text: metricAxis(metric) },
      domain: yDomain,
      anchor: `x${ax}`,
      ...(metricInfoOf(metric).higherIsBetter ? { range: metricRange(metric) } : { rangemode: "tozero" }),
    };
  });
  return { data, layout };
}

export interface HeatmapInput {
  model: string;
  /** Stratum, e.g. "age_x_religion": rows = first attribute's values, columns = second's. */
  stratum: string;
  /** The stratum's two attributes (rows, columns), from the benchmark; default: the stratum key split at "_x_". */
  attributes?: [string, string];
  rows: string[];
  cols: string[];
  /** z[row][col]; NaN/null where the subgroup is too small to exist in the benchmark. */
  z: (number | null)[][];
  /** Pairs behind each cell (hover text). */
  n?: (number | null)[][];
  metric: MetricName;
  /** The benchmark's minimum subgroup size (the blank-cell note); default 30. */
  minSize?: number;
  /** Figure width (the title is wrapped to it); default 900. */
  width?: number;
  /** The model is a baseline ("of the national mode"). */
  baseline?: boolean;
}

/**
 * Heatmap of a metric over an intersection's cells, on the metric's fixed scale (metricRange):
 * one colour means one value in every heatmap of that metric. Empty cells are subgroups below the size threshold.
 */
export function subgroupHeatmap(h: HeatmapInput): FigureSpec {
  const [ra, ca] = h.attributes ?? (h.stratum.split("_x_") as [string, string]);
  const z = h.z.map((r) => r.map((v) => (v === null || Number.isNaN(v) ? null : v)));
  const [zmin, zmax] = metricRange(h.metric);
  const title = fittedTitle(
    `${metricName(h.metric)} of ${h.baseline ? "the " : ""}${modelLabel(h.model)} per ${stratumLabel(h.stratum, h.attributes).toLowerCase()} subgroup`,
    h.width ?? 900,
    `blank cell: no such subgroup with ${h.minSize ?? 30} or more respondents`,
  );
  return {
    data: [
      {
        type: "heatmap",
        x: h.cols.map(valueLabel),
        y: h.rows.map(valueLabel),
        z,
        zmin,
        zmax,
        text: z.map((r) => r.map((v) => (v === null ? "" : v.toFixed(2)))),
        texttemplate: "%{text}",
        customdata: h.n,
        // One scale per metric; reversed for error metrics so bright = good in every one.
        colorscale: "Viridis",
        reversescale: !metricInfoOf(h.metric).higherIsBetter,
        colorbar: { title: { text: metricName(h.metric) } },
        hovertemplate: `%{y} × %{x}<br>${metricName(h.metric)} %{z:.3f}${h.n ? "<br>%{customdata} pairs" : ""}<extra></extra>`,
        hoverongaps: false,
      },
    ],
    layout: {
      title: title.layout,
      font: FONT,
      xaxis: { title: { text: attributeLabel(ca) }, automargin: true },
      yaxis: { title: { text: attributeLabel(ra) }, automargin: true },
      margin: { l: 120, t: title.marginTop },
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
export function groupSkillFigure(
  points: GroupPoint[],
  opts: { model: string; baseline: string; metric: MetricName; by?: string; colour?: string; width?: number; note?: string },
): FigureSpec {
  const vals = points.flatMap((p) => [p.model, p.baseline]).filter((v) => Number.isFinite(v));
  const lo = Math.max(0, Math.min(...vals) - 0.05);
  const hi = Math.min(1, Math.max(...vals) + 0.05);
  const label = (g: string) => (g.includes(":") ? subgroupLabel(g) : valueLabel(g));
  const name = metricName(opts.metric);
  const model = modelLabel(opts.model);
  const baseline = modelLabel(opts.baseline);
  const by = opts.by ?? "group"; // singular: "subgroup", "attribute value"
  const title = fittedTitle(
    `${name} per ${by}: ${model} against the ${baseline}`,
    opts.width ?? 800,
    opts.note ?? "points above the diagonal: the model beats the baseline for that group",
  );
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
        name: wrapLabel(`${model}, one point per ${by}`, 40),
        x: points.map((p) => p.baseline),
        y: points.map((p) => p.model),
        text: points.map((p) => label(p.group)),
        textposition: "top center",
        textfont: { size: 10 },
        marker: { size: 9, color: opts.colour ?? "#0072B2" },
        hovertemplate: "%{text}<br>baseline %{x:.3f}<br>model %{y:.3f}<extra></extra>",
      },
    ],
    layout: {
      title: title.layout,
      font: FONT,
      xaxis: { title: { text: wrapLabel(`${name} of the ${baseline}`, 60) }, range: [lo, hi], constrain: "domain" },
      // One unit is as long on both axes, so the diagonal is at 45° and distances read alike.
      yaxis: { title: { text: wrapLabel(`${name} of ${model}`, 50) }, range: [lo, hi], automargin: true, scaleanchor: "x", scaleratio: 1, constrain: "domain" },
      legend: { orientation: "h", y: -0.2 },
      margin: { t: title.marginTop },
    },
  };
}

export { metricAxis };
