/**
 * The benchmark as tables a reader can look at: what the aggregates hold (counts, strata,
 * attributes), one question's whole-sample distribution, one question's distribution by the
 * subgroups of one attribute, and a danfojs frame of one question's answer counts. Everything comes
 * from a Benchmark (the shipped aggregates or a build from the microdata): answer counts per
 * (question, subgroup) — never respondent rows. Names of attributes, values and answers come from
 * the benchmark and the codebook.
 */
import { getQuestion } from "../wvs/codebook";
import dfd, { type DataFrame } from "../wvs/danfo";
import { answerColumn, codeOrder, wideShares, type ColumnTable } from "../wvs/distribution";
import type { Question } from "../wvs/types";
import { aggregatesLabel } from "./aggregates";
import type { Benchmark, Pair, Split, Subgroup } from "./types";

/** One line of "what is in here": a label and its value. */
export interface ContentsRow {
  what: string;
  value: string | number;
}

const splitCount = <T extends { split: Split }>(xs: readonly T[], s: Split): number => xs.filter((x) => x.split === s).length;

/** The benchmark's contents in a few lines: source, respondents, questions, subgroups and pairs per split, thresholds. */
export function aggregateContents(b: Benchmark): ContentsRow[] {
  const p = b.provenance as Record<string, unknown>;
  const rows: ContentsRow[] = [
    {
      what: "source",
      value:
        p.source === "shipped aggregates"
          ? `${aggregatesLabel(p.aggregates, b.options.preset)} (${String(p.aggregates).split(/[\\/]/).slice(-2).join("/")})`
          : "WVS-7 microdata",
    },
    { what: "computed from", value: `${p.file ?? "?"} (${p.format ?? "?"} format${typeof p.sha256 === "string" ? `, sha256 ${p.sha256.slice(0, 12)}…` : ""})` },
    { what: "respondents", value: Number(p.respondents) },
    { what: "value questions", value: b.questions.length },
    { what: "subgroups: train", value: splitCount(b.subgroups, "train") },
    { what: "subgroups: OOD", value: splitCount(b.subgroups, "ood") },
    { what: "(question, subgroup) pairs: train", value: splitCount(b.pairs, "train") },
    { what: "(question, subgroup) pairs: OOD", value: splitCount(b.pairs, "ood") },
    { what: "smallest subgroup kept (respondents)", value: b.options.minSubgroupSize },
    { what: "fewest valid answers per pair", value: b.options.minValidAnswers },
    { what: "counts", value: b.options.weighted ? "weighted (W_WEIGHT)" : "unweighted (respondents)" },
    { what: "label of a pair", value: `its modal answer; ties → the ${b.options.tiePolicy} code` },
  ];
  return rows;
}

/** One stratum of the benchmark: the attributes it crosses, its split, and its subgroups' sizes. */
export interface StratumRow {
  stratum: string;
  attributes: string;
  split: Split;
  subgroups: number;
  pairs: number;
  /** Respondents in the smallest and the largest subgroup. */
  smallest: number;
  largest: number;
}

/** Strata in the benchmark's order (the preset's), with subgroup counts, pair counts and subgroup sizes. */
export function strataTable(b: Benchmark): StratumRow[] {
  const byStratum = new Map<string, Subgroup[]>();
  for (const s of b.subgroups) {
    const list = byStratum.get(s.stratum);
    if (list) list.push(s);
    else byStratum.set(s.stratum, [s]);
  }
  const stratumOf = new Map(b.subgroups.map((s) => [s.id, s.stratum]));
  const pairs = new Map<string, number>();
  for (const p of b.pairs) {
    const k = stratumOf.get(p.subgroup)!;
    pairs.set(k, (pairs.get(k) ?? 0) + 1);
  }
  return [...byStratum].map(([stratum, sgs]) => ({
    stratum,
    attributes: Object.keys(sgs[0].attributes).join(" × "),
    split: sgs[0].split,
    subgroups: sgs.length,
    pairs: pairs.get(stratum) ?? 0,
    smallest: Math.min(...sgs.map((s) => s.size)),
    largest: Math.max(...sgs.map((s) => s.size)),
  }));
}

/** One persona attribute of the benchmark and the values its subgroups carry. */
export interface AttributeRow {
  attribute: string;
  /** Distinct values with a subgroup of their own (groups under the size threshold are not in the benchmark). */
  values: number;
  /** Those values, largest single-attribute subgroup first. */
  labels: string;
  /** Strata that use the attribute. */
  strata: number;
}

/** The attributes the benchmark's subgroups are made of, in first-seen (preset) order. */
export function attributeValues(b: Benchmark): AttributeRow[] {
  const out = new Map<string, { values: Map<string, number>; strata: Set<string> }>();
  for (const s of b.subgroups) {
    const single = Object.keys(s.attributes).length === 1;
    for (const [a, v] of Object.entries(s.attributes)) {
      let e = out.get(a);
      if (!e) out.set(a, (e = { values: new Map(), strata: new Set() }));
      e.strata.add(s.stratum);
      // a value's size: its single-attribute subgroup when there is one
      e.values.set(v, Math.max(e.values.get(v) ?? 0, single ? s.size : 0));
    }
  }
  return [...out].map(([attribute, e]) => ({
    attribute,
    values: e.values.size,
    labels: [...e.values]
      .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
      .map(([v]) => v)
      .join("; "),
    strata: e.strata.size,
  }));
}

/** The persona attributes the benchmark's subgroups are made of, in first-seen (preset) order. */
export function benchmarkAttributes(b: Benchmark): string[] {
  return [...new Set(b.subgroups.flatMap((s) => Object.keys(s.attributes)))];
}

/**
 * Which persona attributes a split's subgroups carry, and which of the benchmark's attributes they
 * do not (e.g. no OOD stratum of tan2026 crosses sex), both in preset order.
 */
export function splitAttributes(b: Benchmark, split: Split): { carried: string[]; absent: string[] } {
  const carried = new Set(b.subgroups.filter((s) => s.split === split).flatMap((s) => Object.keys(s.attributes)));
  const all = benchmarkAttributes(b);
  return { carried: all.filter((a) => carried.has(a)), absent: all.filter((a) => !carried.has(a)) };
}

/** The same as a sentence: "The OOD subgroups carry `age_group`, `ethnicity` and `religion`; `sex` appears only in other splits: no OOD score exists for it." */
export function splitAttributesNote(b: Benchmark, split: Split): string {
  const { carried, absent } = splitAttributes(b, split);
  const list = (xs: string[]): string => {
    const q = xs.map((x) => `\`${x}\``);
    return q.length < 2 ? q.join("") : `${q.slice(0, -1).join(", ")} and ${q[q.length - 1]}`;
  };
  const name = split === "ood" ? "OOD" : split;
  return (
    `The ${name} subgroups carry ${list(carried)}` +
    (absent.length
      ? `; ${list(absent)} ${absent.length === 1 ? "appears" : "appear"} only in other splits: no ${name} score exists for ${absent.length === 1 ? "it" : "them"}.`
      : ".")
  );
}

/** "Q1 · Important in life: Family" (from the codebook), for table captions. */
export function questionCaption(question: string): string {
  return `${question} · ${getQuestion(question).label}`;
}

/** One answer of the whole sample. */
export interface PopulationRow {
  code: number;
  label: string;
  /** Respondents who gave it. */
  n: number;
  /** Percent of the valid answers. */
  percent: number;
}

function labelOf(q: Question, code: number): string {
  return [...q.scale, ...q.offScale, ...q.missing].find((o) => o.code === code)?.label ?? String(code);
}

/** Scale codes in scale order, then any other code present in the counts. */
function orderedCodes(q: Question, counts: readonly Record<string, number>[]): number[] {
  const scale = q.scale.map((o) => o.code);
  const other = [...new Set(counts.flatMap((c) => Object.keys(c).map(Number)))].filter((c) => !scale.includes(c)).sort((a, b) => codeOrder(a) - codeOrder(b));
  return [...scale, ...other];
}

/** A question's whole-sample distribution (valid answers, unweighted counts), in scale order; codes nobody gave have n 0. */
export function populationTable(b: Benchmark, question: string): PopulationRow[] {
  const counts = b.population[question];
  if (!counts)
    throw new Error(`question ${question} is not in benchmark ${b.options.preset} (it has ${b.questions.length} questions, e.g. ${b.questions[0]?.id})`);
  const q = getQuestion(question);
  const total = Object.values(counts).reduce((a, x) => a + x, 0);
  return orderedCodes(q, [counts]).map((code) => {
    const n = counts[String(code)] ?? 0;
    return { code, label: labelOf(q, code), n, percent: total ? (100 * n) / total : 0 };
  });
}

/** The subgroups of the single-attribute stratum of `attribute` (e.g. the religions), largest first. */
export function attributeSubgroups(b: Benchmark, attribute: string): Subgroup[] {
  const sgs = b.subgroups.filter((s) => {
    const keys = Object.keys(s.attributes);
    return keys.length === 1 && keys[0] === attribute;
  });
  if (!sgs.length) {
    const singles = [...new Set(b.subgroups.filter((s) => Object.keys(s.attributes).length === 1).map((s) => Object.keys(s.attributes)[0]))];
    throw new Error(`benchmark ${b.options.preset} has no single-attribute stratum for "${attribute}"; it has ${singles.join(", ")}`);
  }
  return [...sgs].sort((x, y) => y.size - x.size || x.id.localeCompare(y.id));
}

function pairsOf(b: Benchmark, question: string): Map<string, Pair> {
  if (!b.population[question]) throw new Error(`question ${question} is not in benchmark ${b.options.preset}`);
  return new Map(b.pairs.filter((p) => p.question === question).map((p) => [p.subgroup, p]));
}

/**
 * One question's answers by the subgroups of one attribute (its single-attribute stratum, largest
 * subgroup first): a row per subgroup with its valid answers (n), the % giving each answer (unweighted,
 * `digits` decimals, default 0) and the benchmark label (the modal answer). Subgroups without a pair
 * for the question (too few valid answers) are left out.
 */
export function subgroupShares(b: Benchmark, question: string, attribute: string, opts: { digits?: number } = {}): ColumnTable {
  const pairs = pairsOf(b, question);
  const q = getQuestion(question);
  const present = attributeSubgroups(b, attribute).flatMap((s) => (pairs.has(s.id) ? [{ value: s.attributes[attribute], p: pairs.get(s.id)! }] : []));
  const rows = present.flatMap(({ value, p }) =>
    Object.entries(p.counts).map(([code, k]) => ({ group: value, code: Number(code), n: k, percent: (100 * k) / p.n })),
  );
  const t = wideShares(rows, question, attribute, opts);
  return { columns: [...t.columns, "modal answer"], values: t.values.map((r, i) => [...r, answerColumn(q, present[i].p.mode)]) };
}

/**
 * A danfojs DataFrame of one question's answer counts: a row per subgroup that has the pair
 * (subgroup, stratum, split, n valid answers, mode) and a column per answer code (its count, named
 * by the code: "1", "2", …), scale order.
 */
export function answerCountsFrame(b: Benchmark, question: string): DataFrame {
  const pairs = pairsOf(b, question);
  const q = getQuestion(question);
  const present = b.subgroups.filter((s) => pairs.has(s.id)).map((s) => ({ s, p: pairs.get(s.id)! }));
  const codes = orderedCodes(
    q,
    present.map((x) => x.p.counts),
  );
  // Rows + column names (an object of columns would move the integer-like code columns first).
  const columns = ["subgroup", "stratum", "split", "n", "mode", ...codes.map(String)];
  const values = present.map(({ s, p }) => [s.id, s.stratum, s.split, p.n, p.mode, ...codes.map((c) => p.counts[String(c)] ?? 0)]);
  return new dfd.DataFrame(values, { columns });
}
