import type { Country } from "../wvs/countries";
import type { Question } from "../wvs/types";

/** Which side of the compositional split a subgroup belongs to. */
export type Split = "train" | "ood";

/** A demographic subgroup: one or two attribute values, e.g. {age_group: "65 and over", religion: "Muslim"}. */
export interface Subgroup {
  /** Stable readable id: `${stratum}:${values.join("|")}`, e.g. "age_x_religion:65 and over|Muslim". */
  id: string;
  /** Stratum key, e.g. "sex", "sex_x_age", "age_x_religion". */
  stratum: string;
  /** Attribute name → value label, in the stratum's attribute order. */
  attributes: Record<string, string>;
  /** Respondents in the subgroup (unweighted). */
  size: number;
  split: Split;
  /**
   * The country the subgroup lives in, as prose names it ("Singapore", "the United States"; from
   * the preset): persona prompts say "living in <country>". Not stored in the aggregates (the file names its country once).
   */
  country?: string;
}

/** One benchmark item: what a subgroup answered to one question. */
export interface Pair {
  question: string;
  subgroup: string;
  split: Split;
  /** Answer code → number of respondents (unweighted) or summed weight (weighted), valid answers only. */
  counts: Record<string, number>;
  /** Valid (non-negative) answers, unweighted. */
  n: number;
  /** The label: the modal code under the benchmark's tie policy. */
  mode: number;
  /** Every code tied for the mode (length > 1 marks a tie). */
  modes: number[];
}

/** Options that define how a benchmark is built from respondents. */
export interface BenchmarkOptions {
  preset: string;
  /** Minimum respondents for a subgroup to be kept. */
  minSubgroupSize: number;
  /** Minimum valid answers for a (question, subgroup) pair to be kept. */
  minValidAnswers: number;
  /** Use W_WEIGHT for the counts and the mode. */
  weighted: boolean;
  /** How ties for the mode are broken. */
  tiePolicy: "lowest" | "highest";
}

/** A built benchmark: everything later stages need, with no respondent-level rows. */
export interface Benchmark {
  options: BenchmarkOptions;
  questions: Question[];
  subgroups: Subgroup[];
  pairs: Pair[];
  /** Whole-sample valid answer counts per question (the national distribution). */
  population: Record<string, Record<string, number>>;
  /** Where the numbers came from (file, sha256, rows) — never the rows themselves. */
  provenance: Record<string, unknown>;
  /**
   * Whose respondents these are ({code, alpha3, name, nationality}); reports and figures name the
   * country from here. Every builder sets it; a hand-made benchmark without it reads as the codebook's.
   */
  country?: Country;
}

/** `${question}::${subgroup}` — the key that joins pairs, prompts, answers and predictions. */
export function pairKey(question: string, subgroup: string): string {
  return `${question}::${subgroup}`;
}
