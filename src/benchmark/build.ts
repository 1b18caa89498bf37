/**
 * Builds a subgroup benchmark from the respondents table: subgroups per stratum (kept with at least
 * `minSubgroupSize` respondents), and per (question, subgroup) the answer counts and the modal label
 * (kept with at least `minValidAnswers` valid, i.e. non-negative, answers).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { ATTRIBUTES } from "../wvs/attributes";
import { loadCodebook, type Codebook } from "../wvs/codebook";
import { countryLabel, countryPlace } from "../wvs/countries";
import { localiseQuestion } from "../wvs/localise";
import type { Respondents } from "../wvs/respondents";
import type { AttributeName } from "../wvs/types";
import { modalAnswer } from "./modal";
import { getPreset, TAN2026, type Preset } from "./presets";
import { subgroupId } from "./subgroup-id";
import type { Benchmark, BenchmarkOptions, Pair, Subgroup } from "./types";

export interface BuildOptions extends Partial<BenchmarkOptions> {
  codebook?: Codebook;
}

/** Round weighted sums so the aggregates are byte-stable across platforms. */
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function buildBenchmark(resp: Respondents, options: BuildOptions = {}): Benchmark {
  const preset: Preset = getPreset(options.preset ?? TAN2026.name);
  const opts: BenchmarkOptions = { ...preset.defaults, ...stripUndefined(options), preset: preset.name };
  const codebook = options.codebook ?? loadCodebook();
  const country = preset.country;
  if (resp.country.code !== country.code) {
    throw new Error(
      `${resp.file}: respondents of ${countryLabel(resp.country)} loaded, but preset ${preset.name} is for ${countryLabel(country)}; load them with country: ${country.code}`,
    );
  }
  const wanted = preset.questions(codebook, resp);
  const questionIds = wanted.filter((q) => resp.questions.includes(q));
  const missingQ = wanted.filter((q) => !resp.questions.includes(q));
  if (missingQ.length) {
    throw new Error(
      `${resp.file}: missing question columns required by preset ${preset.name}: ${missingQ.slice(0, 10).join(", ")}${missingQ.length > 10 ? " …" : ""}`,
    );
  }
  const n = resp.rows;
  const weights = resp.table.array("weight") as ArrayLike<number>;
  const w = (i: number): number => (opts.weighted ? weights[i] : 1);

  // Subgroups: per stratum, the respondents' value tuple → subgroup index.
  const subgroups: Subgroup[] = [];
  const members: { stratumIndex: number; of: Int32Array }[] = [];
  preset.strata.forEach((stratum, si) => {
    for (const a of stratum.attributes) {
      if (!resp.attributes.includes(a as AttributeName)) {
        const cols = ATTRIBUTES[a as AttributeName]?.columns;
        throw new Error(
          `${resp.file}: cannot derive attribute "${a}" for stratum ${stratum.key}` +
            (cols
              ? `: the file has none of its columns (${cols.join(", ")}); attributes it has: ${resp.attributes.join(", ")}`
              : ": not an attribute svlab knows"),
        );
      }
    }
    const cols = stratum.attributes.map((a) => resp.table.array(a) as ArrayLike<string | null>);
    const orders = stratum.attributes.map((a) => ATTRIBUTES[a as AttributeName].values(codebook, country));
    const tally = new Map<string, { values: string[]; size: number }>();
    for (let i = 0; i < n; i++) {
      const values = cols.map((c) => c[i]);
      if (values.some((v) => v == null)) continue;
      const key = values.join("|");
      const t = tally.get(key);
      if (t) t.size++;
      else tally.set(key, { values: values as string[], size: 1 });
    }
    const rank = (vals: string[]): number[] =>
      vals.map((v, k) => {
        const r = orders[k].indexOf(v);
        return r < 0 ? 1e6 : r;
      });
    const kept = [...tally.values()]
      .filter((t) => t.size >= opts.minSubgroupSize)
      .sort((a, b) => {
        const ra = rank(a.values);
        const rb = rank(b.values);
        for (let k = 0; k < ra.length; k++) if (ra[k] !== rb[k]) return ra[k] - rb[k];
        return 0;
      });
    const index = new Map<string, number>();
    for (const t of kept) {
      index.set(t.values.join("|"), subgroups.length);
      subgroups.push({
        id: subgroupId(stratum.key, t.values),
        stratum: stratum.key,
        attributes: Object.fromEntries(stratum.attributes.map((a, k) => [a, t.values[k]])),
        size: t.size,
        split: stratum.split,
        country: countryPlace(country),
      });
    }
    const of = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const values = cols.map((c) => c[i]);
      if (values.some((v) => v == null)) continue;
      of[i] = index.get(values.join("|")) ?? -1;
    }
    members.push({ stratumIndex: si, of });
  });

  if (subgroups.length === 0) {
    throw new Error(
      `${resp.file}: no subgroup has ${opts.minSubgroupSize}+ respondents (${n} respondents read); every subgroup of preset ${preset.name} (${country.name}) is empty or too small`,
    );
  }
  if (questionIds.length === 0) throw new Error(`${resp.file}: no question of preset ${preset.name} was asked in ${countryLabel(country)}`);

  // Pairs and the whole-sample distribution.
  const pairs: Pair[] = [];
  const population: Record<string, Record<string, number>> = {};
  const perSubgroup: Pair[][] = subgroups.map(() => []);
  for (const q of questionIds) {
    const codes = resp.table.array(q) as ArrayLike<number>;
    const pop: Record<string, number> = {};
    for (let i = 0; i < n; i++) if (codes[i] >= 0) pop[codes[i]] = (pop[codes[i]] ?? 0) + w(i);
    population[q] = roundCounts(pop, opts.weighted);
    const counts: Record<string, number>[] = subgroups.map(() => ({}));
    const valid = new Int32Array(subgroups.length);
    for (const m of members) {
      for (let i = 0; i < n; i++) {
        const s = m.of[i];
        if (s < 0 || codes[i] < 0) continue;
        counts[s][codes[i]] = (counts[s][codes[i]] ?? 0) + w(i);
        valid[s]++;
      }
    }
    subgroups.forEach((sg, s) => {
      if (valid[s] < opts.minValidAnswers) return;
      const c = roundCounts(counts[s], opts.weighted);
      const { mode, modes } = modalAnswer(c, opts.tiePolicy);
      perSubgroup[s].push({ question: q, subgroup: sg.id, split: sg.split, counts: c, n: valid[s], mode, modes });
    });
  }
  pairs.push(...orderPairs(subgroups, (sg) => perSubgroup[subgroups.indexOf(sg)]));
  return {
    options: opts,
    questions: questionIds.map((q) => localiseQuestion(codebook.questions[q], country)),
    subgroups,
    pairs,
    population,
    provenance: { file: basename(resp.file), sha256: fileSha256(resp.file), format: resp.format, respondents: n },
    country,
  };
}

/**
 * The benchmark's pair order: train before OOD (as in the paper's tables), then subgroup order,
 * then question order — subgroup-major, so consecutive prompts share a persona prefix.
 */
export function orderPairs(subgroups: Subgroup[], pairsOf: (s: Subgroup) => Pair[]): Pair[] {
  const out: Pair[] = [];
  for (const split of ["train", "ood"] as const) for (const s of subgroups) if (s.split === split) out.push(...pairsOf(s));
  return out;
}

function roundCounts(c: Record<string, number>, weighted: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(c).sort((a, b) => Number(a) - Number(b))) out[k] = weighted ? round6(c[k]) : c[k];
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== "codebook")) as Partial<T>;
}

function fileSha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}
