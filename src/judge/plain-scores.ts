/**
 * TEMPORARY stand-in for src/judge/scores.ts (built by the `scores` engineer: bootstrap intervals,
 * fairness by subgroup and attribute). This gives only the plain per-criterion numbers — the paper's
 * WR_c = mean over items of (s1 + s2) / 2 — so `svlab judge` has output before scores.ts lands.
 * TODO(lead): replace the one call in src/judge/summary.ts with scoreJudgements and delete this file.
 */
import { candidateScore, type Criterion, type Judgement } from "./types";

export interface PlainCriterionScore {
  /** Mean over items with both orders readable of (s1 + s2) / 2; null when there are none. */
  winRate: number | null;
  /** Items with both orders readable. */
  n: number;
  /** Judgements with no readable verdict for this criterion (failed calls included). */
  unparsed: number;
  /** Share of readable judgements that were ties. */
  tieRate: number | null;
  /** Share of items whose two orders agree (the same answer wins, or tie both times). */
  positionConsistency: number | null;
}

export function plainScores(judgements: Judgement[], criteria: readonly Criterion[]): Record<Criterion, PlainCriterionScore> {
  const byItem = new Map<string, Judgement[]>();
  for (const j of judgements) byItem.set(j.item, [...(byItem.get(j.item) ?? []), j]);
  const out: Record<Criterion, PlainCriterionScore> = {};
  for (const c of criteria) {
    let sum = 0;
    let n = 0;
    let agree = 0;
    let ties = 0;
    let readable = 0;
    let unparsed = 0;
    for (const j of judgements) {
      const v = j.verdicts[c];
      if (v === null || v === undefined) unparsed++;
      else {
        readable++;
        if (v === "tie") ties++;
      }
    }
    for (const js of byItem.values()) {
      const a = js.find((j) => j.candidate === "A");
      const b = js.find((j) => j.candidate === "B");
      const s1 = a ? candidateScore(a, c) : null;
      const s2 = b ? candidateScore(b, c) : null;
      // an item counts only with both orders read: one order alone would keep the judge's position bias
      if (s1 === null || s2 === null) continue;
      n++;
      sum += (s1 + s2) / 2;
      if (s1 === s2) agree++;
    }
    out[c] = {
      winRate: n ? sum / n : null,
      n,
      unparsed,
      tieRate: readable ? ties / readable : null,
      positionConsistency: n ? agree / n : null,
    };
  }
  return out;
}

/**
 * Win rate per attribute value (every item whose subgroup has that value), per criterion.
 * TEMPORARY like plainScores: scores.ts's byAttribute adds intervals and disparity.
 */
export function plainScoresByAttribute(
  judgements: Judgement[],
  criteria: readonly Criterion[],
  attributesOf: (subgroup: string) => Record<string, string>,
): Array<{ attribute: string; value: string; scores: Record<Criterion, PlainCriterionScore> }> {
  const groups = new Map<string, { attribute: string; value: string; js: Judgement[] }>();
  for (const j of judgements) {
    for (const [attribute, value] of Object.entries(attributesOf(j.subgroup))) {
      const k = `${attribute}\u0000${value}`;
      if (!groups.has(k)) groups.set(k, { attribute, value, js: [] });
      groups.get(k)!.js.push(j);
    }
  }
  return [...groups.values()]
    .sort((a, b) => a.attribute.localeCompare(b.attribute) || a.value.localeCompare(b.value))
    .map((g) => ({ attribute: g.attribute, value: g.value, scores: plainScores(g.js, criteria) }));
}
