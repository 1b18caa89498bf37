/**
 * Results figures, part 1: main results (Accuracy and NMAE per model with bootstrap CIs, the
 * baselines as dashed reference lines) and prompt sensitivity (accuracy per template, per model).
 * Builders return plain plotly specs; render them with src/figures/render.ts.
 */
import type { FigureSpec } from "./spec";
import { isBaseline, levelPercent, METRIC_AXIS, modelLabel, seriesColours, seriesKey } from "./results-labels";

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

/** Accuracy and NMAE side by side; models as bars with CIs (opts.level, default 95%), baselines as horizontal reference lines. Series keyed by label. */
export function mainResultsFigure(scores: ModelScore[], opts: { split?: string; level?: number } = {}): FigureSpec {
  const models = scores.filter((s) => !isBaseline(s.model));
  const baselines = scores.filter((s) => isBaseline(s.model));
  const colours = seriesColours(scores);
  // With no LLM run yet, the baselines become the bars so the figure still says something.
  const bars = models.length ? models : baselines;
  const x = bars.map(seriesKey);
  const data: Array<Record<string, unknown>> = [];
  const shapes: Array<Record<string, unknown>> = [];
  (["accuracy", "nmae"] as const).forEach((metric, k) => {
    const axis = k === 0 ? { xaxis: "x", yaxis: "y" } : { xaxis: "x2", yaxis: "y2" };
    data.push({
      type: "bar",
      name: metric === "accuracy" ? "Accuracy" : "NMAE",
      x,
      y: bars.map((s) => s[metric].value),
      error_y: errorY(bars.map((s) => s[metric])),
      marker: { color: bars.map((s) => colours.get(seriesKey(s))) },
      text: bars.map((s) => s[metric].value.toFixed(3)),
      textposition: "outside",
      cliponaxis: false,
      showlegend: false,
      hovertemplate: `%{x}<br>${metric === "accuracy" ? "Accuracy" : "NMAE"} %{y:.3f}<extra></extra>`,
      ...axis,
    });
    if (models.length) {
      // Full-width lines across the panel (shapes in axis-domain units): a line trace between the
      // first and last category has no length when there is one model.
      for (const b of baselines) {
        shapes.push({
          type: "line",
          xref: k === 0 ? "x domain" : "x2 domain",
          yref: k === 0 ? "y" : "y2",
          x0: 0,
          x1: 1,
          y0: b[metric].value,
          y1: b[metric].value,
          line: { color: colours.get(seriesKey(b)), dash: "dash", width: 2 },
          name: seriesKey(b),
          legendgroup: seriesKey(b),
          showlegend: k === 0,
          label: { text: b[metric].value.toFixed(3), textposition: "end", font: { size: 11, color: colours.get(seriesKey(b)) } },
        });
      }
    }
  });
  const level = levelPercent(opts.level ?? 0.95);
  return {
    data,
    layout: {
      title: { text: `Main results${opts.split ? ` (${opts.split.toUpperCase()} split)` : ""}: accuracy and NMAE per model, ${level} bootstrap CIs over questions` },
      font: FONT,
      grid: { rows: 1, columns: 2, pattern: "independent" },
      xaxis: { title: { text: "Model" }, automargin: true },
      yaxis: { title: { text: METRIC_AXIS.accuracy }, range: [0, 1] },
      xaxis2: { title: { text: "Model" }, automargin: true },
      yaxis2: { title: { text: METRIC_AXIS.nmae }, rangemode: "tozero" },
      shapes,
      legend: { title: { text: "Reference (dashed)" }, orientation: "h", y: -0.3 },
      margin: { t: 70, b: 120 },
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

/** Prompt sensitivity: each template's accuracy as a dot, the min–max spread as a bar, per model. */
export function promptSensitivityFigure(rows: TemplateScore[]): FigureSpec {
  const models = [...new Set(rows.map(seriesKey))];
  const templates = [...new Set(rows.map((r) => r.templateId))].sort();
  const data: Array<Record<string, unknown>> = [];
  const symbols = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"];
  const x = models;
  const spread = models.map((m) => {
    const v = rows.filter((r) => seriesKey(r) === m).map((r) => r.accuracy);
    return { min: Math.min(...v), max: Math.max(...v) };
  });
  data.push({
    type: "bar",
    name: "Spread (max − min)",
    x,
    base: spread.map((s) => s.min),
    y: spread.map((s) => s.max - s.min),
    marker: { color: "rgba(0,114,178,0.18)" },
    width: 0.5,
    hovertemplate: "%{x}: spread %{y:.3f}<extra></extra>",
  });
  templates.forEach((t, i) => {
    const pts = models.map((m) => rows.find((r) => seriesKey(r) === m && r.templateId === t)?.accuracy ?? null);
    data.push({
      type: "scatter",
      mode: "markers",
      name: t,
      x,
      y: pts,
      marker: { size: 11, symbol: symbols[i % symbols.length] },
      hovertemplate: `${t}: %{y:.3f}<extra></extra>`,
    });
  });
  return {
    data,
    layout: {
      title: { text: "Prompt sensitivity: accuracy per template variant, per model" },
      font: FONT,
      xaxis: { title: { text: "Model" }, automargin: true },
      yaxis: { title: { text: METRIC_AXIS.accuracy } },
      legend: { title: { text: "Template" } },
      barmode: "overlay",
    },
  };
}
