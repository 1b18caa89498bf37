/**
 * Win rates of the pairwise judge (Tan et al. 2026, §open-ended): every item (question, subgroup) is
 * judged twice, the candidate shown as A (score s1) and then as B (s2), per criterion c; win 1,
 * tie 0.5, loss 0, and
 *
 *   WR_c = mean over items of (s1 + s2) / 2      (the reference scores 0.5 by construction)
 *
 * Definitions (the paper leaves them open; these are ours):
 * - **Scored item**: both orders judged, both with a verdict for c. An item with a verdict missing in
 *   either order (the judge's reply had none for c, or the call failed) is left out of WR and counted
 *   in `unparsed` (`failed`: how many of those had a failed call) — never scored as a tie. An item
 *   judged in one order only (a stopped run) is left out and counted in `incomplete`. `n` = scored items.
 * - **Interval**: percentile bootstrap over QUESTIONS (a resample draws questions with replacement
 *   and keeps all their items; WR of a resample is the mean over its items), seeded (default 1000
 *   draws, seed 1, level 0.95), widened to contain the estimate should it ever fall outside.
 * - **tieRate**: share of the scored items' judgements (2 per item) whose verdict is "tie".
 * - **positionConsistency**: share of scored items whose two orders agree, i.e. name the same answer
 *   (candidate as A → "A" and candidate as B → "B", or "B" then "A", or "tie" twice) ⇔ s1 = s2. A judge
 *   that always answers "A" has 0; a judge that never looks at the positions has 1.
 * - **aRate**: share of the scored items' judgements whose verdict is "A" (position bias: 0.5 or less
 *   for an unbiased judge, 1 for one that always answers "A").
 * - **Groups** (subgroups, attribute values): WR pooled over the group's scored items (item-weighted,
 *   like the closed task's pooled group accuracy); an attribute value pools every subgroup that has
 *   it (a pair stratum's subgroup counts for both its attributes). Disparity over the groups with
 *   src/metrics' `disparity` (normalised range (max − min)/max, CV with the population σ, …), with
 *   basic bootstrap intervals widened to contain the estimate (metrics/noise-floor.ts says why:
 *   dispersion is biased upward under resampling) from the same question resamples.
 * - **compareScores** (base vs tuned): on the items scored in both, difference of WR with a paired
 *   bootstrap over questions (the same draws for both).
 */
import { basicIntervalWithEstimate, disparity, drawClusterWeights, parseSubgroupId, quantile, type Disparity } from "../metrics/index";
import type { Subgroup } from "../benchmark/types";
import type { OrdinalVerdict } from "./kappa";
import { candidateScore, type Criterion, type Judgement } from "./types";

export type Interval = [lo: number, hi: number];

export interface ScoreOptions {
  /** Criteria to score (default: every criterion any judgement has a verdict key for, in first-seen order). */
  criteria?: Criterion[];
  /** Attributes of a subgroup id (default: read from ids like "age_x_religion:65 and over|Muslim"). */
  subgroupAttributes?: (subgroup: string) => Record<string, string>;
  /** Bootstrap draws (default 1000; 0 = no intervals, they are then [NaN, NaN]). */
  bootstrap?: number;
  seed?: number;
  /** Confidence level (default 0.95). */
  level?: number;
}

export interface CriterionScore {
  winRate: number;
  ci: Interval;
  /** Scored items (both orders with a verdict). */
  n: number;
  /** Items with no verdict for this criterion in at least one order (left out of winRate). */
  unparsed: number;
  /** Of the unparsed items, those with a failed judge call (no reply) in an order. */
  failed: number;
  /** Items judged in one order only (left out of winRate). */
  incomplete: number;
  /** Questions with at least one scored item (the bootstrap's clusters). */
  questions: number;
  tieRate: number;
  positionConsistency: number;
  aRate: number;
  /** Scored items by combined score (s1 + s2)/2: "0.00" lost both orders … "1.00" won both (keys keep this order in JSON). */
  itemScores: Record<ItemScoreKey, number>;
}

export type ItemScoreKey = "0.00" | "0.25" | "0.50" | "0.75" | "1.00";

export interface GroupWinRate {
  winRate: number;
  ci: Interval;
  n: number;
}

export interface WinRateDisparity extends Disparity {
  /** Basic bootstrap intervals over questions, widened to contain the estimate. */
  intervals: { normalisedRange: Interval; cv: Interval };
  /** Resamples in which some group had no item (its score then left out of that draw's disparity). */
  incompleteDraws: number;
}

export interface AttributeScores {
  values: Record<string, GroupWinRate>;
  disparity: WinRateDisparity;
}

/** One item's combined score (s1 + s2)/2 per criterion; null when not scored. */
export interface ItemScore {
  item: string;
  question: string;
  subgroup: string;
  scores: Record<Criterion, number | null>;
}

export interface JudgeScores {
  criteria: Record<Criterion, CriterionScore>;
  bySubgroup: Record<Criterion, Record<string, GroupWinRate>>;
  /** Disparity of the win rate across subgroups. */
  subgroupDisparity: Record<Criterion, WinRateDisparity>;
  byAttribute: Record<Criterion, Record<string, AttributeScores>>;
  /** Judgement records read. */
  judgements: number;
  bootstrap: { draws: number; seed: number; level: number; cluster: "question"; method: string };
  /** Per-item scores (what compareScores pairs on). */
  items: ItemScore[];
}

const DEFAULT_DRAWS = 1000;
const DEFAULT_SEED = 1;
const DEFAULT_LEVEL = 0.95;

function defaultAttributes(subgroup: string): Record<string, string> {
  return parseSubgroupId(subgroup).attributes;
}

/**
 * `subgroupAttributes` from a benchmark's subgroups (their attributes as the preset names them);
 * an id not among them falls back to reading the id.
 */
export function attributesFrom(subgroups: ReadonlyArray<Pick<Subgroup, "id" | "attributes">>): (subgroup: string) => Record<string, string> {
  const byId = new Map(subgroups.map((s) => [s.id, s.attributes]));
  return (id) => byId.get(id) ?? defaultAttributes(id);
}

/** Both orders of one item. */
interface ItemPair {
  item: string;
  question: string;
  subgroup: string;
  asA?: Judgement;
  asB?: Judgement;
}

function pairJudgements(judgements: readonly Judgement[]): ItemPair[] {
  const byItem = new Map<string, ItemPair>();
  judgements.forEach((j, i) => {
    if (j.candidate !== "A" && j.candidate !== "B")
      throw new Error(`judgement ${i} (item ${JSON.stringify(j.item)}): candidate is ${JSON.stringify(j.candidate)}, expected "A" or "B"`);
    let p = byItem.get(j.item);
    if (!p) byItem.set(j.item, (p = { item: j.item, question: j.question, subgroup: j.subgroup }));
    const slot = j.candidate === "A" ? "asA" : "asB";
    if (p[slot])
      throw new Error(`item ${JSON.stringify(j.item)} is judged twice with the candidate as ${j.candidate} (judgement ${i}); one judgement per order expected`);
    p[slot] = j;
  });
  return [...byItem.values()];
}

function criteriaOf(judgements: readonly Judgement[]): Criterion[] {
  const seen = new Set<Criterion>();
  for (const j of judgements) for (const c of Object.keys(j.verdicts ?? {})) seen.add(c);
  return [...seen];
}

/** Question × group sums of item scores, for pooled group win rates under question resampling. */
class Cells {
  readonly sum: Float64Array;
  readonly n: Float64Array;
  constructor(
    readonly groups: string[],
    readonly Q: number,
  ) {
    this.sum = new Float64Array(groups.length * Q);
    this.n = new Float64Array(groups.length * Q);
  }
  add(g: number, q: number, score: number): void {
    this.sum[g * this.Q + q] += score;
    this.n[g * this.Q + q]++;
  }
  /** Pooled score of group g with question multiplicities w (all 1 when absent); NaN when it has no item. */
  pooled(g: number, w?: Uint16Array): number {
    let s = 0;
    let n = 0;
    const o = g * this.Q;
    for (let q = 0; q < this.Q; q++) {
      const k = w ? w[q] : 1;
      if (k === 0) continue;
      s += k * this.sum[o + q];
      n += k * this.n[o + q];
    }
    return n === 0 ? NaN : s / n;
  }
  count(g: number): number {
    let n = 0;
    for (let q = 0; q < this.Q; q++) n += this.n[g * this.Q + q];
    return n;
  }
}

function percentileWithEstimate(estimate: number, draws: number[], level: number): Interval {
  const arr = draws.filter((x) => Number.isFinite(x));
  if (!Number.isFinite(estimate) || arr.length === 0) return [NaN, NaN];
  const a = (1 - level) / 2;
  return [Math.min(estimate, quantile(arr, a)), Math.max(estimate, quantile(arr, 1 - a))];
}

/** Group win rates with percentile intervals, and their disparity with basic intervals. */
function groupScores(
  cells: Cells,
  weights: Uint16Array[],
  level: number,
  overall: number,
): { groups: Record<string, GroupWinRate>; disparity: WinRateDisparity } {
  const G = cells.groups.length;
  const point = new Map<string, number>();
  for (let g = 0; g < G; g++) point.set(cells.groups[g], cells.pooled(g));
  const base = disparity(point, { higherIsBetter: true, overall });
  const draws: number[][] = cells.groups.map(() => []);
  const nr: number[] = [];
  const cv: number[] = [];
  let incompleteDraws = 0;
  for (const w of weights) {
    const m = new Map<string, number>();
    let missing = false;
    for (let g = 0; g < G; g++) {
      const v = cells.pooled(g, w);
      draws[g].push(v);
      if (Number.isNaN(v)) missing = true;
      m.set(cells.groups[g], v);
    }
    if (missing) incompleteDraws++;
    const d = disparity(m, { higherIsBetter: true });
    nr.push(d.normalisedRange);
    cv.push(d.cv);
  }
  const groups: Record<string, GroupWinRate> = {};
  for (let g = 0; g < G; g++) {
    const v = point.get(cells.groups[g])!;
    groups[cells.groups[g]] = { winRate: v, ci: weights.length ? percentileWithEstimate(v, draws[g], level) : [NaN, NaN], n: cells.count(g) };
  }
  const iv = (est: number, d: number[], range: [number, number]): Interval => {
    if (!weights.length) return [NaN, NaN];
    const r = basicIntervalWithEstimate(est, d, level, range);
    return [r.lo, r.hi];
  };
  return {
    groups,
    disparity: { ...base, intervals: { normalisedRange: iv(base.normalisedRange, nr, [0, 1]), cv: iv(base.cv, cv, [0, Infinity]) }, incompleteDraws },
  };
}

/** Win rates, intervals, position consistency and group fairness of a judge run's judgements. */
export function scoreJudgements(judgements: readonly Judgement[], opts: ScoreOptions = {}): JudgeScores {
  const criteria = opts.criteria ?? criteriaOf(judgements);
  const draws = opts.bootstrap ?? DEFAULT_DRAWS;
  const seed = opts.seed ?? DEFAULT_SEED;
  const level = opts.level ?? DEFAULT_LEVEL;
  const attributesOf = opts.subgroupAttributes ?? defaultAttributes;
  const pairs = pairJudgements(judgements);

  // Items, and each criterion's scored set.
  const items: ItemScore[] = pairs.map((p) => ({ item: p.item, question: p.question, subgroup: p.subgroup, scores: {} }));
  const criteriaOut: Record<Criterion, CriterionScore> = {};
  const bySubgroup: JudgeScores["bySubgroup"] = {};
  const subgroupDisparity: JudgeScores["subgroupDisparity"] = {};
  const byAttribute: JudgeScores["byAttribute"] = {};

  // Questions and groups are indexed once; the same question resamples serve every criterion.
  const questions = [...new Set(pairs.map((p) => p.question))].sort();
  const qIndex = new Map(questions.map((q, i) => [q, i]));
  const Q = questions.length;
  const subgroups = [...new Set(pairs.map((p) => p.subgroup))].sort();
  // A subgroup the caller's function does not know has no attributes (it still counts in bySubgroup).
  const attrsBySubgroup = new Map(subgroups.map((s) => [s, attributesOf(s) ?? {}]));
  const attrValues = new Map<string, Set<string>>();
  for (const a of attrsBySubgroup.values()) for (const [k, v] of Object.entries(a)) (attrValues.get(k) ?? attrValues.set(k, new Set()).get(k)!).add(v);
  const attributes = [...attrValues.keys()].sort();
  const weights = draws > 0 && Q > 0 ? drawClusterWeights(Q, draws, seed) : [];

  for (const c of criteria) {
    const overall = new Cells(["all"], Q);
    const sgCells = new Cells(subgroups, Q);
    const sgIndex = new Map(subgroups.map((s, i) => [s, i]));
    const attrCells = new Map(attributes.map((a) => [a, new Cells([...attrValues.get(a)!].sort(), Q)]));
    let unparsed = 0;
    let failed = 0;
    let incomplete = 0;
    let ties = 0;
    let aVerdicts = 0;
    let consistent = 0;
    const itemScores: CriterionScore["itemScores"] = { "0.00": 0, "0.25": 0, "0.50": 0, "0.75": 0, "1.00": 0 };
    pairs.forEach((p, i) => {
      const s1 = p.asA ? candidateScore(p.asA, c) : null;
      const s2 = p.asB ? candidateScore(p.asB, c) : null;
      items[i].scores[c] = null;
      if ((p.asA && s1 === null) || (p.asB && s2 === null)) {
        unparsed++;
        if (p.asA?.error || p.asB?.error) failed++;
        return;
      }
      if (s1 === null || s2 === null) return void incomplete++;
      const score = (s1 + s2) / 2;
      items[i].scores[c] = score;
      itemScores[score.toFixed(2) as ItemScoreKey]++;
      if (s1 === s2) consistent++;
      for (const j of [p.asA!, p.asB!]) {
        if (j.verdicts[c] === "tie") ties++;
        else if (j.verdicts[c] === "A") aVerdicts++;
      }
      const q = qIndex.get(p.question)!;
      overall.add(0, q, score);
      sgCells.add(sgIndex.get(p.subgroup)!, q, score);
      for (const [a, v] of Object.entries(attrsBySubgroup.get(p.subgroup)!)) {
        const cells = attrCells.get(a)!;
        cells.add(cells.groups.indexOf(v), q, score);
      }
    });
    const n = overall.count(0);
    const winRate = overall.pooled(0);
    const wrDraws = weights.map((w) => overall.pooled(0, w));
    let clusters = 0;
    for (let q = 0; q < Q; q++) if (overall.n[q] > 0) clusters++;
    criteriaOut[c] = {
      winRate,
      ci: weights.length ? percentileWithEstimate(winRate, wrDraws, level) : [NaN, NaN],
      n,
      unparsed,
      failed,
      incomplete,
      questions: clusters,
      tieRate: n ? ties / (2 * n) : NaN,
      positionConsistency: n ? consistent / n : NaN,
      aRate: n ? aVerdicts / (2 * n) : NaN,
      itemScores,
    };
    // Groups with no scored item for this criterion are left out (their win rate would be NaN).
    const keep = (cells: Cells): Cells => {
      const gs = cells.groups.map((_, g) => g).filter((g) => cells.count(g) > 0);
      if (gs.length === cells.groups.length) return cells;
      const out = new Cells(
        gs.map((g) => cells.groups[g]),
        Q,
      );
      gs.forEach((g, k) => {
        out.sum.set(cells.sum.subarray(g * Q, (g + 1) * Q), k * Q);
        out.n.set(cells.n.subarray(g * Q, (g + 1) * Q), k * Q);
      });
      return out;
    };
    const sg = groupScores(keep(sgCells), weights, level, winRate);
    bySubgroup[c] = sg.groups;
    subgroupDisparity[c] = sg.disparity;
    byAttribute[c] = {};
    for (const a of attributes) {
      const r = groupScores(keep(attrCells.get(a)!), weights, level, winRate);
      byAttribute[c][a] = { values: r.groups, disparity: r.disparity };
    }
  }

  return {
    criteria: criteriaOut,
    bySubgroup,
    subgroupDisparity,
    byAttribute,
    judgements: judgements.length,
    bootstrap: {
      draws: weights.length,
      seed,
      level,
      cluster: "question",
      method: "percentile for win rates, basic for disparity; both widened to contain the estimate",
    },
    items,
  };
}

export interface CriterionComparison {
  /** Win rates on the shared items (mean over the runs when several pairs are given). */
  base: number;
  tuned: number;
  /** tuned − base, in win-rate units (×100 for the paper's "points"). */
  difference: number;
  /** Paired percentile bootstrap over questions, widened to contain the estimate. */
  ci: Interval;
  /** Items scored in both runs (summed over the pairs). */
  items: number;
  onlyBase: number;
  onlyTuned: number;
}

export interface ScoreComparison {
  criteria: Record<Criterion, CriterionComparison>;
  /** Model pairs compared (the average is over them: the paper's +1.1 points is over 7 open models). */
  pairs: number;
  bootstrap: { draws: number; seed: number; level: number; cluster: "question" };
}

/**
 * Base vs tuned win rates per criterion, on the items scored in both. Given lists (one entry per
 * model, base[i] paired with tuned[i]), the difference is the mean over models of each model's
 * difference, and every resample draws the same questions for all of them.
 */
export function compareScores(
  base: JudgeScores | readonly JudgeScores[],
  tuned: JudgeScores | readonly JudgeScores[],
  opts: { bootstrap?: number; seed?: number; level?: number; criteria?: Criterion[] } = {},
): ScoreComparison {
  const bs = Array.isArray(base) ? (base as readonly JudgeScores[]) : [base as JudgeScores];
  const ts = Array.isArray(tuned) ? (tuned as readonly JudgeScores[]) : [tuned as JudgeScores];
  if (bs.length !== ts.length || bs.length === 0)
    throw new Error(`compareScores: ${bs.length} base and ${ts.length} tuned score sets; pass one of each per model`);
  const draws = opts.bootstrap ?? DEFAULT_DRAWS;
  const seed = opts.seed ?? DEFAULT_SEED;
  const level = opts.level ?? DEFAULT_LEVEL;
  const criteria = opts.criteria ?? Object.keys(bs[0].criteria).filter((c) => bs.every((b) => c in b.criteria) && ts.every((t) => c in t.criteria));
  const out: Record<Criterion, CriterionComparison> = {};
  for (const c of criteria) {
    // Per model: per question sums of base and tuned scores over the shared items.
    const perModel: Map<string, { b: number; t: number; n: number }>[] = [];
    let items = 0;
    let onlyBase = 0;
    let onlyTuned = 0;
    for (let m = 0; m < bs.length; m++) {
      const tunedItems = new Map(ts[m].items.filter((x) => x.scores[c] != null).map((x) => [x.item, x]));
      const rows = new Map<string, { b: number; t: number; n: number }>();
      for (const x of bs[m].items) {
        const sb = x.scores[c];
        if (sb == null) continue;
        const y = tunedItems.get(x.item);
        if (!y) {
          onlyBase++;
          continue;
        }
        tunedItems.delete(x.item);
        const r = rows.get(x.question) ?? rows.set(x.question, { b: 0, t: 0, n: 0 }).get(x.question)!;
        r.b += sb;
        r.t += y.scores[c]!;
        r.n++;
        items++;
      }
      onlyTuned += tunedItems.size;
      perModel.push(rows);
    }
    const questions = [...new Set(perModel.flatMap((r) => [...r.keys()]))].sort();
    const stat = (w?: Uint16Array): { b: number; t: number } => {
      let b = 0;
      let t = 0;
      for (const rows of perModel) {
        let sb = 0;
        let st = 0;
        let n = 0;
        questions.forEach((q, i) => {
          const r = rows.get(q);
          const k = w ? w[i] : 1;
          if (!r || k === 0) return;
          sb += k * r.b;
          st += k * r.t;
          n += k * r.n;
        });
        b += n ? sb / n : NaN;
        t += n ? st / n : NaN;
      }
      return { b: b / perModel.length, t: t / perModel.length };
    };
    const point = stat();
    const weights = draws > 0 && questions.length ? drawClusterWeights(questions.length, draws, seed) : [];
    const diffs = weights.map((w) => {
      const s = stat(w);
      return s.t - s.b;
    });
    const difference = point.t - point.b;
    out[c] = {
      base: point.b,
      tuned: point.t,
      difference,
      ci: weights.length ? percentileWithEstimate(difference, diffs, level) : [NaN, NaN],
      items,
      onlyBase,
      onlyTuned,
    };
  }
  return { criteria: out, pairs: bs.length, bootstrap: { draws, seed, level, cluster: "question" } };
}

/**
 * The judge's one verdict per item for agreement with humans, from the two orders combined:
 * win if (s1 + s2)/2 > 0.5, tie if = 0.5, loss if < 0.5 (so "A" then "A" — a pure position
 * preference — is a tie, and a win plus a tie is a win). Items not scored (unparsed or one order
 * only) have no verdict.
 */
export function combinedVerdict(score: number): OrdinalVerdict {
  return score > 0.5 ? "win" : score < 0.5 ? "loss" : "tie";
}

/** criterion → item → combined verdict, for every scored item. */
export function combinedVerdicts(scores: Pick<JudgeScores, "items">): Map<Criterion, Map<string, OrdinalVerdict>> {
  const out = new Map<Criterion, Map<string, OrdinalVerdict>>();
  for (const x of scores.items) {
    for (const [c, s] of Object.entries(x.scores)) {
      if (s === null) continue;
      (out.get(c) ?? out.set(c, new Map()).get(c)!).set(x.item, combinedVerdict(s));
    }
  }
  return out;
}
