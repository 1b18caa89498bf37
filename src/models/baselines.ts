/**
 * Baselines as providers, so they sit beside the LLMs in every table and plot. Built from a
 * Benchmark; none of them ever reads an OOD subgroup's own counts: population-mode uses the
 * whole-sample distribution (the national knowledge the paper says models align to), the others
 * only train-split single-attribute subgroups (only train pairs' counts are indexed; see
 * test/models-baselines.test.ts, which traps any read of an OOD pair's counts).
 *
 *  baseline:population-mode        mode of the whole sample's answers to the question
 *  baseline:attribute-mode:ATTR    mode of the train subgroup "ATTR:<the subgroup's ATTR value>"
 *  baseline:attribute-product      product of experts over the population prior:
 *                                  p(a | g1..gk) ∝ Π p(a | gi) / p(a)^(k-1), gi = the subgroup's
 *                                  single-attribute train subgroups; counts smoothed by +0.5 per code
 *  baseline:uniform                uniform distribution; code = middle option of the ordinal scale
 *                                  (the lower middle for an even number of options)
 * A baseline that cannot use its source (subgroup lacks ATTR, no train pair for the question)
 * falls back to the population distribution and says so in meta.fallback.
 */
import { type Benchmark, pairKey, type Subgroup } from "../benchmark/types";
import { argmaxCode } from "./distribution";
import type { Answer, GenerateOptions, Prompt, Provider } from "./types";

/** A baseline gives whole Answers: its code comes from a distribution, never from text to parse. */
export type BaselineProvider = Omit<Provider, "answer"> & { answer(prompt: Prompt, options: GenerateOptions & { signal?: AbortSignal }): Promise<Answer> };

/** Pseudo-count added to every code before combining distributions (attribute-product only). */
export const PRODUCT_SMOOTHING = 0.5;

export const BASELINE_NAMES = ["population-mode", "attribute-mode", "attribute-product", "uniform"] as const;

type Counts = Record<string, number>;

interface BaselineData {
  tiePolicy: "lowest" | "highest";
  population: Record<string, Counts>;
  /** `${question}::${subgroupId}` → counts, train single-attribute subgroups only. */
  trainSingle: Map<string, Counts>;
  subgroups: Map<string, Subgroup>;
  /** Ordinal scale order per question, for the uniform baseline's middle option. */
  scales: Map<string, number[]>;
}

function indexBenchmark(b: Benchmark): BaselineData {
  const subgroups = new Map(b.subgroups.map((s) => [s.id, s]));
  const trainSingle = new Map<string, Counts>();
  for (const p of b.pairs) {
    // check split and stratum before touching counts: OOD pairs' counts are never read
    if (p.split !== "train") continue;
    const s = subgroups.get(p.subgroup);
    if (!s || s.split !== "train" || Object.keys(s.attributes).length !== 1) continue;
    trainSingle.set(pairKey(p.question, p.subgroup), p.counts);
  }
  return {
    tiePolicy: b.options?.tiePolicy ?? "lowest",
    population: b.population,
    trainSingle,
    subgroups,
    scales: new Map(b.questions.map((q) => [q.id, q.scale.map((o) => o.code)])),
  };
}

function proportions(counts: Counts | undefined, codes: number[], smoothing = 0): Record<string, number> | undefined {
  if (!counts) return undefined;
  let total = 0;
  for (const c of codes) total += (counts[String(c)] ?? 0) + smoothing;
  if (!(total > 0)) return undefined;
  const d: Record<string, number> = {};
  for (const c of codes) d[String(c)] = ((counts[String(c)] ?? 0) + smoothing) / total;
  return d;
}

function answerFrom(distribution: Record<string, number>, codes: number[], tie: "lowest" | "highest", meta: Record<string, unknown>, code?: number): Answer {
  return {
    text: "",
    code: code ?? argmaxCode(distribution, codes, tie),
    refused: false,
    distribution,
    validMass: 1,
    cost: 0,
    latencyMs: 0,
    meta,
  };
}

/** Single-attribute train subgroup id for one attribute of a subgroup, e.g. ("religion", "Muslim") → "religion:Muslim". */
function singleId(attr: string, value: string): string {
  return `${attr}:${value}`;
}

export function createBaselineProvider(spec: string, benchmark: Benchmark | undefined): BaselineProvider {
  const rest = spec.slice("baseline:".length);
  const [name, arg] = rest.split(":", 2) as [string, string | undefined];
  if (!(BASELINE_NAMES as readonly string[]).includes(name)) {
    throw new Error(
      `unknown baseline "${spec}": expected baseline:population-mode, baseline:attribute-mode:ATTR, baseline:attribute-product or baseline:uniform`,
    );
  }
  if (name !== "uniform" && !benchmark) throw new Error(`${spec} needs a benchmark: createProvider("${spec}", { benchmark })`);
  const data = benchmark ? indexBenchmark(benchmark) : undefined;
  if (name === "attribute-mode") {
    const attrs = new Set(benchmark!.subgroups.filter((s) => s.split === "train" && Object.keys(s.attributes).length === 1).map((s) => s.stratum));
    if (!arg || !attrs.has(arg)) {
      throw new Error(`${spec}: expected baseline:attribute-mode:ATTR with ATTR one of ${[...attrs].join(", ")} (train single-attribute strata)`);
    }
  }

  const population = (prompt: Prompt): Record<string, number> => {
    const d = proportions(data!.population[prompt.question], prompt.answerCodes);
    if (!d) throw new Error(`${spec}: the benchmark has no population counts for ${prompt.question}`);
    return d;
  };

  const answer = async (prompt: Prompt): Promise<Answer> => {
    const codes = prompt.answerCodes;
    const meta: Record<string, unknown> = { baseline: name };
    if (name === "uniform") {
      const d: Record<string, number> = {};
      for (const c of codes) d[String(c)] = 1 / codes.length;
      const scale = data?.scales.get(prompt.question)?.filter((c) => codes.includes(c));
      const order = scale && scale.length ? scale : [...codes].sort((a, b) => a - b);
      return answerFrom(d, codes, "lowest", { ...meta, rule: "middle of the ordinal scale" }, order[Math.floor((order.length - 1) / 2)]);
    }
    const tie = data!.tiePolicy;
    if (name === "population-mode") return answerFrom(population(prompt), codes, tie, { ...meta, source: "population" });

    const subgroup = data!.subgroups.get(prompt.subgroup);
    if (!subgroup) throw new Error(`${spec}: unknown subgroup "${prompt.subgroup}" (not in the benchmark)`);

    if (name === "attribute-mode") {
      const value = subgroup.attributes[arg!];
      if (value === undefined)
        return answerFrom(population(prompt), codes, tie, { ...meta, source: "population", fallback: `subgroup has no ${arg} attribute` });
      const id = singleId(arg!, value);
      const d = proportions(data!.trainSingle.get(pairKey(prompt.question, id)), codes);
      if (!d) return answerFrom(population(prompt), codes, tie, { ...meta, source: "population", fallback: `no train pair for ${id}` });
      return answerFrom(d, codes, tie, { ...meta, source: id });
    }

    // attribute-product
    const prior = proportions(data!.population[prompt.question], codes, PRODUCT_SMOOTHING);
    if (!prior) throw new Error(`${spec}: the benchmark has no population counts for ${prompt.question}`);
    const experts: string[] = [];
    const missing: string[] = [];
    const logp: Record<string, number> = {};
    for (const c of codes) logp[String(c)] = 0;
    for (const [attr, value] of Object.entries(subgroup.attributes)) {
      const id = singleId(attr, value);
      const d = proportions(data!.trainSingle.get(pairKey(prompt.question, id)), codes, PRODUCT_SMOOTHING);
      if (!d) {
        missing.push(id);
        continue;
      }
      experts.push(id);
      for (const c of codes) logp[String(c)] += Math.log(d[String(c)]);
    }
    if (!experts.length)
      return answerFrom(population(prompt), codes, tie, { ...meta, source: "population", fallback: `no train pair for ${missing.join(", ")}` });
    // divide by the prior once per expert beyond the first: Π p(a|gi) / p(a)^(k-1)
    const k = experts.length;
    let max = -Infinity;
    for (const c of codes) {
      logp[String(c)] -= (k - 1) * Math.log(prior[String(c)]);
      max = Math.max(max, logp[String(c)]);
    }
    let z = 0;
    const d: Record<string, number> = {};
    for (const c of codes) {
      d[String(c)] = Math.exp(logp[String(c)] - max);
      z += d[String(c)];
    }
    for (const c of codes) d[String(c)] /= z;
    return answerFrom(d, codes, tie, { ...meta, source: experts, ...(missing.length ? { missing } : {}) });
  };

  return {
    id: spec,
    capabilities: { distribution: true, seed: false, batch: false },
    answer,
  };
}
