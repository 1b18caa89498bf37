/**
 * The open-ended form of a codebook question (Tan et al. 2026, open-ended task): the question's own
 * wording and a request for a short free-text answer, with no options list and no scale or
 * "Answer: <code>" instruction, so the persona says what it thinks in its own words.
 */
import type { Question } from "../wvs/types";

/** The reply instruction of the open-ended task (ours: the paper's prompt is not public). */
export const OPEN_REPLY_INSTRUCTION =
  "Answer in your own words, in two to four sentences: say what you think and why. Do not answer with a number or an option from a scale, even if the question mentions one.";

/** "Question: <wording>" and the open reply instruction. */
export function renderOpenQuestion(question: Question): string {
  const body = (question.text || question.label).trim();
  if (!body) throw new Error(`question ${question.id}: the codebook gives neither text nor label`);
  return [`Question: ${body}`, "", OPEN_REPLY_INSTRUCTION].join("\n");
}
