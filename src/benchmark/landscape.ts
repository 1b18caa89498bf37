/**
 * The value landscape (Tan et al. 2026, §3): how much do subgroups disagree, question by question?
 *
 * Modal Diversity Score (MDS) per (question, stratum):
 *   MDS = H(modes) / log2(min(|S|, |C|)),   H(modes) = −Σ_m p(m) log2 p(m)
 * where p(m) is the share of the stratum's subgroups whose modal answer (the benchmark label) is m,
 * |S| the number of the stratum's subgroups that have a pair for the question, |C| the number of
 * answer choices. MDS is 0 when min(|S|, |C|) ≤ 1 (the log denominator is ≤ 0: no diversity is possible).
 * |C| counts the on-scale options plus every off-scale code that is some subgroup's mode (Q222's
 * code 4 is the mode of 8 pairs): a mode outside the counted choices would let MDS exceed 1.
 * 0 = every subgroup gives the same modal answer; 1 = the modes are as spread as they can be.
 *
 * The ordinal cross-check: mean pairwise Wasserstein-1 distance between the subgroups' answer
 * distributions on the ordinal scale (positions 0…K−1 in the codebook's scale order, off-scale
 * answers dropped), divided by the span K−1, so 0 = identical and 1 = all mass at opposite ends.
 * Unlike MDS it sees disagreement that does not move the mode (and ignores mode flips between
 * neighbouring options that barely differ).
 *
 * Averaging (configurable set of strata, default every stratum in the benchmark):
 *   question score = mean over the chosen strata that have ≥ 1 subgroup for the question;
 *   category score = mean over the category's questions of their question scores
 *     (every question weighs the same, whatever its number of strata).
 * W1 is undefined for a stratum with fewer than 2 subgroups; such cells are left out of W1 means.
 *
 * Pure functions over a Benchmark: no I/O.
 */
import type { Question } from "../wvs/types";
import type { Benchmark, Pair, Split } from "./types";

export interface LandscapeOptions {
  /** Which strata enter the averages: "all" (default), "train", "ood", or an explicit list of stratum keys. */
  strata?: "all" | Split | string[];
  /** |C| in the MDS denominator: on-scale options only (default) or also substantive off-scale ones (e.g. Q254 "I am not Singaporean"). */
  choices?: "scale" | "scale+offscale";
}

/** One (question, stratum) cell. */
export interface LandscapeCell {
  question: string;
  stratum: string;
  split: Split;
  /** Subgroups of the stratum with a pair for this question (|S|). */
  subgroups: number;
  /** Answer choices (|C|), including off-scale codes that occur as modes. */
  choices: number;
  /** Modal answer code → number of subgroups with that mode. */
  modes: Record<string, number>;
  mds: number;
  /** Mean pairwise W1 / (K−1); null with fewer than 2 subgroups. */
  w1: number | null;
}

export interface QuestionLandscape {
  question: string;
  label: string;
  category: string;
  /** Strata averaged over. */
  strata: number;
  mds: number;
  w1: number | null;
}

export interface CategoryLandscape {
  category: string;
  questions: number;
  /** Mean of the question MDS scores. */
  mds: number;
  /** Population standard deviation of the question MDS scores. */
  mdsSd: number;
  /** Mean of the question W1 scores (questions with a W1). */
  w1: number | null;
  /** The category's most and least divisive questions. */
  top: string;
  bottom: string;
}

export interface StratumLandscape {
  stratum: string;
  split: Split;
  /** Cells (questions) in this stratum. */
  questions: number;
  mds: number;
  w1: number | null;
}

export interface Landscape {
  options: Required<Pick<LandscapeOptions, "choices">> & { strata: string[] };
  cells: LandscapeCell[];
  /** Sorted by MDS, most divisive first (ties by question id). */
  questions: QuestionLandscape[];
  /** Sorted by MDS, most divisive first. */
  categories: CategoryLandscape[];
  strata: StratumLandscape[];
  /** Mean of the question scores over all questions. */
  overall: { questions: number; mds: number; w1: number | null };
}

// ---- the two measures ---------------------------------------------------------------------

/** Shannon entropy (bits) of a frequency table. Zero counts are ignored. */
export function entropyBits(counts: Iterable<number>): number {
  const c = [...counts].filter((x) => x > 0);
  const n = c.reduce((a, b) => a + b, 0);
  if (n === 0) return 0;
  let h = 0;
  for (const x of c) {
    const p = x / n;
    h -= p * Math.log2(p);
  }
  // −0 and 1e-17-sized noise → 0, so "all agree" is exactly 0.
  return h <= 1e-12 ? 0 : h;
}

/**
 * MDS of one stratum's modal answers: entropy of the modes / log2(min(#subgroups, #choices)),
 * 0 when min(…) ≤ 1. The choice count is at least the number of distinct modes (a mode is a
 * choice), so MDS never exceeds 1.
 */
export function modalDiversity(modes: readonly number[], choices: number): number {
  const freq = new Map<number, number>();
  for (const m of modes) freq.set(m, (freq.get(m) ?? 0) + 1);
  const k = Math.min(modes.length, Math.max(choices, freq.size));
  if (k <= 1) return 0;
  return entropyBits(freq.values()) / Math.log2(k);
}

/**
 * Wasserstein-1 distance between two distributions over the same ordered positions 0…K−1
 * (unit spacing): Σ_k |F_a(k) − F_b(k)|. Inputs need not be normalised; an all-zero input is an error.
 */
export function wasserstein1(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`wasserstein1: distributions have ${a.length} and ${b.length} positions`);
  const sa = a.reduce((x, y) => x + y, 0);
  const sb = b.reduce((x, y) => x + y, 0);
  if (!(sa > 0) || !(sb > 0)) throw new Error("wasserstein1: a distribution has no mass");
  let fa = 0;
  let fb = 0;
  let d = 0;
  for (let k = 0; k < a.length - 1; k++) {
    fa += a[k] / sa;
    fb += b[k] / sb;
    d += Math.abs(fa - fb);
  }
  return d;
}

/** Mean W1 over all unordered pairs, divided by the span K−1 (0 when K ≤ 1); null with < 2 distributions. */
export function meanPairwiseW1(dists: readonly (readonly number[])[]): number | null {
  if (dists.length < 2) return null;
  const span = dists[0].length - 1;
  if (span <= 0) return 0;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < dists.length; i++) {
    for (let j = i + 1; j < dists.length; j++) {
      sum += wasserstein1(dists[i], dists[j]);
      n++;
    }
  }
  return sum / n / span;
}

// ---- over a benchmark ---------------------------------------------------------------------

/** A pair's answer counts in the question's scale order (off-scale and missing codes dropped). */
export function scaleCounts(q: Question, p: Pair): number[] {
  return q.scale.map((o) => p.counts[String(o.code)] ?? 0);
}

/** The stratum keys selected by `strata`, in the benchmark's subgroup order. */
export function selectStrata(b: Benchmark, strata: LandscapeOptions["strata"] = "all"): string[] {
  const all: string[] = [];
  const split = new Map<string, Split>();
  for (const s of b.subgroups) {
    if (!split.has(s.stratum)) {
      split.set(s.stratum, s.split);
      all.push(s.stratum);
    }
  }
  if (strata === "all") return all;
  if (strata === "train" || strata === "ood") return all.filter((s) => split.get(s) === strata);
  const unknown = strata.filter((s) => !split.has(s));
  if (unknown.length) throw new Error(`landscape: unknown strata ${unknown.join(", ")}; the benchmark has ${all.join(", ")}`);
  return all.filter((s) => strata.includes(s));
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const meanOrNull = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? mean(v) : null;
};

/** MDS and W1 for every (question, stratum) of the benchmark, averaged per question, category and stratum. */
export function computeLandscape(b: Benchmark, options: LandscapeOptions = {}): Landscape {
  const choicesMode = options.choices ?? "scale";
  const strata = selectStrata(b, options.strata ?? "all");
  const inStrata = new Set(strata);
  const subgroupStratum = new Map<string, { stratum: string; split: Split }>();
  for (const s of b.subgroups) subgroupStratum.set(s.id, { stratum: s.stratum, split: s.split });

  // question → stratum → pairs
  const byCell = new Map<string, Map<string, Pair[]>>();
  for (const p of b.pairs) {
    const sg = subgroupStratum.get(p.subgroup);
    if (!sg) throw new Error(`landscape: pair ${p.question}::${p.subgroup} names a subgroup the benchmark does not list`);
    if (!inStrata.has(sg.stratum)) continue;
    let m = byCell.get(p.question);
    if (!m) byCell.set(p.question, (m = new Map()));
    let list = m.get(sg.stratum);
    if (!list) m.set(sg.stratum, (list = []));
    list.push(p);
  }

  const cells: LandscapeCell[] = [];
  const questions: QuestionLandscape[] = [];
  const stratumOrder = new Map(strata.map((s, i) => [s, i]));
  for (const q of b.questions) {
    const m = byCell.get(q.id);
    if (!m) continue;
    const counted = new Set([...q.scale, ...(choicesMode === "scale+offscale" ? q.offScale : [])].map((o) => o.code));
    // Off-scale codes that are some subgroup's mode are choices too (in every stratum of the question).
    const modalExtra = new Set(
      [...m.values()]
        .flat()
        .map((p) => p.mode)
        .filter((c) => !counted.has(c)),
    );
    const choices = counted.size + modalExtra.size;
    const qCells: LandscapeCell[] = [];
    for (const [stratum, pairs] of [...m].sort((x, y) => stratumOrder.get(x[0])! - stratumOrder.get(y[0])!)) {
      const modes: Record<string, number> = {};
      for (const p of pairs) modes[String(p.mode)] = (modes[String(p.mode)] ?? 0) + 1;
      const dists = pairs.map((p) => scaleCounts(q, p)).filter((d) => d.some((x) => x > 0));
      qCells.push({
        question: q.id,
        stratum,
        split: subgroupStratum.get(pairs[0].subgroup)!.split,
        subgroups: pairs.length,
        choices,
        modes,
        mds: modalDiversity(
          pairs.map((p) => p.mode),
          choices,
        ),
        w1: meanPairwiseW1(dists),
      });
    }
    cells.push(...qCells);
    questions.push({
      question: q.id,
      label: q.label,
      category: q.category,
      strata: qCells.length,
      mds: mean(qCells.map((c) => c.mds)),
      w1: meanOrNull(qCells.map((c) => c.w1)),
    });
  }

  const byCategory = new Map<string, QuestionLandscape[]>();
  for (const q of questions) {
    let l = byCategory.get(q.category);
    if (!l) byCategory.set(q.category, (l = []));
    l.push(q);
  }
  const categories: CategoryLandscape[] = [...byCategory].map(([category, qs]) => {
    const mds = mean(qs.map((q) => q.mds));
    const sorted = [...qs].sort(byMdsDesc);
    return {
      category,
      questions: qs.length,
      mds,
      mdsSd: Math.sqrt(mean(qs.map((q) => (q.mds - mds) ** 2))),
      w1: meanOrNull(qs.map((q) => q.w1)),
      top: sorted[0].question,
      bottom: sorted[sorted.length - 1].question,
    };
  });
  categories.sort((x, y) => y.mds - x.mds || x.category.localeCompare(y.category));

  const strataOut: StratumLandscape[] = strata
    .map((stratum) => {
      const cs = cells.filter((c) => c.stratum === stratum);
      return cs.length ? { stratum, split: cs[0].split, questions: cs.length, mds: mean(cs.map((c) => c.mds)), w1: meanOrNull(cs.map((c) => c.w1)) } : null;
    })
    .filter((x): x is StratumLandscape => x !== null);

  return {
    options: { strata, choices: choicesMode },
    cells,
    questions: [...questions].sort(byMdsDesc),
    categories,
    strata: strataOut,
    overall: {
      questions: questions.length,
      mds: questions.length ? mean(questions.map((q) => q.mds)) : 0,
      w1: meanOrNull(questions.map((q) => q.w1)),
    },
  };
}

function byMdsDesc(x: QuestionLandscape, y: QuestionLandscape): number {
  return y.mds - x.mds || x.question.localeCompare(y.question, "en", { numeric: true });
}

/** Per-subgroup answer shares (percent, scale order) for one question — the heatmap's data. */
export interface AnswerShares {
  question: Question;
  /** Subgroup ids, in benchmark order (grouped by stratum). */
  subgroups: string[];
  /** Option labels, in scale order. */
  options: string[];
  codes: number[];
  /** shares[i][k] = % of subgroup i's on-scale answers that are option k. */
  shares: number[][];
  n: number[];
  modes: number[];
}

export function answerShares(b: Benchmark, questionId: string, strata?: string[]): AnswerShares {
  const q = b.questions.find((x) => x.id === questionId);
  if (!q) {
    throw new Error(
      `unknown question "${questionId}": the benchmark has ${b.questions.length} questions (${b.questions
        .slice(0, 3)
        .map((x) => x.id)
        .join(", ")}, …)`,
    );
  }
  const pairs = new Map(b.pairs.filter((p) => p.question === q.id).map((p) => [p.subgroup, p]));
  const keep = strata ? new Set(strata) : null;
  const subgroups = b.subgroups.filter((s) => pairs.has(s.id) && (!keep || keep.has(s.stratum))).map((s) => s.id);
  const shares = subgroups.map((id) => {
    const c = scaleCounts(q, pairs.get(id)!);
    const n = c.reduce((a, x) => a + x, 0);
    return c.map((x) => (n ? (100 * x) / n : 0));
  });
  return {
    question: q,
    subgroups,
    options: q.scale.map((o) => o.label),
    codes: q.scale.map((o) => o.code),
    shares,
    n: subgroups.map((id) => pairs.get(id)!.n),
    modes: subgroups.map((id) => pairs.get(id)!.mode),
  };
}
