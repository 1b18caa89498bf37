/**
 * Value-landscape figures (plotly specs) from src/benchmark/landscape.ts:
 *   mdsByCategoryFigure    MDS per WVS-7 category (bars ± SE over questions) beside the W1 cross-check
 *   questionMdsFigure      every question's MDS as a point, a box per category
 *   answerHeatmapFigure    one question: subgroups × answer options, colour = share of the subgroup (%)
 * Builders are pure; render with src/figures/render.ts or show inline with src/figures/display.ts.
 */
import type { AnswerShares, Landscape } from "../benchmark/landscape";
import { stratumLabel, subgroupLabel, wrapLabel } from "../analysis/labels";
import type { FigureSpec } from "./spec";

export const FONT = { family: "Helvetica, Arial, sans-serif", size: 13, color: "#222" };
const MDS_COLOUR = "#0072B2";
const W1_COLOUR = "#E69F00";
const PAPER_COLOUR = "#D55E00";
const SHARE_SCALE = [
  [0, "#f7fbff"],
  [0.25, "#c6dbef"],
  [0.5, "#6baed6"],
  [0.75, "#2171b5"],
  [1, "#08306b"],
];

/** Category scores the paper reports (Tan et al. 2026), drawn as reference markers. */
export const PAPER_CATEGORY_MDS: Record<string, number> = {
  "Religious Values": 0.318,
  "Social Capital & Trust": 0.084,
};

function strataNote(L: Landscape): string {
  const s = L.options.strata;
  return s.length <= 3 ? s.map((k) => stratumLabel(k)).join(", ") : `${s.length} strata`;
}

/** A title with a smaller grey note line under it (plotly renders the inline HTML subset). */
export function withNote(title: string, note: string): string {
  return `${title}<br><span style="font-size:11px;color:#666">${note}</span>`;
}

const se = (sd: number, n: number): number => (n > 1 ? sd / Math.sqrt(n) : 0);

/** Horizontal bars: MDS per category (left) and mean pairwise W1 (right), most divisive on top. */
export function mdsByCategoryFigure(L: Landscape, opts: { paper?: boolean; title?: string } = {}): FigureSpec {
  // plotly draws the first category at the bottom; reverse so the most divisive is on top.
  const cats = [...L.categories].reverse();
  const y = cats.map((c) => `${c.category} (${c.questions})`);
  const data: Array<Record<string, unknown>> = [
    {
      type: "bar",
      orientation: "h",
      name: "Modal Diversity Score",
      y,
      x: cats.map((c) => c.mds),
      error_x: { type: "data", array: cats.map((c) => se(c.mdsSd, c.questions)), thickness: 1.2, width: 3, color: "#555" },
      marker: { color: MDS_COLOUR },
      hovertemplate: "%{y}<br>MDS %{x:.3f}<extra></extra>",
      xaxis: "x",
      yaxis: "y",
    },
    {
      type: "bar",
      orientation: "h",
      name: "Mean pairwise W1 (ordinal)",
      y,
      x: cats.map((c) => c.w1),
      marker: { color: W1_COLOUR },
      text: cats.map((c) => (c.w1 === null ? "" : c.w1.toFixed(3))),
      textposition: "outside",
      cliponaxis: false,
      hovertemplate: "%{y}<br>W1 %{x:.3f} of the scale span<extra></extra>",
      xaxis: "x2",
      yaxis: "y",
    },
  ];
  // Value labels right of the whiskers (a text-only trace, so they never collide with the error bars).
  data.push({
    type: "scatter",
    mode: "text",
    y,
    x: cats.map((c) => c.mds + se(c.mdsSd, c.questions)),
    text: cats.map((c) => `  ${c.mds.toFixed(3)}`),
    textposition: "middle right",
    textfont: { size: 11, color: "#333" },
    hoverinfo: "skip",
    showlegend: false,
    cliponaxis: false,
    xaxis: "x",
    yaxis: "y",
  });
  if (opts.paper !== false) {
    const ref = cats.filter((c) => PAPER_CATEGORY_MDS[c.category] !== undefined);
    if (ref.length) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: "Tan et al. (2026)",
        y: ref.map((c) => `${c.category} (${c.questions})`),
        x: ref.map((c) => PAPER_CATEGORY_MDS[c.category]),
        marker: { symbol: "diamond", size: 11, color: PAPER_COLOUR, line: { color: "white", width: 1 } },
        hovertemplate: "%{y}<br>paper: MDS %{x:.3f}<extra></extra>",
        xaxis: "x",
        yaxis: "y",
      });
    }
  }
  const maxMds = Math.max(0.05, ...cats.map((c) => c.mds + se(c.mdsSd, c.questions)), ...Object.values(PAPER_CATEGORY_MDS));
  const maxW1 = Math.max(0.02, ...cats.map((c) => c.w1 ?? 0));
  return {
    data,
    layout: {
      title: {
        text: withNote(
          opts.title ?? `Value conflict by WVS-7 category (${L.overall.questions} questions, ${strataNote(L)})`,
          "bars: mean over questions of each question's mean over strata · whiskers: ± 1 SE over questions · (n) = questions",
        ),
        x: 0.01,
        xanchor: "left",
      },
      font: FONT,
      barmode: "group",
      bargap: 0.25,
      xaxis: { domain: [0, 0.55], range: [0, maxMds * 1.22], title: { text: "MDS (0 = consensus, 1 = max. divergence)" }, zeroline: true, gridcolor: "#eee" },
      xaxis2: { domain: [0.62, 1], range: [0, maxW1 * 1.22], title: { text: "Mean pairwise W1 / scale span" }, anchor: "y", gridcolor: "#eee" },
      yaxis: { automargin: true, title: { text: "" } },
      legend: { orientation: "h", x: 0, y: -0.2, xanchor: "left", yanchor: "top" },
      margin: { l: 10, r: 30, t: 80, b: 110 },
      plot_bgcolor: "white",
      width: 1000,
      height: 600,
    },
  };
}

/** One box per category (same order as the bar chart), every question drawn as a jittered point. */
export function questionMdsFigure(L: Landscape, opts: { title?: string } = {}): FigureSpec {
  const order = [...L.categories].reverse().map((c) => c.category);
  const data = order.map((cat) => {
    const qs = L.questions.filter((q) => q.category === cat);
    return {
      type: "box",
      orientation: "h",
      name: cat,
      x: qs.map((q) => q.mds),
      y: qs.map(() => cat),
      text: qs.map((q) => `${q.question}: ${q.label}`),
      boxpoints: "all",
      jitter: 0.45,
      pointpos: 0,
      boxmean: true,
      marker: { color: MDS_COLOUR, size: 6, opacity: 0.75 },
      line: { color: "#555", width: 1 },
      fillcolor: "rgba(0,114,178,0.08)",
      hovertemplate: "%{text}<br>MDS %{x:.3f}<extra></extra>",
      showlegend: false,
    };
  });
  const top = L.questions.slice(0, 3);
  return {
    data,
    layout: {
      title: {
        text: withNote(
          opts.title ?? `Question-level Modal Diversity Score by category (${strataNote(L)})`,
          `box: quartiles · solid line: median · dashed: mean · most divisive: ${top.map((q) => `${q.question} (${q.mds.toFixed(2)})`).join(", ")}`,
        ),
        x: 0.01,
        xanchor: "left",
      },
      font: FONT,
      xaxis: {
        title: { text: "Modal Diversity Score per question (mean over strata; 0–1)" },
        range: [-0.02, Math.max(0.3, ...L.questions.map((q) => q.mds)) * 1.08],
        gridcolor: "#eee",
        zeroline: false,
      },
      yaxis: { automargin: true },
      margin: { l: 10, r: 20, t: 80, b: 70 },
      plot_bgcolor: "white",
      width: 1000,
      height: 600,
    },
  };
}

/** Wrap a long option label onto lines of ~`width` characters (plotly uses <br>); one helper for every figure. */
export { wrapLabel };

/**
 * Heatmap for one question: a row per subgroup (grouped by stratum, readable names), a column per
 * answer option in scale order, colour = % of the subgroup's answers; the modal answer is outlined.
 */
export function answerHeatmapFigure(s: AnswerShares, opts: { title?: string } = {}): FigureSpec {
  // Top-to-bottom in benchmark order: plotly's y axis runs upwards, so reverse the rows.
  const idx = s.subgroups.map((_, i) => i).reverse();
  const strataOf = (id: string) => id.slice(0, id.indexOf(":"));
  const multi = new Set(s.subgroups.map(strataOf)).size > 1;
  const rowLabel = (id: string) => (multi ? `${stratumLabel(strataOf(id))}: ${subgroupLabel(id)}` : subgroupLabel(id));
  const y = idx.map((i) => rowLabel(s.subgroups[i]));
  // Unlabelled middle points of a 10-point scale are labelled by their code: "2", not "2. 2".
  const x = s.options.map((o, k) => (o.trim() === String(s.codes[k]) ? o.trim() : `${s.codes[k]}. ${wrapLabel(o, 11)}`));
  const z = idx.map((i) => s.shares[i].map((v) => Math.round(v * 10) / 10));
  const modeX = idx.map((i) => x[s.codes.indexOf(s.modes[i])] ?? null);
  const rows = s.subgroups.length;
  const height = Math.max(360, Math.min(2400, 150 + rows * 19));
  return {
    data: [
      {
        type: "heatmap",
        x,
        y,
        z,
        zmin: 0,
        zmax: 100,
        // White → dark blue, so 0% is blank paper and the modal cells stand out.
        colorscale: SHARE_SCALE,
        colorbar: { title: { text: "Share of<br>subgroup (%)", side: "top" }, ticksuffix: "%", len: Math.min(1, 500 / height), y: 1, yanchor: "top" },
        texttemplate: "%{z:.0f}",
        textfont: { size: 10 },
        customdata: idx.map((i) => s.options.map(() => s.n[i])),
        hovertemplate: "%{y}<br>%{x}: %{z:.1f}% of %{customdata} answers<extra></extra>",
        xgap: 1,
        ygap: 1,
      },
      {
        type: "scatter",
        mode: "markers",
        name: "Modal answer (benchmark label)",
        x: modeX,
        y,
        marker: { symbol: "square-open", size: 17, color: "#D55E00", line: { width: 2 } },
        hoverinfo: "skip",
      },
    ],
    layout: {
      title: { text: opts.title ?? `${s.question.id} · ${s.question.label}: answers per subgroup`, x: 0.01, xanchor: "left" },
      font: FONT,
      // Categories, always: labels of unlabelled scale points ("3. ") would make plotly guess a numeric axis.
      xaxis: { type: "category", title: { text: "Answer option (scale order)" }, side: "bottom", tickangle: 0 },
      yaxis: { type: "category", automargin: true, tickfont: { size: 11 } },
      showlegend: true,
      legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom", xanchor: "left" },
      margin: { l: 10, r: 10, t: 80, b: 110 },
      plot_bgcolor: "white",
      width: Math.max(720, 420 + s.options.length * 95),
      height,
    },
  };
}
