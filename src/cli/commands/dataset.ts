import { type Command, Option } from "commander";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { findWvsFile } from "../../paths";
import { writeAggregates } from "../../benchmark/aggregates";
import { loadBenchmark } from "../../benchmark/load";
import { choosePreset, type Preset } from "../../benchmark/presets";
import { summarizeBenchmark } from "../../benchmark/summary";
import type { Benchmark } from "../../benchmark/types";
import { CliError, emit } from "../output";
import { wroteLines } from "../wrote";
import { noteBenchmarkUnknownCodes, unknownCodesOption } from "../wvs-options";

/** Options naming which benchmark: --wvs, --preset, or --country/--attributes (shared with `svlab subgroups`). */
export interface BenchmarkSourceOptions {
  wvs?: string;
  preset?: string;
  country?: string;
  attributes?: string;
  weighted?: boolean;
  /** The tie policy (the cli branch spells the option --ties; --tie is the older spelling). */
  ties?: string;
  tie?: string;
  unknownCodesAsMissing?: boolean;
}

export function benchmarkSourceOptions(cmd: Command): Command {
  cmd
    .option("--wvs <file>", "WVS-7 CSV file (cross-national, single-country or Excel-export format)")
    .option("--preset <name>", "benchmark preset (default: tan2026)")
    .option("--country <code>", "build for this WVS-7 country: numeric code or ISO alpha-3 (702, SGP, 840, USA); needs the microdata")
    .option("--attributes <list>", "persona attributes, comma-separated, first one decides the split (sex,age,religion[,ethnicity,education,…]); needs the microdata");
  return unknownCodesOption(cmd);
}

/** The benchmark those options name: shipped aggregates for a preset without --wvs, else built from the microdata. */
export async function benchmarkFromOptions(opts: BenchmarkSourceOptions): Promise<Benchmark> {
  const ties = opts.ties ?? opts.tie;
  const tiesFlag = opts.ties !== undefined ? "--ties" : "--tie";
  if (ties && ties !== "lowest" && ties !== "highest") throw new CliError(`${tiesFlag}: expected lowest or highest, got "${ties}"`);
  let preset: Preset;
  try {
    preset = choosePreset({
      preset: opts.preset,
      country: opts.country,
      attributes: opts.attributes === undefined ? undefined : opts.attributes.split(",").map((a) => a.trim()).filter(Boolean),
    });
  } catch (e) {
    const fromCountry = opts.country !== undefined || opts.attributes !== undefined;
    throw new CliError(fromCountry ? `--country/--attributes: ${(e as Error).message}` : (e as Error).message);
  }
  // a country/attribute benchmark has no shipped aggregates: it is always built from the microdata (WVS_CSV when no --wvs)
  const fromCountry = opts.country !== undefined || opts.attributes !== undefined;
  if (fromCountry && !opts.wvs && !findWvsFile()) {
    throw new CliError("--country/--attributes build the benchmark from the WVS-7 microdata: pass --wvs FILE (the cross-national CSV) or set WVS_CSV");
  }
  const b = await loadBenchmark({
    wvs: opts.wvs ? resolve(opts.wvs) : fromCountry ? true : undefined,
    preset: preset.name,
    weighted: opts.weighted || undefined,
    tiePolicy: ties as "lowest" | "highest" | undefined,
    ...(opts.unknownCodesAsMissing ? { unknownCodesAsMissing: true } : {}),
  });
  noteBenchmarkUnknownCodes(b);
  return b;
}

export function register(program: Command): void {
  const cmd = program
    .command("dataset")
    .description("build the subgroup benchmark (from --wvs FILE, else the shipped aggregates) and print its size")
    .option("--weighted", "label with W_WEIGHT-weighted modes (needs --wvs)")
    .option("--ties <policy>", "which of tied modal codes becomes the label: lowest | highest (default: the preset's, lowest for tan2026)")
    .addOption(new Option("--tie <policy>").hideHelp()) // the spelling before --ties, still accepted
    .option("--out <dir>", "write the aggregates (answer counts per question and subgroup) to DIR")
    .option("--json", "print JSON");
  benchmarkSourceOptions(cmd).action(async (opts: BenchmarkSourceOptions & { out?: string; json?: boolean }) => {
    if (opts.out && !opts.wvs) throw new CliError("--out needs --wvs: aggregates are built from the WVS file");
    const b = await benchmarkFromOptions(opts);
    const summary: Record<string, unknown> = { ...summarizeBenchmark(b) };
    if (opts.out) {
      mkdirSync(resolve(opts.out), { recursive: true });
      summary.wrote = writeAggregates(b, resolve(opts.out));
    }
    emit(summary, opts.json, (s) =>
      [
        `preset ${s.preset}, ${s.country.name} (${s.country.code}/${s.country.alpha3}; ${s.source}): ${s.questions} questions`,
        `train: ${s.subgroups.train} subgroups, ${s.pairs.train} pairs`,
        `ood:   ${s.subgroups.ood} subgroups, ${s.pairs.ood} pairs`,
        `tied modes: ${s.ties} pairs (policy: ${s.options.tiePolicy})`,
        ...(s.wrote ? wroteLines([{ label: "benchmark aggregates", path: s.wrote }]) : []),
      ].join("\n"),
    );
  });
}
