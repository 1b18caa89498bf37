/**
 * The benchmark as shipped aggregates (data/benchmark-<preset>.json): answer counts per
 * (question, subgroup) for subgroups of 30+ respondents, and whole-sample counts per question —
 * what the WVS terms allow us to publish. No respondent rows. Written deterministically so a rebuild
 * from the same WVS file is byte-identical.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "../paths";
import { COUNTRY, WVS_CITATION } from "../wvs/codebook-build";
import { loadCodebook, type Codebook } from "../wvs/codebook";
import { countryPlace, type Country } from "../wvs/countries";
import { localiseQuestion } from "../wvs/localise";
import { orderPairs } from "./build";
import { modalAnswer } from "./modal";
import { PRESETS, TAN2026 } from "./presets";
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
  questions: string[];
  subgroups: Subgroup[];
  /** question → counts over all valid codes. */
  population: Record<string, Record<string, number>>;
  /** question → subgroup id → counts (only pairs kept by the preset's thresholds). */
  counts: Record<string, Record<string, Record<string, number>>>;
}

export function aggregatesPath(preset: string, dir = dataDir()): string {
  return join(dir, `benchmark-${preset}.json`);
}

/** Presets whose shipped file predates the "country" field: their country is the preset's. */
const COUNTRY_IMPLIED = new Set([TAN2026.name]);

export function toAggregateFile(b: Benchmark): AggregateFile {
  if (b.options.weighted) throw new Error("shipped aggregates hold unweighted counts; build with weighted: false");
  const counts: AggregateFile["counts"] = {};
  for (const q of b.questions) counts[q.id] = {};
  for (const p of b.pairs) counts[p.question][p.subgroup] = p.counts;
  const country = b.country ?? COUNTRY;
  return {
    format: AGGREGATE_FORMAT,
    citation: WVS_CITATION,
    note: `Aggregates computed by svlab from WVS-7 (${country.name}). Answer counts per (question, subgroup) for subgroups of ${b.options.minSubgroupSize}+ respondents; no respondent-level data.`,
    options: b.options,
    provenance: b.provenance,
    ...(COUNTRY_IMPLIED.has(b.options.preset) && PRESETS[b.options.preset].country.code === country.code ? {} : { country }),
    questions: b.questions.map((q) => q.id),
    // the country is the file's, said once
    subgroups: b.subgroups.map(({ country: _, ...s }) => s),
    population: b.population,
    counts,
  };
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
export function readAggregates(
  preset = "tan2026",
  opts: { dir?: string; tiePolicy?: BenchmarkOptions["tiePolicy"]; codebook?: Codebook } = {},
): Benchmark {
  const path = aggregatesPath(preset, opts.dir);
  let f: AggregateFile;
  try {
    f = JSON.parse(readFileSync(path, "utf8")) as AggregateFile;
  } catch (e) {
    throw new Error(`${path}: cannot read the shipped benchmark aggregates (${(e as Error).message}); rebuild with \`svlab dataset --wvs FILE --out data\``);
  }
  if (f.format !== AGGREGATE_FORMAT) throw new Error(`${path}: format "${f.format}", expected "${AGGREGATE_FORMAT}"`);
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
