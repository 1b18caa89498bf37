/**
 * Figures for `svlab paper` (and notebook 05), as plain plotly specs: main results base vs tuned,
 * the fairness paradox (disparity base → tuned, optionally beside the paper's published averages),
 * and MDS by category. Rendered to SVG by the CLI through the shared Chromium renderer; shown inline
 * in notebooks through show().
 */
import type { FigureSpec } from "../figures/spec";
import { PUBLISHED_REFERENCE } from "../analysis/published";
import type { Paper, PaperModel } from "./paper";

export interface PaperFigure {
  name: string;
  title: string;
  spec: FigureSpec;
}

const BASE = "#fdae6b";
const TUNED = "#d94801";
const BASELINES = ["#737373", "#bdbdbd"];

function bar(name: string, x: string[], y: Array<number | null>, color: string, pattern?: string): Record<string, unknown> {
  return {
    type: "bar",
    name,
    x,
    y: y.map((v) => (v === null || !Number.isFinite(v) ? null : v)),
    marker: { color, ...(pattern ? { pattern: { shape: pattern } } : {}) },
    hovertemplate: `%{x}: %{y:.3f}<extra>${name.replace(/</g, "&lt;")}</extra>`,
  };
}

/** Base and tuned of each pair, then unpaired models, then the baselines. */
function ordered(p: Paper): Array<{ label: string; m: PaperModel; color: string; pattern?: string }> {
  const out: Array<{ label: string; m: PaperModel; color: string; pattern?: string }> = [];
  const llms = p.models.filter((m) => m.kind === "llm");
  const used = new Set<PaperModel>();
  for (const pair of p.pairs) {
    const b = llms.find((m) => m.model === pair.base);
    const t = llms.find((m) => m.model === pair.tuned);
    if (b && !used.has(b)) {
      out.push({ label: `${b.label} (base)`, m: b, color: BASE });
      used.add(b);
    }
    if (t && !used.has(t)) {
      out.push({ label: `${t.label} (tuned)`, m: t, color: TUNED });
      used.add(t);
    }
  }
  const others = ["#6baed6", "#74c476", "#9e9ac8", "#fd8d3c", "#fdd0a2", "#c6dbef"];
  let k = 0;
  for (const m of llms) if (!used.has(m)) out.push({ label: m.label, m, color: others[k++ % others.length] });
  p.models.filter((m) => m.kind === "baseline").forEach((m, i) => out.push({ label: `${m.label} (baseline)`, m, color: BASELINES[i % 2], pattern: "/" }));
  return out;
}

export function paperFigures(p: Paper, o: { published?: boolean } = {}): PaperFigure[] {
  const split = p.split.toUpperCase();
  const rows = ordered(p);
  const figs: PaperFigure[] = [];

  {
    const x = ["Accuracy ↑", "NMAE ↓"];
    const title = `Main results on the ${split} split: accuracy and NMAE, base vs fine-tuned, beside the baselines`;
    figs.push({
      name: "paper-main",
      title,
      spec: {
        data: rows.map((r) => bar(r.label, x, [r.m.accuracy, r.m.nmae], r.color, r.pattern)),
        layout: { title: { text: title }, barmode: "group", yaxis: { title: { text: "score" }, range: [0, 1] }, legend: { orientation: "h", y: -0.2 } },
      },
    });
  }
  {
    const x = ["Acc NormRange", "Acc CV", "NMAE NormRange", "NMAE CV"];
    const disp = (m: PaperModel) => [m.disparity.accuracy.normalisedRange, m.disparity.accuracy.cv, m.disparity.nmae.normalisedRange, m.disparity.nmae.cv];
    const pub = PUBLISHED_REFERENCE.fairness;
    const data = [
      ...(o.published
        ? [
            bar("published base (avg of 7)", x, [pub.accuracyNormRange.base, pub.accuracyCv.base, pub.nmaeNormRange.base, pub.nmaeCv.base], "#9ecae1"),
            bar("published fine-tuned", x, [pub.accuracyNormRange.tuned, pub.accuracyCv.tuned, pub.nmaeNormRange.tuned, pub.nmaeCv.tuned], "#08519c"),
          ]
        : []),
      ...rows.map((r) => bar(r.label, x, disp(r.m), r.color, r.pattern)),
    ];
    const title = `Subgroup disparity on the ${split} split, base → fine-tuned${o.published ? " (with the paper's published averages)" : ""}`;
    figs.push({
      name: "paper-fairness",
      title,
      spec: {
        data,
        layout: {
          title: { text: title },
          barmode: "group",
          yaxis: { title: { text: "disparity (lower = fairer)" }, rangemode: "tozero" },
          legend: { orientation: "h", y: -0.2 },
        },
      },
    });
  }
  {
    const t = p.tables.find((x) => x.name === "mds");
    if (t) {
      const cats = t.csvRows.map((r) => String(r[0]));
      const title = "Modal Diversity Score by WVS category (how much subgroups' modal answers disagree)";
      figs.push({
        name: "paper-mds",
        title,
        spec: {
          data: [
            {
              type: "bar",
              orientation: "h",
              x: t.csvRows.map((r) => r[2]),
              y: cats,
              marker: { color: "#6a51a3" },
              hovertemplate: "%{y}: MDS %{x:.3f}<extra></extra>",
            },
          ],
          layout: {
            title: { text: title },
            xaxis: { title: { text: "mean MDS" }, rangemode: "tozero" },
            yaxis: { autorange: "reversed", automargin: true },
            showlegend: false,
          },
        },
      });
    }
  }
  return figs;
}
