/** The benchmark's headline numbers (what `svlab dataset --json` prints). */
import { COUNTRY } from "../wvs/codebook-build";
import type { Country } from "../wvs/countries";
import type { Benchmark } from "./types";

export interface BenchmarkSummary {
  preset: string;
  /** Whose respondents: {code, alpha3, name, nationality}. */
  country: Country;
  source: string;
  questions: number;
  subgroups: { train: number; ood: number };
  pairs: { train: number; ood: number };
  /** Pairs whose mode is tied between codes (label chosen by the tie policy). */
  ties: number;
  strata: Record<string, { split: string; subgroups: number; pairs: number }>;
  options: Benchmark["options"];
}

export function summarizeBenchmark(b: Benchmark): BenchmarkSummary {
  const count = <T extends { split: string }>(xs: T[], s: string): number => xs.filter((x) => x.split === s).length;
  const strata: BenchmarkSummary["strata"] = {};
  const stratumOf = new Map(b.subgroups.map((s) => [s.id, s.stratum]));
  for (const s of b.subgroups) {
    strata[s.stratum] ??= { split: s.split, subgroups: 0, pairs: 0 };
    strata[s.stratum].subgroups++;
  }
  for (const p of b.pairs) strata[stratumOf.get(p.subgroup)!].pairs++;
  const prov = b.provenance as Record<string, unknown>;
  return {
    preset: b.options.preset,
    country: b.country ?? COUNTRY,
    source: prov.source === "shipped aggregates" ? "aggregates" : String(prov.file),
    questions: b.questions.length,
    subgroups: { train: count(b.subgroups, "train"), ood: count(b.subgroups, "ood") },
    pairs: { train: count(b.pairs, "train"), ood: count(b.pairs, "ood") },
    ties: b.pairs.filter((p) => p.modes.length > 1).length,
    strata,
    options: b.options,
  };
}
