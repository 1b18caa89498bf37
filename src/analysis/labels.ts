/**
 * Readable names for figures, tables, reports and notebooks — the one place they live:
 * baselines (one name each), attributes, subgroups, models and runs, metrics, colours, and the
 * text helpers that keep labels and titles inside a figure (wrapping with plotly's <br>).
 * Attribute names come from the benchmark's subgroups; nothing here lists a preset's attributes.
 */
import { isBaselineSpec, providerLabel } from "../models/registry";

import { metricInfo } from "../metrics/registry";

/** The national-mode baseline's spec (the reference every skill number is measured against). */
export const NATIONAL_MODE = "baseline:population-mode";

/**
 * One name per baseline. Every table, figure, report sentence and notebook says these words and no
 * others (import them rather than spelling them out).
 */
export const BASELINE_NAMES: Readonly<Record<string, string>> = {
  "baseline:population-mode": "national mode",
  "baseline:attribute-product": "attribute product",
  "baseline:uniform": "uniform",
};

/** Humanise an attribute key from the benchmark: "age_group" → "Age group". */
export function attributeLabel(attribute: string): string {
  const s = attribute.replace(/_/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The attribute as a word inside a sentence: "age_group" → "age group". */
export function attributeNoun(attribute: string): string {
  return attributeLabel(attribute).toLowerCase();
}

/** "baseline:population-mode" → "national mode"; "baseline:attribute-mode:religion" → "religion mode". */
export function baselineName(spec: string): string {
  if (BASELINE_NAMES[spec]) return BASELINE_NAMES[spec];
  const rest = spec.replace(/^baseline:/, "");
  const attrMode = /^attribute-mode:(.+)$/.exec(rest);
  if (attrMode) return `${attributeNoun(attrMode[1])} mode`;
  return rest.replace(/[-_]/g, " ");
}

const VALUE_LABELS: Record<string, string> = {
  "SG: Chinese": "Chinese",
  "SG: Malay": "Malay",
  "SG: South Asian Indian, Pakistan, etc.": "Indian",
  "Do not belong to a denomination": "No religion",
  "Roman Catholic": "Catholic",
  "65 and over": "65+",
};

/** "SG: South Asian Indian, Pakistan, etc." → "Indian", "16-24 years" → "16–24". */
export function valueLabel(v: string): string {
  if (VALUE_LABELS[v]) return VALUE_LABELS[v];
  const age = /^(\d+)-(\d+) years$/.exec(v);
  if (age) return `${age[1]}–${age[2]}`;
  return v;
}

/** "age_x_religion:65 and over|Muslim" → "65+ × Muslim". */
export function subgroupLabel(id: string): string {
  const i = id.indexOf(":");
  const values = i < 0 ? [id] : id.slice(i + 1).split("|");
  return values.map(valueLabel).join(" × ");
}

/** "age_x_religion" → "Age × Religion"; with the stratum's attributes, "Age group × Religion". */
export function stratumLabel(stratum: string, attributes?: readonly string[]): string {
  return (attributes?.length ? [...attributes] : stratum.split("_x_")).map(attributeLabel).join(" × ");
}

/** "openai:gpt-4.1" → "gpt-4.1"; "llama:/x/stories260K.gguf" → "stories260K"; baselines by their one name. */
export function modelLabel(spec: string): string {
  if (isBaseline(spec)) return baselineName(spec);
  // the provider registry's label ("gpt-4.1", "stories260K"); a string that is already a label is kept
  return providerLabel(spec);
}

export function isBaseline(spec: string): boolean {
  return isBaselineSpec(spec);
}

/** "20260101T000001Z_…" → "2026-01-01 00:00:01"; undefined when the id does not start with a run timestamp. */
export function runTime(runId: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(runId);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}` : undefined;
}

/**
 * Display labels for runs: the model's label alone, and the run's start time only when two runs of
 * one model must be told apart — to the minute when that suffices, else to the second, else the run id.
 */
export function runLabels(runs: readonly { model: string; id: string }[]): string[] {
  const base = runs.map((r) => modelLabel(r.model));
  return runs.map((r, i) => {
    const same = runs.filter((_, j) => base[j] === base[i]);
    if (same.length < 2) return base[i];
    const full = (x: { id: string }) => runTime(x.id);
    const minute = (x: { id: string }) => full(x)?.slice(0, 16);
    for (const f of [minute, full]) {
      const mine = f(r);
      if (mine && same.filter((x) => f(x) === mine).length === 1) return `${base[i]} (${mine})`;
    }
    return `${base[i]} (${r.id})`;
  });
}

/** A metric's display name, from the metric registry ("Accuracy", "NMAE", a registered metric's label). */
export function metricName(id: string): string {
  return metricInfo(id).label;
}

/** A metric's axis title: "Accuracy (higher is better)". */
export function metricAxis(id: string): string {
  const m = metricInfo(id);
  return `${m.label}${m.unit ? `, ${m.unit}` : ""} (${m.direction} is better)`;
}

/**
 * The fixed range of each metric (the registry's): every heatmap of one metric uses the same scale,
 * so one colour means one value in every figure.
 */
export function metricRange(id: string): [number, number] {
  return metricInfo(id).range;
}

/** A fixed palette so a model keeps its colour across figures (Okabe–Ito, colour-blind safe). */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

/** One grey per named baseline, the same in every figure; other baselines take the fallback grey. */
export const BASELINE_COLOURS: Readonly<Record<string, string>> = {
  "baseline:population-mode": "#4d4d4d",
  "baseline:attribute-product": "#a3a3a3",
  "baseline:uniform": "#7a7a7a",
};
const OTHER_BASELINE_COLOUR = "#c4c4c4";

/** A series' key in figures: its display label (unique per run), else the spec's label. */
export function seriesKey(s: { model: string; label?: string }): string {
  return s.label ?? modelLabel(s.model);
}

/**
 * Colour per series keyed by seriesKey: each baseline its own fixed grey (by spec), the LLM series
 * from PALETTE in list order. Build it once from every series of an analysis and pass it to each
 * figure, so a model has one colour across all figures.
 */
export function seriesColours(series: readonly { model: string; label?: string }[]): Map<string, string> {
  const m = new Map<string, string>();
  let i = 0;
  for (const s of series) {
    const k = seriesKey(s);
    if (m.has(k)) continue;
    m.set(k, isBaseline(s.model) ? (BASELINE_COLOURS[s.model] ?? OTHER_BASELINE_COLOUR) : PALETTE[i++ % PALETTE.length]);
  }
  return m;
}

/** Colour per spec (one series per model), as seriesColours. */
export function colourMap(specs: string[]): Map<string, string> {
  const bySpec = seriesColours(specs.map((model) => ({ model, label: model })));
  return bySpec;
}

/** "95%" for 0.95, "90%" for 0.9, "99.5%" for 0.995. */
export function levelPercent(level: number): string {
  return `${Math.round(level * 1000) / 10}%`;
}

/** File-name-safe slug: "age_x_religion" → "age-x-religion". */
export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Split a word longer than `width` after "-", "_", "/" or "." (never inside a plain word), pieces of at most `width` where possible. */
function breakWord(w: string, width: number): string[] {
  const out: string[] = [];
  let rest = w;
  while (rest.length > width) {
    const head = rest.slice(0, width);
    const cut = Math.max(head.lastIndexOf("-"), head.lastIndexOf("_"), head.lastIndexOf("/"), head.lastIndexOf("."));
    if (cut < 1) {
      // No separator within the line: take the word up to its next separator (or whole).
      const next = rest.slice(width).search(/[-_/.]/);
      const at = next < 0 ? rest.length : width + next + 1;
      out.push(rest.slice(0, at));
      rest = rest.slice(at);
      continue;
    }
    out.push(rest.slice(0, cut + 1));
    rest = rest.slice(cut + 1);
  }
  if (rest) out.push(rest);
  return out;
}

/**
 * Wrap a label onto lines of at most ~`width` characters (plotly breaks lines at <br>): at spaces,
 * and a word longer than a line (a model name like "qwen2.5-7b-instruct-…") after its hyphens.
 */
export function wrapLabel(s: string, width = 14): string {
  const words = s.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = "";
  for (const word of words) {
    const pieces = breakWord(word, width);
    pieces.forEach((w, k) => {
      // Pieces of one broken word always start a new line after the first.
      if (cur && (k > 0 || cur.length + 1 + w.length > width)) {
        lines.push(cur);
        cur = w;
      } else cur = cur ? `${cur} ${w}` : w;
    });
  }
  if (cur) lines.push(cur);
  return lines.join("<br>");
}

/** Characters of a title that fit on one line of a figure `width` px wide (title font ≈ 18 px). */
export function titleChars(width: number, fontSize = 18): number {
  return Math.max(20, Math.floor((width - 60) / (fontSize * 0.55)));
}

const TITLE_LINE = 24;

/** Wrap to at most `max` characters a line, in as few lines as that takes, of even length (no one-word last line). */
function balancedWrap(s: string, max: number): string[] {
  const lines = wrapLabel(s, max).split("<br>");
  if (lines.length < 2) return lines;
  for (let w = Math.ceil(s.length / lines.length); w < max; w++) {
    const even = wrapLabel(s, w).split("<br>");
    if (even.length === lines.length) return even;
  }
  return lines;
}
/** Titles are wrapped for this width at most (Jupyter's output area is ~978 px; VS Code's can be narrower). */
export const TITLE_SAFE_WIDTH = 860;

/**
 * A title that fits its figure: the title wrapped to the figure's width, an optional note in small
 * grey type under it (wrapped too), its bottom `pad` px above the plot area (room for panel titles),
 * and the top margin that holds every line — so it is never clipped. Use `layout.title = t.layout`
 * and `margin.t = t.marginTop`. (Plotly's title automargin is not used: it relayouts, and a static
 * export can catch the axes mid-relayout.)
 */
export function fittedTitle(
  title: string,
  width: number,
  note?: string,
  pad = 12,
): { text: string; lines: number; marginTop: number; layout: Record<string, unknown> } {
  // Wrapped for at most TITLE_SAFE_WIDTH px: a figure drawn narrower than its size (a notebook's
  // output area) still shows every title line whole.
  const w = Math.min(width, TITLE_SAFE_WIDTH);
  const head = balancedWrap(title, titleChars(w));
  const small = note ? balancedWrap(note, titleChars(w, 12)) : [];
  const text = [...head, ...small.map((l) => `<span style="font-size:12px;color:#666">${l}</span>`)].join("<br>");
  // Plotly anchors a multi-line title by its first line and sets every line at the title font's
  // line height (~1.3 × 18 px), the small ones too: the lines after the first go into the padding.
  const lines = head.length + small.length;
  const below = pad + (lines - 1) * TITLE_LINE;
  return {
    text,
    lines,
    marginTop: below + TITLE_LINE + 14,
    layout: { text, x: 0.5, xanchor: "center", yref: "paper", y: 1, yanchor: "bottom", pad: { b: below } },
  };
}
