/**
 * The benchmark as shipped aggregates (data/benchmark-<preset>.json): answer counts per
 * (question, subgroup) for subgroups of 30+ respondents, and whole-sample counts per question —
 * what the WVS terms allow us to publish. No respondent rows. Written deterministically so a rebuild
 * from the same WVS file is byte-identical.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { dataDir } from "../paths";
import { COUNTRY, WVS_CITATION } from "../wvs/codebook-build";
import { loadCodebook, type Codebook } from "../wvs/codebook";
import { countryPlace, type Country } from "../wvs/countries";
import { localiseQuestion } from "../wvs/localise";
import { orderPairs } from "./build";
import { modalAnswer } from "./modal";
import { PRESETS, type Preset, registerPreset, TAN2026, type Stratum } from "./presets";
import type { Benchmark, BenchmarkOptions, Pair, Subgroup } from "./types";

export const AGGREGATE_FORMAT = "svlab-benchmark-aggregates/1";

interface AggregateFile {
  format: string;
  citation: string;
  note: string;
  options: BenchmarkOptions;
  provenance: Record<string, unknown>;
  /** Whose respondents; absent in files whose preset names the country (tan2026's, shipped before this field). */
  country?: Country;
  /**
   * The preset as a value (with country, options and questions above, everything that defines the
   * benchmark), so the file alone rebuilds it: absent in tan2026's shipped file, whose preset is built in.
   */
  preset?: PresetRecord;
  questions: string[];
  subgroups: Subgroup[];
  /** question → counts over all valid codes. */
  population: Record<string, Record<string, number>>;
  /** question → subgroup id → counts (only pairs kept by the preset's thresholds). */
  counts: Record<string, Record<string, Record<string, number>>>;
}

/** The parts of a preset a file records beside its country, options and question list. */
export interface PresetRecord {
  name: string;
  description: string;
  attributes: string[];
  strata: Stratum[];
}

export function aggregatesPath(preset: string, dir = dataDir()): string {
  return join(dir, `benchmark-${preset}.json`);
}

/**
 * How to name an aggregates file a benchmark was read from: "shipped aggregates" only for the file this
 * repository ships (data/benchmark-<preset>.json); a user's own file (svlab dataset --out) by its path.
 */
export function aggregatesLabel(path: unknown, preset: string): string {
  const file = String(path);
  return resolve(file) === resolve(aggregatesPath(preset)) ? "shipped aggregates" : "aggregates file";
}

/** Presets whose shipped file predates the "country" field: their country is the preset's. */
const COUNTRY_IMPLIED = new Set([TAN2026.name]);

export function toAggregateFile(b: Benchmark): AggregateFile {
  if (b.options.weighted) throw new Error("shipped aggregates hold unweighted counts; build with weighted: false");
  const counts: AggregateFile["counts"] = {};
  for (const q of b.questions) counts[q.id] = {};
  for (const p of b.pairs) counts[p.question][p.subgroup] = p.counts;
  const country = b.country ?? COUNTRY;
  const implied = COUNTRY_IMPLIED.has(b.options.preset) && PRESETS[b.options.preset].country.code === country.code;
  return {
    format: AGGREGATE_FORMAT,
    citation: WVS_CITATION,
    note: `Aggregates computed by svlab from WVS-7 (${country.name}). Answer counts per (question, subgroup) for subgroups of ${b.options.minSubgroupSize}+ respondents; no respondent-level data.`,
    options: b.options,
    provenance: fileProvenance(b.provenance),
    ...(implied ? {} : { country, preset: presetRecord(b.options.preset) }),
    questions: b.questions.map((q) => q.id),
    // the country is the file's, said once
    subgroups: b.subgroups.map(({ country: _, ...s }) => s),
    population: b.population,
    counts,
  };
}

/** The provenance a file keeps: what reading a file adds (its source and path) is dropped, so a read file writes back the same bytes. */
function fileProvenance(p: Record<string, unknown>): Record<string, unknown> {
  if (p.source !== "shipped aggregates") return p;
  const { source: _s, aggregates: _a, ...rest } = p;
  return rest;
}

function presetRecord(name: string): PresetRecord {
  const p = PRESETS[name];
  if (!p) throw new Error(`benchmark preset "${name}" is not registered: cannot record it in the aggregates file`);
  return { name: p.name, description: p.description, attributes: [...p.attributes], strata: p.strata.map((s) => ({ ...s, attributes: [...s.attributes] })) };
}

/** Serialise: one line per subgroup / per question keeps diffs readable and the file compact. */
export function serialiseAggregates(b: Benchmark): string {
  const f = toAggregateFile(b);
  const lines: string[] = ["{"];
  const kv = (k: string, v: unknown, last = false): void => {
    lines.push(`${JSON.stringify(k)}: ${JSON.stringify(v)}${last ? "" : ","}`);
  };
  kv("format", f.format);
  kv("citation", f.citation);
  kv("note", f.note);
  kv("options", f.options);
  kv("provenance", f.provenance);
  if (f.country) kv("country", f.country);
  if (f.preset) kv("preset", f.preset);
  kv("questions", f.questions);
  lines.push(`"subgroups": [`);
  f.subgroups.forEach((s, i) => lines.push(`${JSON.stringify(s)}${i < f.subgroups.length - 1 ? "," : ""}`));
  lines.push("],");
  lines.push(`"population": {`);
  f.questions.forEach((q, i) => lines.push(`${JSON.stringify(q)}: ${JSON.stringify(f.population[q])}${i < f.questions.length - 1 ? "," : ""}`));
  lines.push("},");
  lines.push(`"counts": {`);
  f.questions.forEach((q, i) => lines.push(`${JSON.stringify(q)}: ${JSON.stringify(f.counts[q])}${i < f.questions.length - 1 ? "," : ""}`));
  lines.push("}");
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

export function writeAggregates(b: Benchmark, dir = dataDir()): string {
  const path = aggregatesPath(b.options.preset, dir);
  writeFileSync(path, serialiseAggregates(b));
  return path;
}

/** Rebuild a Benchmark from shipped aggregates. `tiePolicy` can differ from the one used to build. */
export function readAggregates(preset = "tan2026", opts: { dir?: string; tiePolicy?: BenchmarkOptions["tiePolicy"]; codebook?: Codebook } = {}): Benchmark {
  return readAggregatesFile(aggregatesPath(preset, opts.dir), opts);
}

/**
 * Rebuild a Benchmark from an aggregates file anywhere (e.g. `svlab dataset --out DIR`'s): a file
 * that records its preset registers it, so later stages find the preset by name.
 */
export function readAggregatesFile(file: string, opts: { tiePolicy?: BenchmarkOptions["tiePolicy"]; codebook?: Codebook } = {}): Benchmark {
  const path = resolve(file);
  let f: AggregateFile;
  try {
    f = JSON.parse(readFileSync(path, "utf8")) as AggregateFile;
  } catch (e) {
    throw new Error(`${path}: cannot read the benchmark aggregates (${(e as Error).message}); rebuild with \`svlab dataset --wvs FILE --out DIR\``);
  }
  if (f.format !== AGGREGATE_FORMAT) throw new Error(`${path}: format "${f.format}", expected "${AGGREGATE_FORMAT}"`);
  if (!f.options || typeof f.options.preset !== "string")
    throw new Error(`${path}: field "options" with a "preset" name is missing; expected an svlab aggregates file`);
  if (f.preset) adoptPreset(path, f);
  const codebook = opts.codebook ?? loadCodebook();
  const options: BenchmarkOptions = { ...f.options, tiePolicy: opts.tiePolicy ?? f.options.tiePolicy };
  const country = f.country ?? PRESETS[f.options.preset]?.country;
  if (!country) throw new Error(`${path}: no "country" field and preset "${f.options.preset}" is not a known preset; expected one of the two`);
  const subgroups: Subgroup[] = f.subgroups.map((s) => ({ ...s, country: countryPlace(country) }));
  const byId = new Map(subgroups.map((s) => [s.id, s]));
  const perSubgroup = new Map<string, Pair[]>(f.subgroups.map((s) => [s.id, []]));
  for (const q of f.questions) {
    for (const [sid, counts] of Object.entries(f.counts[q])) {
      const sg = byId.get(sid);
      if (!sg) throw new Error(`${path}: counts for unknown subgroup "${sid}" (question ${q})`);
      const n = Object.values(counts).reduce((a, b) => a + b, 0);
      const { mode, modes } = modalAnswer(counts, options.tiePolicy);
      perSubgroup.get(sid)!.push({ question: q, subgroup: sid, split: sg.split, counts, n, mode, modes });
    }
  }
  const pairs = orderPairs(subgroups, (s) => perSubgroup.get(s.id)!);
  return {
    options,
    questions: f.questions.map((q) => {
      const question = codebook.questions[q];
      if (!question) throw new Error(`${path}: question ${q} is not in data/codebook.json`);
      return localiseQuestion(question, country);
    }),
    subgroups,
    pairs,
    population: f.population,
    provenance: { ...f.provenance, source: "shipped aggregates", aggregates: path },
    country,
  };
}

/** Register the preset a file records (the same name twice must mean the same preset). */
function adoptPreset(path: string, f: AggregateFile): void {
  const r = f.preset!;
  const where = `${path}: field "preset"`;
  if (r.name !== f.options.preset) throw new Error(`${where}: name "${r.name}" differs from options.preset "${f.options.preset}"`);
  if (!Array.isArray(r.attributes) || !Array.isArray(r.strata) || !r.strata.length)
    throw new Error(`${where}: expected {name, description, attributes: [...], strata: [{key, attributes, split}, ...]}`);
  r.strata.forEach((s, i) => {
    if (typeof s.key !== "string" || !Array.isArray(s.attributes) || (s.split !== "train" && s.split !== "ood")) {
      throw new Error(`${where}.strata[${i}]: expected {key, attributes: [...], split: "train" | "ood"}, got ${JSON.stringify(s)}`);
    }
  });
  if (!f.country) throw new Error(`${path}: a file recording its preset must name its country (field "country")`);
  const known = PRESETS[r.name];
  if (known) {
    // the country is the file's either way (readAggregatesFile uses f.country); the strata must agree
    if (JSON.stringify(known.strata) !== JSON.stringify(r.strata))
      throw new Error(`${where}: preset "${r.name}" is already defined with other strata; rename one of them`);
    return;
  }
  registerPreset({
    name: r.name,
    description: r.description,
    country: f.country,
    attributes: r.attributes as Preset["attributes"],
    strata: r.strata,
    // the file's list is the preset's: its questions are the ones the country was asked
    questions: (cb) => f.questions.filter((q) => cb.questions[q]),
    defaults: { ...f.options },
  });
}
