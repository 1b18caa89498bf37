/** Readable names for figures and tables: attribute values, subgroups, models, metrics. */

export const ATTRIBUTE_LABELS: Record<string, string> = {
  sex: "Sex",
  age_group: "Age group",
  ethnicity: "Ethnicity",
  religion: "Religion",
};

/** The four attributes of the tan2026 subgroups, in the paper's order. */
export const RESULT_ATTRIBUTES = ["sex", "age_group", "ethnicity", "religion"] as const;

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

/** "age_x_religion" → "Age × Religion". */
export function stratumLabel(s: string): string {
  return s
    .split("_x_")
    .map((a) => ATTRIBUTE_LABELS[a === "age" ? "age_group" : a] ?? a)
    .join(" × ");
}

const BASELINE_LABELS: Record<string, string> = {
  "baseline:population-mode": "Baseline: national mode",
  "baseline:attribute-product": "Baseline: attribute product",
  "baseline:uniform": "Baseline: uniform",
  "baseline:random": "Baseline: random",
};

/** "openai:gpt-4.1" → "gpt-4.1"; "llama:/x/stories260K.gguf" → "stories260K"; baselines spelled out. */
export function modelLabel(spec: string): string {
  if (BASELINE_LABELS[spec]) return BASELINE_LABELS[spec];
  // Already a display label (not "kind:rest" with a lowercase kind): keep it.
  if (!/^[a-z][a-z-]*:\S/.test(spec)) return spec;
  if (spec.startsWith("baseline:")) return `Baseline: ${spec.slice(9).replace(/-/g, " ")}`;
  const colon = spec.indexOf(":");
  let name = colon > 0 ? spec.slice(colon + 1) : spec;
  if (name.includes("#")) name = name.slice(name.lastIndexOf("#") + 1);
  else if (name.includes("/")) name = name.slice(name.lastIndexOf("/") + 1).replace(/\.gguf$/i, "");
  return name;
}

export function isBaseline(spec: string): boolean {
  return spec.startsWith("baseline:");
}

export const METRIC_AXIS: Record<string, string> = {
  accuracy: "Accuracy (share of pairs, 0–1; higher is better)",
  nmae: "NMAE (0–1; lower is better)",
};

/** A fixed palette so a model keeps its colour across figures (Okabe–Ito, colour-blind safe). */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
export const BASELINE_COLOURS = ["#7f7f7f", "#b0b0b0", "#4d4d4d", "#999999"];

/** Colour per series, models first from PALETTE, baselines in greys, stable for a given list. */
export function colourMap(specs: string[]): Map<string, string> {
  const m = new Map<string, string>();
  let i = 0, j = 0;
  for (const s of specs) {
    if (m.has(s)) continue;
    m.set(s, isBaseline(s) ? BASELINE_COLOURS[j++ % BASELINE_COLOURS.length] : PALETTE[i++ % PALETTE.length]);
  }
  return m;
}

/** A series' key in figures: its display label (unique per run), else the spec's label. */
export function seriesKey(s: { model: string; label?: string }): string {
  return s.label ?? modelLabel(s.model);
}

/**
 * Colour per series keyed by seriesKey (so two runs of one model get two colours); baselines
 * (by spec) in greys, the rest from PALETTE, in list order.
 */
export function seriesColours(series: readonly { model: string; label?: string }[]): Map<string, string> {
  const m = new Map<string, string>();
  let i = 0, j = 0;
  for (const s of series) {
    const k = seriesKey(s);
    if (m.has(k)) continue;
    m.set(k, isBaseline(s.model) ? BASELINE_COLOURS[j++ % BASELINE_COLOURS.length] : PALETTE[i++ % PALETTE.length]);
  }
  return m;
}

/** "95%" for 0.95, "90%" for 0.9, "99.5%" for 0.995. */
export function levelPercent(level: number): string {
  return `${Math.round(level * 1000) / 10}%`;
}

/** File-name-safe slug: "age_x_religion" → "age-x-religion". */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}
