/**
 * Results figures, part 1: main results (Accuracy, NMAE and any registered headline metric per
 * model with bootstrap CIs, one panel each, the baselines as dashed reference lines; with no model run, the baselines as the bars and a title
 * that says so) and prompt sensitivity (accuracy per template, per LLM run: baselines use no prompt).
 * Builders return plain plotly specs; render them with src/figures/render.ts.
 */
import type { FigureSpec } from "./spec";
import { fittedTitle, isBaseline, levelPercent, metricAxis, metricName, metricRange, seriesColours, seriesKey, wrapLabel } from "../analysis/labels";
import { metricInfo } from "../metrics/registry";

/** "a and b", "a, b and c". */
function listText(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export interface ScoreWithCi {
  value: number;
  lo?: number;
  hi?: number;
}

export interface ModelScore {
  /** Provider spec, e.g. "openai:gpt-4.1" or "baseline:population-mode". */
  model: string;
  /** Display name (default: modelLabel(model)); set it to tell two runs of one model apart. */
  label?: string;
  accuracy: ScoreWithCi;
  nmae: ScoreWithCi;
  /** Registered metrics beyond accuracy and NMAE, by id: each gets a panel after NMAE's. */
  extra?: Record<string, ScoreWithCi>;
}

/** A model's score for one metric. */
function scoreOf(s: ModelScore, metric: string): ScoreWithCi {
  if (metric === "accuracy" || metric === "nmae") return s[metric];
  return s.extra?.[metric] ?? { value: NaN };
}

const FONT = { family: "Helvetica, Arial, sans-serif", size: 13 };

function errorY(scores: ScoreWithCi[]): Record<string, unknown> | undefined {
  if (!scores.some((s) => s.lo !== undefined && s.hi !== undefined)) return undefined;
  return {
    type: "data",
    symmetric: false,
    array: scores.map((s) => (s.hi !== undefined ? s.hi - s.value : 0)),
    arrayminus: scores.map((s) => (s.lo !== undefined ? s.value - s.lo : 0)),
    thickness: 1.5,
    width: 6,
  };
}

/** Options shared by the results builders. */
export interface FigureOptions {
  split?: string;
  /** CI level (default 0.95). */
  level?: number;
  /** Colour per series key; pass one map built from every series (seriesColours) so colours agree across figures. */
  colours?: Map<string, string>;
  /** The width the figure is drawn at (titles and labels are wrapped to it). */
  width?: number;
}

/** Wrap width (characters) for n category labels sharing `px` pixels (~8 px per character), 10–24. */
export function labelWidth(n: number, px: number): number {
  return Math.min(24, Math.max(10, Math.floor(px / Math.max(1, n) / 8)));
}

/** Accuracy, NMAE and the scores' extra metrics side by side; models as bars with CIs (opts.level, default 95%), baselines as horizontal dashed lines. Series keyed by label. */
export function mainResultsFigure(scores: ModelScore[], opts: FigureOptions = {}): FigureSpec {
  const models = scores.filter((s) => !isBaseline(s.model));
  const baselines = scores.filter((s) => isBaseline(s.model));
  const colours = opts.colours ?? seriesColours(scores);
  const width = opts.width ?? 1000;
  // With no LLM run yet, the baselines become the bars, and the title says so.
  const bars = models.length ? models : baselines;
  const wrap = labelWidth(bars.length, width * 0.4);
  const x = bars.map((s) => wrapLabel(seriesKey(s), wrap));
  const data: Array<Record<string, unknown>> = [];
  const shapes: Array<Record<string, unknown>> = [];
  const metrics = ["accuracy", "nmae", ...Object.keys(scores[0]?.extra ?? {})];
  const ax = (k: number) => (k === 0 ? "" : String(k + 1));
  metrics.forEach((metric, k) => {
    const axis = { xaxis: `x${ax(k)}`, yaxis: `y${ax(k)}` };
    data.push({
      type: "bar",
      name: metricName(metric),
      x,
      y: bars.map((s) => scoreOf(s, metric).value),
      error_y: errorY(bars.map((s) => scoreOf(s, metric))),
      marker: { color: bars.map((s) => colours.get(seriesKey(s))) },
      text: bars.map((s) => scoreOf(s, metric).value.toFixed(3)),
      textposition: "outside",
      cliponaxis: false,
      showlegend: false,
      hovertemplate: `%{x}<br>${metricName(metric)} %{y:.3f}<extra></extra>`,
      ...axis,
    });
    if (models.length) {
      // Full-width lines across the panel (shapes in axis-domain units): a line trace between the
      // first and last category has no length when there is one model.
      for (const b of baselines) {
        shapes.push({
          type: "line",
          xref: `x${ax(k)} domain`,
          yref: `y${ax(k)}`,
          x0: 0,
          x1: 1,
          y0: scoreOf(b, metric).value,
          y1: scoreOf(b, metric).value,
          line: { color: colours.get(seriesKey(b)), dash: "dash", width: 2 },
          name: seriesKey(b),
          legendgroup: seriesKey(b),
          showlegend: k === 0,
          label: { text: scoreOf(b, metric).value.toFixed(3), textposition: "end", font: { size: 11, color: colours.get(seriesKey(b)) } },
        });
      }
    }
  });
  const level = levelPercent(opts.level ?? 0.95);
  const split = opts.split ? ` (${opts.split.toUpperCase()} split)` : "";
  const title = models.length
    ? fittedTitle(
        `Main results${split}: ${listText(metrics.map((m) => (m === "nmae" ? "NMAE" : m === "accuracy" ? "accuracy" : metricName(m))))} per model`,
        width,
        `bars: models, whiskers: ${level} bootstrap CIs over questions; dashed lines: baselines`,
      )
    : fittedTitle(
        `Main results${split}: the baselines only — no model run yet`,
        width,
        `bars: baselines, whiskers: ${level} bootstrap CIs over questions; add a model with svlab run --model SPEC`,
      );
  const axes: Record<string, unknown> = {};
  metrics.forEach((metric, k) => {
    axes[`xaxis${ax(k)}`] = { title: { text: models.length ? "Model" : "Baseline" }, automargin: true, tickangle: 0 };
    // Higher-is-better metrics on their whole range (accuracy 0–1); errors from zero up.
    axes[`yaxis${ax(k)}`] = {
      title: { text: metricAxis(metric) },
      ...(metricInfo(metric).higherIsBetter ? { range: metricRange(metric) } : { rangemode: "tozero" }),
    };
  });
  return {
    data,
    layout: {
      title: title.layout,
      font: FONT,
      grid: { rows: 1, columns: metrics.length, pattern: "independent", xgap: 0.15 },
      ...axes,
      shapes,
      showlegend: shapes.length > 0,
      legend: { title: { text: "Baselines (dashed lines)" }, orientation: "h", x: 0, y: -0.3, yanchor: "top" },
      margin: { t: title.marginTop, b: shapes.length ? 130 : 80 },
    },
  };
}

export interface TemplateScore {
  model: string;
  /** Display label (unique per run); rows are grouped by it, so two runs of one model stay apart. */
  label?: string;
  templateId: string;
  accuracy: number;
}

/**
 * Prompt sensitivity: each template's accuracy as a dot, the min–max spread as a bar in the model's
 * colour, per model. Only runs with two or more templates: baselines use no prompt, and one
 * template has no spread.
 */
export function promptSensitivityFigure(rows: TemplateScore[], opts: Omit<FigureOptions, "level"> = {}): FigureSpec {
  // Baselines use no prompt; a run with one template has no spread to show.
  const count = new Map<string, number>();
  for (const r of rows) if (!isBaseline(r.model)) count.set(seriesKey(r), (count.get(seriesKey(r)) ?? 0) + 1);
  const llm = rows.filter((r) => !isBaseline(r.model) && (count.get(seriesKey(r)) ?? 0) >= 2);
  const models = [...new Set(llm.map(seriesKey))];
  const colours = opts.colours ?? seriesColours(llm);
  const width = opts.width ?? 900;
  const templates = [...new Set(llm.map((r) => r.templateId))].sort();
  const data: Array<Record<string, unknown>> = [];
  const symbols = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"];
  const x = models.map((m) => wrapLabel(m, labelWidth(models.length, width * 0.7)));
  const spread = models.map((m) => {
    const v = llm.filter((r) => seriesKey(r) === m).map((r) => r.accuracy);
    return { min: Math.min(...v), max: Math.max(...v) };
  });
  data.push({
    type: "bar",
    name: "Spread, worst to best template",
    showlegend: false,
    x,
    base: spread.map((s) => s.min),
    y: spread.map((s) => s.max - s.min),
    marker: { color: models.map((m) => colours.get(m)), opacity: 0.35 },
    width: 0.5,
    hovertemplate: "%{x}: spread %{y:.3f}<extra></extra>",
  });
  templates.forEach((t, i) => {
    const pts = models.map((m) => llm.find((r) => seriesKey(r) === m && r.templateId === t)?.accuracy ?? null);
    data.push({
      type: "scatter",
      mode: "markers",
      name: t,
      x,
      y: pts,
      marker: { size: 11, symbol: symbols[i % symbols.length], color: "#333" },
      hovertemplate: `${t}: %{y:.3f}<extra></extra>`,
    });
  });
  const title = fittedTitle(
    "Prompt sensitivity: accuracy per prompt template, per model",
    width,
    "dots: one template each; bar: spread from the worst to the best template; runs with two or more templates",
  );
  return {
    data,
    layout: {
      title: title.layout,
      font: FONT,
      xaxis: { title: { text: "Model" }, automargin: true, tickangle: 0 },
      yaxis: { title: { text: metricAxis("accuracy") } },
      legend: { title: { text: "Template" } },
      barmode: "overlay",
      margin: { t: title.marginTop },
    },
  };
}
