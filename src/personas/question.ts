/**
 * Renders a codebook question with every answer option and its code, in ordinal order (or reversed),
 * and the instruction to reply `Answer: <code>` (the form of the paper's released outputs).
 */
import type { AnswerOption, Question } from "../wvs/types";

export interface RenderedQuestion {
  /** Question text, options and the reply instruction. */
  text: string;
  /** Codes in the order shown. */
  answerCodes: number[];
  /** Code → label. */
  answerLabels: Record<string, string>;
}

/** The reply instruction; parsing (src/models/parse-answer.ts) expects this form. */
export const REPLY_INSTRUCTION = 'Reply with the code of the chosen option only, in the form "Answer: <code>".';

/**
 * Options shown to the model: the ordinal scale, then the substantive off-scale options (e.g. Q254
 * "I am not Singaporean"), which subgroup counts include. `reversed` reverses the scale part only,
 * so off-scale options stay last and codes never change.
 */
export function shownOptions(question: Question, reversed = false): AnswerOption[] {
  const scale = reversed ? [...question.scale].reverse() : question.scale;
  return [...scale, ...question.offScale];
}

/** "3. Not very important"; a bare "2" when the codebook label is just the code (10-point scales). */
export function optionLine(o: AnswerOption): string {
  return o.label.trim() === String(o.code) ? `${o.code}.` : `${o.code}. ${o.label}`;
}

export function renderQuestion(question: Question, reversed = false): RenderedQuestion {
  if (!question.scale.length) throw new Error(`question ${question.id}: the codebook gives no answer scale`);
  const options = shownOptions(question, reversed);
  const body = (question.text || question.label).trim();
  const text = [`Question: ${body}`, "", "Options:", ...options.map(optionLine), "", REPLY_INSTRUCTION].join("\n");
  const answerLabels: Record<string, string> = {};
  for (const o of options) answerLabels[String(o.code)] = o.label;
  return { text, answerCodes: options.map((o) => o.code), answerLabels };
}
