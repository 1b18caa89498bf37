/**
 * Every request of a run has an outcome: answered (a parsed code), refused, unparsed, or failed (no
 * answer after retries: a row of errors.jsonl). Scoring sees all four: failed requests become
 * predictions with `failed: true` and no code, scored wrong by default (evaluate's excludeFailed
 * leaves them out, and says so), so a run that failed on hard pairs cannot look better for it.
 */
import type { RunError } from "../runner/results";
import type { Prediction } from "../runner/types";

/** The run's predictions plus one failed prediction per error that has no answer (a retry may have answered it since). */
export function withFailures(predictions: readonly Prediction[], errors: readonly RunError[]): Prediction[] {
  const key = (p: Pick<Prediction, "model" | "templateId" | "question" | "subgroup" | "sample">): string =>
    `${p.model}\u0000${p.templateId}\u0000${p.question}\u0000${p.subgroup}\u0000${p.sample}`;
  const answered = new Set(predictions.map(key));
  const out = [...predictions];
  const added = new Set<string>();
  for (const e of errors) {
    const k = key(e);
    if (answered.has(k) || added.has(k)) continue;
    added.add(k);
    out.push({
      model: e.model,
      templateId: e.templateId,
      question: e.question,
      subgroup: e.subgroup,
      split: e.split,
      sample: e.sample,
      code: null,
      refused: false,
      failed: true,
      reason: "failed",
    });
  }
  return out;
}

/** Counts of each outcome over predictions (requests, not pairs). */
export function outcomeCounts(predictions: readonly Prediction[]): { answered: number; refused: number; unparsed: number; failed: number } {
  let answered = 0,
    refused = 0,
    unparsed = 0,
    failed = 0;
  for (const p of predictions) {
    if (p.failed) failed++;
    else if (p.refused) refused++;
    else if (p.code === null) unparsed++;
    else answered++;
  }
  return { answered, refused, unparsed, failed };
}
