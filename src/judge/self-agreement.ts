/**
 * The judge against itself: weighted Cohen's κ between an item's two orders (the candidate's result
 * when shown as A vs when shown as B, as loss < tie < win). Without human annotations this is the one
 * reliability check a judge run has: a judge driven by position rather than content scores low.
 */
import { kappasByItem, type Kappas, type OrdinalVerdict } from "./kappa";
import { candidateScore, type Criterion, type Judgement } from "./types";

const RESULT: Record<string, OrdinalVerdict> = { "0": "loss", "0.5": "tie", "1": "win" };

/** κ (unweighted, linear, quadratic) between the two orders, per criterion, over items readable in both. */
export function orderAgreement(judgements: readonly Judgement[], criteria: readonly Criterion[]): Record<Criterion, Kappas> {
  const out: Record<Criterion, Kappas> = {};
  for (const c of criteria) {
    const asA = new Map<string, OrdinalVerdict>();
    const asB = new Map<string, OrdinalVerdict>();
    for (const j of judgements) {
      const s = candidateScore(j, c);
      if (s === null) continue;
      (j.candidate === "A" ? asA : asB).set(j.item, RESULT[String(s)]);
    }
    out[c] = kappasByItem(asA, asB);
  }
  return out;
}
