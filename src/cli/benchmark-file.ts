/**
 * The --benchmark FILE option shared by the commands that use a benchmark (run, evaluate, report,
 * figures, prompt, subgroups, finetune, import), and how a command picks its benchmark: the file
 * given, else the microdata given (--wvs), else the benchmark its runs recorded, else tan2026's
 * shipped aggregates. A run records its benchmark in run.json (benchmark.preset, .sha256 and
 * .provenance.aggregates, the file's path), so scoring a run made on a country's benchmark needs no
 * option and a benchmark that differs from the run's is refused.
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { TAN2026 } from "../benchmark/presets";
import { benchmarkSha256 } from "../benchmark/fingerprint";
import { type LoadBenchmarkOptions, loadBenchmark } from "../benchmark/load";
import type { Benchmark } from "../benchmark/types";
import type { RunManifest } from "../runner/results";
import { CliError } from "./output";
import { noteBenchmarkUnknownCodes } from "./wvs-options";

export const BENCHMARK_FLAG = "--benchmark";

export interface BenchmarkFileOptions {
  benchmark?: string;
  wvs?: string;
  unknownCodesAsMissing?: boolean;
}

/** The option's flags and help, for commands that chain their options. */
export const BENCHMARK_OPTION: [string, string] = [
  `${BENCHMARK_FLAG} <file>`,
  "benchmark aggregates file written by `svlab dataset --out DIR` (e.g. another country's; default: the one the runs recorded, else tan2026's shipped aggregates)",
];

/** Add --benchmark FILE to a command. */
export function benchmarkFileOption(cmd: Command): Command {
  return cmd.option(...BENCHMARK_OPTION);
}

/** A benchmark and a sentence saying where it came from (commands print it). */
export interface ChosenBenchmark {
  bench: Benchmark;
  from: string;
  /** Whether the user or the runs named this benchmark (so a run made on another one is refused, not warned about). */
  pinned: boolean;
}

/** The aggregates file a run recorded, when it is not a shipped preset's (those load by name). */
export function recordedBenchmarkFile(m: Pick<RunManifest, "benchmark">): string | undefined {
  const b = m.benchmark;
  const file = b?.provenance?.aggregates;
  if (typeof file !== "string" || b.provenance?.source !== "shipped aggregates") return undefined;
  if (b.preset === TAN2026.name) return undefined; // the shipped preset: the default loads it (wherever the checkout was)
  return file;
}

async function load(opts: LoadBenchmarkOptions, flag: string): Promise<Benchmark> {
  try {
    return await loadBenchmark(opts);
  } catch (e) {
    throw new CliError(`${flag}: ${(e as Error).message}`);
  }
}

/**
 * The benchmark a command uses. `runs` are the runs it will score: when neither --benchmark nor
 * --wvs is given and they recorded a benchmark file, that file is used (one file for all of them).
 */
export async function chooseBenchmark(o: BenchmarkFileOptions, runs: Pick<RunManifest, "runId" | "benchmark">[] = []): Promise<ChosenBenchmark> {
  if (o.benchmark && o.wvs)
    throw new CliError(`${BENCHMARK_FLAG} and --wvs were both given: expected one or the other (a benchmark file, or the microdata to build one)`);
  if (o.benchmark) {
    const path = resolve(o.benchmark);
    if (!existsSync(path)) throw new CliError(`${BENCHMARK_FLAG} ${o.benchmark}: no such file (expected the JSON \`svlab dataset --out DIR\` writes)`);
    const bench = await load({ benchmark: path }, `${BENCHMARK_FLAG} ${o.benchmark}`);
    return { bench, from: `benchmark ${bench.options.preset} from ${path}`, pinned: true };
  }
  if (o.wvs) {
    const bench = await load({ wvs: resolve(o.wvs), ...(o.unknownCodesAsMissing ? { unknownCodesAsMissing: true } : {}) }, `--wvs ${o.wvs}`);
    noteBenchmarkUnknownCodes(bench);
    return { bench, from: `benchmark ${bench.options.preset} rebuilt from ${resolve(o.wvs)}`, pinned: false };
  }
  const files = new Map<string, string[]>();
  const shipped: string[] = [];
  for (const r of runs) {
    const f = recordedBenchmarkFile(r);
    if (f) files.set(f, [...(files.get(f) ?? []), r.runId]);
    else if (r.benchmark?.preset) shipped.push(`${r.runId} (${r.benchmark.preset})`);
  }
  if (files.size && shipped.length) {
    const [[file, ids]] = [...files];
    throw new CliError(
      `the runs were made on different benchmarks: ${ids[0]} on ${file}, ${shipped[0]} on the shipped one. Pass ${BENCHMARK_FLAG} FILE (or nothing for the shipped one), or keep one benchmark's runs in a results folder`,
    );
  }
  if (files.size > 1) {
    const list = [...files].map(([f, ids]) => `${f} (${ids.join(", ")})`).join("; ");
    throw new CliError(`the runs were made on different benchmarks: ${list}. Pass ${BENCHMARK_FLAG} FILE, or keep one benchmark's runs in a results folder`);
  }
  if (files.size === 1) {
    const [[file, ids]] = [...files];
    if (!existsSync(file)) {
      throw new CliError(`run ${ids[0]} was made on the benchmark in ${file}, which is not there any more: pass ${BENCHMARK_FLAG} with that file's copy`);
    }
    const bench = await load({ benchmark: file }, `the benchmark run ${ids[0]} recorded`);
    return { bench, from: `benchmark ${bench.options.preset} from ${file} (recorded by run ${ids.join(", ")})`, pinned: true };
  }
  const bench = await loadBenchmark();
  return { bench, from: `benchmark ${bench.options.preset} (shipped aggregates)`, pinned: false };
}

/**
 * A run scored against a benchmark it was not made on: a clear error when the benchmark was named
 * (--benchmark, or the run's own record) or has another preset; otherwise null (the caller's older
 * warning about changed labels applies).
 */
export function benchmarkRefusal(run: Pick<RunManifest, "runId" | "benchmark">, chosen: ChosenBenchmark): string | null {
  const recorded = run.benchmark;
  if (!recorded) return null;
  const preset = chosen.bench.options.preset;
  const sha = benchmarkSha256(chosen.bench);
  const where = recordedBenchmarkFile(run);
  const made = `run ${run.runId} was made on benchmark ${recorded.preset}${where ? ` (${where})` : ""}${recorded.sha256 ? `, sha256 ${recorded.sha256.slice(0, 12)}…` : ""}`;
  if (recorded.preset !== preset) return `${made}, not on ${chosen.from}: pass ${BENCHMARK_FLAG} with the run's benchmark file`;
  if (chosen.pinned && recorded.sha256 !== undefined && recorded.sha256 !== sha) {
    return `${made}, but ${chosen.from} has sha256 ${sha.slice(0, 12)}… (other labels or pairs): pass the file the run was made on`;
  }
  return null;
}
