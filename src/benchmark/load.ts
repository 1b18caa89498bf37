/**
 * One call for every later stage: the benchmark, from the real WVS file when asked for (or when
 * `wvs: true` and one is found), otherwise from the shipped aggregates — same pairs, same labels.
 */
import { findWvsFile } from "../paths";
import { loadRespondents } from "../wvs/respondents";
import { existsSync } from "node:fs";
import { aggregatesLabel, aggregatesPath, readAggregates, readAggregatesFile } from "./aggregates";
import { getPreset } from "./presets";
import { buildBenchmark } from "./build";
import type { Benchmark, BenchmarkOptions } from "./types";

export interface LoadBenchmarkOptions extends Partial<BenchmarkOptions> {
  /** Path to a WVS-7 file; `true` = find one (WVS_CSV or ../shared/wvs-real); absent = shipped aggregates. */
  wvs?: string | true;
  /**
   * An aggregates file (`svlab dataset --out DIR` writes DIR/benchmark-<preset>.json): the benchmark
   * it records, preset included, with no microdata. Not with `wvs` or `preset`.
   */
  benchmark?: string;
  /**
   * Let answer codes the codebook does not know through as missing (counted in
   * provenance.unknownCodesAsMissing) instead of refusing the file. Only with microdata.
   */
  unknownCodesAsMissing?: boolean;
}

const memo = new Map<string, Promise<Benchmark>>();

export function loadBenchmark(opts: LoadBenchmarkOptions = {}): Promise<Benchmark> {
  const key = JSON.stringify(opts);
  let p = memo.get(key);
  if (!p) {
    p = load(opts);
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p;
}

async function load(opts: LoadBenchmarkOptions): Promise<Benchmark> {
  const { wvs, unknownCodesAsMissing, benchmark, ...options } = opts;
  if (benchmark !== undefined) {
    if (wvs !== undefined) throw new Error("a benchmark file and a WVS file were both given: expected one or the other");
    if (options.preset !== undefined) throw new Error(`a benchmark file and a preset ("${options.preset}") were both given: the file names its preset`);
    const needs = ["weighted", "minSubgroupSize", "minValidAnswers"].filter((k) => options[k as keyof typeof options] !== undefined);
    if (needs.length) throw new Error(`${needs.join(", ")}: a benchmark file has fixed counts; these options need the microdata (--wvs)`);
    return readAggregatesFile(benchmark, { tiePolicy: options.tiePolicy });
  }
  const preset = options.preset ?? "tan2026";
  const needsMicrodata = options.weighted || options.minSubgroupSize !== undefined || options.minValidAnswers !== undefined;
  if (wvs === undefined && !needsMicrodata) {
    if (!existsSync(aggregatesPath(preset))) {
      getPreset(preset); // an unknown preset: says so and lists the known ones
      throw new Error(`preset "${preset}" has no shipped aggregates (${aggregatesPath(preset)}); build it from the microdata with --wvs FILE`);
    }
    return readAggregates(preset, { tiePolicy: options.tiePolicy });
  }
  const file = wvs === true || wvs === undefined ? findWvsFile() : wvs;
  if (!file) {
    throw new Error(
      "these benchmark options need the WVS-7 microdata (weights or thresholds differ from the shipped aggregates); set WVS_CSV or pass the file",
    );
  }
  const country = getPreset(preset).country.code;
  const resp = await loadRespondents(file, { country, ...(unknownCodesAsMissing ? { unknownCodes: "missing" } : {}) });
  const b = buildBenchmark(resp, { ...options, preset });
  if (resp.unknownCodes.total > 0) b.provenance.unknownCodesAsMissing = resp.unknownCodes;
  return b;
}

/** Which data a notebook is running on, in one sentence. */
export function describeSource(b: Benchmark): string {
  const p = b.provenance as Record<string, unknown>;
  return p.source === "shipped aggregates"
    ? `${aggregatesLabel(p.aggregates, b.options.preset)} (${p.aggregates}); no microdata needed`
    : `WVS-7 microdata ${p.file} (${p.format}, ${p.respondents} respondents)`;
}

/** A subgroup by id, with a clear error naming near matches. */
export function getSubgroup(b: Benchmark, id: string): Benchmark["subgroups"][number] {
  const s = b.subgroups.find((x) => x.id === id);
  if (s) return s;
  const stratum = id.split(":")[0];
  const near = b.subgroups.filter((x) => x.stratum === stratum).map((x) => x.id);
  throw new Error(
    `unknown or empty subgroup "${id}" in benchmark ${b.options.preset}: ` +
      (near.length
        ? `stratum ${stratum} has ${near.slice(0, 4).join(", ")}${near.length > 4 ? ", …" : ""}`
        : `expected "<stratum>:<value>[|<value>]", e.g. "${b.subgroups[0]?.id}"`) +
      " (subgroups with fewer than 30 respondents are not in the benchmark)",
  );
}

/**
 * The respondents behind a benchmark: the rows of its country (not the default country) from a
 * WVS-7 file, e.g. for microdata checks of a benchmark built with --country.
 */
export function loadRespondentsOf(b: Benchmark, file?: string, opts: { unknownCodesAsMissing?: boolean } = {}): ReturnType<typeof loadRespondents> {
  return loadRespondents(file, { ...(b.country ? { country: b.country.code } : {}), ...(opts.unknownCodesAsMissing ? { unknownCodes: "missing" } : {}) });
}
