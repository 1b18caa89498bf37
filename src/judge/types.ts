/**
 * Shared shapes of the open-ended task and the pairwise judge (Tan et al. 2026, §open-ended):
 * each item is judged twice, the candidate shown as A and then as B, so a judge's position bias cancels.
 */

/** A judge's verdict for one criterion: which labelled answer is better, or a tie. */
export type Verdict = "A" | "B" | "tie";

/** Criterion ids; the paper's are "overall", "value", "persona" (configurable). */
export type Criterion = string;

/** Which position the candidate's answer held in one judgement. */
export type CandidatePosition = "A" | "B";

/** One judge call on one item in one order. */
export interface Judgement {
  /** Item key: the (question, subgroup) pair, `pairKey(question, subgroup)` = `${question}::${subgroup}`. */
  item: string;
  question: string;
  subgroup: string;
  /** Where the candidate's answer was shown. */
  candidate: CandidatePosition;
  /** Verdict per criterion; null when the judge's reply gave none that could be read (counted, never a tie). */
  verdicts: Record<Criterion, Verdict | null>;
  /** The judge's stated reason, when given. */
  reason?: string;
  /** The judge's raw reply text. */
  raw: string;
  /** Set when the judge call failed (no reply); verdicts are then all null. */
  error?: string;
}

/** The candidate's score in one judgement for one criterion: win 1, tie 0.5, loss 0; null when unparsed. */
export function candidateScore(j: Judgement, criterion: Criterion): number | null {
  const v = j.verdicts[criterion];
  if (v === null || v === undefined) return null;
  if (v === "tie") return 0.5;
  return v === j.candidate ? 1 : 0;
}
