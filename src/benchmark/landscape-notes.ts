/**
 * The value landscape explained in tables and sentences computed from the numbers (notebook 02):
 * MDS worked through for one question and stratum, category scores under several strata choices
 * next to reference scores (the paper's), and two contrasting questions for the W1 cross-check.
 * Nothing here states a finding that the numbers do not carry.
 */
import { answerColumn } from "../wvs/distribution";
import { computeLandscape, type Landscape, type QuestionLandscape } from "./landscape";
import type { Benchmark } from "./types";

/** One subgroup's modal answer to a question (the benchmark label). */
export interface ModalAnswerRow {
  subgroup: string;
  /** Valid answers. */
  answers: number;
  "modal answer": string;
}

/** The modal answer of each subgroup of a stratum for one question, in benchmark order. */
export function modalAnswers(b: Benchmark, question: string, stratum: string): ModalAnswerRow[] {
  const q = b.questions.find((x) => x.id === question);
  if (!q) throw new Error(`question ${question} is not in benchmark ${b.options.preset}`);
  const subgroups = b.subgroups.filter((s) => s.stratum === stratum);
  if (!subgroups.length)
    throw new Error(`benchmark ${b.options.preset} has no stratum "${stratum}" (it has ${[...new Set(b.subgroups.map((s) => s.stratum))].join(", ")})`);
  const pairs = new Map(b.pairs.filter((p) => p.question === question).map((p) => [p.subgroup, p]));
  return subgroups.flatMap((s) => {
    const p = pairs.get(s.id);
    return p ? [{ subgroup: Object.values(s.attributes).join(" × "), answers: p.n, "modal answer": answerColumn(q, p.mode) }] : [];
  });
}

/** One step of the MDS computation. */
export interface MdsStep {
  step: string;
  value: string | number;
}

/**
 * MDS of one (question, stratum) cell, step by step, from the same cell of computeLandscape (so the
 * worked example and the landscape agree): |S|, |C|, subgroups per modal answer, the entropy of the
 * modes, the denominator log2 min(|S|, |C|), and MDS.
 */
export function mdsSteps(b: Benchmark, question: string, stratum: string): MdsStep[] {
  const q = b.questions.find((x) => x.id === question);
  if (!q) throw new Error(`question ${question} is not in benchmark ${b.options.preset}`);
  const cell = computeLandscape(b, { strata: [stratum] }).cells.find((c) => c.question === question && c.stratum === stratum);
  if (!cell) throw new Error(`no (${question}, ${stratum}) cell: the stratum has no subgroup with a pair for ${question}`);
  const total = Object.values(cell.modes).reduce((a, x) => a + x, 0);
  const entropy = -Object.values(cell.modes).reduce((a, k) => a + (k / total) * Math.log2(k / total), 0);
  const denominator = Math.log2(Math.min(cell.subgroups, cell.choices));
  return [
    { step: "subgroups |S|", value: cell.subgroups },
    { step: "answer choices |C|", value: cell.choices },
    {
      step: "subgroups per modal answer",
      value: Object.entries(cell.modes)
        .map(([code, k]) => `${answerColumn(q, Number(code))}: ${k}`)
        .join("; "),
    },
    { step: "entropy of the modes (bits)", value: entropy },
    { step: `log2 min(|S|, |C|) = log2 ${Math.min(cell.subgroups, cell.choices)}`, value: denominator },
    { step: "MDS = entropy / log2 min(|S|, |C|)", value: cell.mds },
  ];
}

/** Category MDS under several strata choices, with reference scores where known. */
export type CategoryChoiceRow = Record<string, string | number>;

/**
 * One row per category (in the first landscape's order, most divisive first): its MDS under each
 * strata choice (`choices`: column name → landscape) and the reference score (empty when none).
 */
export function categoryChoiceTable(choices: Record<string, Landscape>, reference: Record<string, number>, referenceName = "paper"): CategoryChoiceRow[] {
  const names = Object.keys(choices);
  if (!names.length) throw new Error("categoryChoiceTable: expected at least one landscape");
  return choices[names[0]].categories.map((c) => {
    const row: CategoryChoiceRow = { category: c.category };
    for (const n of names) row[n] = choices[n].categories.find((x) => x.category === c.category)?.mds ?? "";
    row[referenceName] = reference[c.category] ?? "";
    return row;
  });
}

const f3 = (x: number): string => x.toFixed(3);

/**
 * What the category table says, computed: for each strata choice its most and least divisive
 * category; which reference scores each choice reproduces (within `tolerance`); and in how many
 * categories one choice scores above another (`compare`: [higher?, than]).
 */
export function categoryChoiceNotes(
  choices: Record<string, Landscape>,
  reference: Record<string, number>,
  opts: { tolerance?: number; compare?: [string, string]; referenceName?: string } = {},
): string[] {
  const tol = opts.tolerance ?? 0.005;
  const refName = opts.referenceName ?? "the paper";
  const out: string[] = [];
  for (const [name, L] of Object.entries(choices)) {
    const top = L.categories[0];
    const bottom = L.categories[L.categories.length - 1];
    const matches = Object.entries(reference).filter(([cat, v]) => {
      const c = L.categories.find((x) => x.category === cat);
      return c !== undefined && Math.abs(c.mds - v) <= tol;
    });
    out.push(
      `**${name}**: most divisive ${top.category} (${f3(top.mds)}), most consensual ${bottom.category} (${f3(bottom.mds)}); ` +
        (matches.length
          ? `within ${tol} of ${refName} for ${matches.map(([cat, v]) => `${cat} (${f3(v)})`).join(" and ")}.`
          : `within ${tol} of ${refName} for no category.`),
    );
  }
  if (opts.compare) {
    const [hi, lo] = opts.compare;
    const H = choices[hi],
      L = choices[lo];
    if (!H || !L) throw new Error(`categoryChoiceNotes: compare names ${hi}, ${lo} must be among ${Object.keys(choices).join(", ")}`);
    const both = H.categories.filter((c) => L.categories.some((x) => x.category === c.category));
    const higher = both.filter((c) => c.mds > L.categories.find((x) => x.category === c.category)!.mds).length;
    out.push(`**${hi}** score higher than **${lo}** in ${higher} of ${both.length} categories.`);
  }
  return out;
}

/** Two questions that show why MDS needs the W1 cross-check. */
export interface ContrastQuestions {
  /** How many of the most divisive questions (by MDS) were looked at. */
  top: number;
  /** Among them, the one whose subgroups' answer distributions are closest (lowest W1): modes that flip on small differences. */
  closest: QuestionLandscape;
  /** Among them, the one whose distributions are farthest apart (highest W1): subgroups that really differ. */
  farthest: QuestionLandscape;
  /** 1-based rank of each by W1 among all questions with a W1 (1 = largest W1). */
  w1Rank: { closest: number; farthest: number; of: number };
}

/** Among the `top` most divisive questions by MDS (default 10), the lowest-W1 and the highest-W1 one. */
export function contrastQuestions(L: Landscape, top = 10): ContrastQuestions {
  const pool = L.questions.slice(0, top).filter((q) => q.w1 !== null);
  if (pool.length < 2) throw new Error(`contrastQuestions: fewer than 2 of the top ${top} questions have a W1`);
  const byW1 = [...pool].sort((a, b) => a.w1! - b.w1! || a.question.localeCompare(b.question));
  const all = L.questions.filter((q) => q.w1 !== null).sort((a, b) => b.w1! - a.w1! || a.question.localeCompare(b.question));
  const rank = (q: QuestionLandscape): number => all.findIndex((x) => x.question === q.question) + 1;
  const closest = byW1[0];
  const farthest = byW1[byW1.length - 1];
  return { top, closest, farthest, w1Rank: { closest: rank(closest), farthest: rank(farthest), of: all.length } };
}

/** The contrast as a sentence with its numbers. */
export function contrastNote(c: ContrastQuestions): string {
  const q = (x: QuestionLandscape, r: number): string =>
    `${x.question} (*${x.label}*: MDS ${f3(x.mds)}, W1 / span ${f3(x.w1!)}, ${ordinal(r)} largest W1 of ${c.w1Rank.of})`;
  return (
    `Among the ${c.top} most divisive questions by MDS, the subgroups' answer distributions are closest for ${q(c.closest, c.w1Rank.closest)} ` +
    `and farthest apart for ${q(c.farthest, c.w1Rank.farthest)}.`
  );
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : n % 10 === 1 ? "st" : n % 10 === 2 ? "nd" : n % 10 === 3 ? "rd" : "th";
  return `${n}${s}`;
}

/** The strata whose subgroups have a single attribute (sex, age group, …), in benchmark order. */
export function singleAttributeStrata(b: Benchmark): string[] {
  return [...new Set(b.subgroups.filter((s) => Object.keys(s.attributes).length === 1).map((s) => s.stratum))];
}
