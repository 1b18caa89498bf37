/**
 * Results figures, part 3: fairness. The paper's two disparity numbers — normalised range
 * (max − min)/max and CV σ/μ (population σ) — for Accuracy and for NMAE, per model, before and
 * after (base vs fine-tuned, or any two runs). Four panels; bars grouped by run.
 */
import type { FigureSpec } from "./spec";
import { modelLabel } from "./results-labels";
import type { ScoreWithCi } from "./results-main";

export interface FairnessRow {
  /** The model the before/after belongs to (x axis). */
  model: string;
  /** Run role, e.g. "base", "fine-tuned" (bar colour). */
  run: string;
  accuracy: { normalisedRange: ScoreWithCi; cv: ScoreWithCi };
  nmae: { normalisedRange: ScoreWithCi; cv: ScoreWithCi };
}

const RUN_COLOURS = ["#999999", "#0072B2", "#E69F00", "#009E73"];

export function fairnessFigure(rows: FairnessRow[], opts: { by?: string; split?: string } = {}): FigureSpec {
  const models = [...new Set(rows.map((r) => r.model))];
  const runs = [...new Set(rows.map((r) => r.run))];
  const x = models.map(modelLabel);
  const panels = [
    { metric: "accuracy", key: "normalisedRange", title: "Accuracy: norm. range (max−min)/max" },
    { metric: "accuracy", key: "cv", title: "Accuracy: CV σ/μ" },
    { metric: "nmae", key: "normalisedRange", title: "NMAE: norm. range (max−min)/max" },
    { metric: "nmae", key: "cv", title: "NMAE: CV σ/μ" },
  ] as const;
  const data: Array<Record<string, unknown>> = [];
  const layout: Record<string, unknown> = {
    title: { y: 0.98, yanchor: "top", text: `Fairness across ${opts.by ?? "subgroups"}${opts.split ? ` (${opts.split.toUpperCase()} split)` : ""}: disparity per model, by run (lower = fairer; population σ)` },
    font: { family: "Helvetica, Arial, sans-serif", size: 13 },
    grid: { rows: 2, columns: 2, pattern: "independent", ygap: 0.25 },
    barmode: "group",
    showlegend: true,
    legend: { title: { text: "Run" }, orientation: "h", x: 0, y: 1.1, yanchor: "bottom" },
    annotations: [] as Array<Record<string, unknown>>,
    margin: { t: 150, b: 60 },
  };
  panels.forEach((p, i) => {
    const ax = i === 0 ? "" : String(i + 1);
    runs.forEach((run, j) => {
      const vals = models.map((m) => rows.find((r) => r.model === m && r.run === run)?.[p.metric][p.key]);
      const hasCi = vals.some((v) => v?.lo !== undefined);
      data.push({
        type: "bar",
        name: run,
        legendgroup: run,
        showlegend: i === 0,
        x,
        y: vals.map((v) => v?.value ?? null),
        error_y: hasCi
          ? { type: "data", symmetric: false, array: vals.map((v) => (v?.hi ?? v?.value ?? 0) - (v?.value ?? 0)), arrayminus: vals.map((v) => (v?.value ?? 0) - (v?.lo ?? v?.value ?? 0)), thickness: 1.2, width: 3 }
          : undefined,
        marker: { color: RUN_COLOURS[j % RUN_COLOURS.length] },
        xaxis: `x${ax}`,
        yaxis: `y${ax}`,
        hovertemplate: `${run}<br>%{x}: %{y:.3f}<extra></extra>`,
      });
    });
    // Both rows list the same models in the same order: labels and title on the bottom row only,
    // so long model names cannot run into the panel titles below them.
    const bottom = i >= 2;
    layout[`xaxis${ax}`] = bottom ? { title: { text: "Model" }, automargin: true, tickangle: -25 } : { showticklabels: false };
    layout[`yaxis${ax}`] = { title: { text: p.key === "cv" ? "CV (ratio, 0–)" : "Norm. range (ratio, 0–1)" }, rangemode: "tozero" };
    (layout.annotations as Array<Record<string, unknown>>).push({
      text: `<b>${p.title}</b>`, xref: `x${ax} domain`, yref: `y${ax} domain`, x: 0.5, y: 1.12, showarrow: false,
    });
  });
  return { data, layout };
}
