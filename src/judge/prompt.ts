/**
 * The judge's prompt for one item in one order: the rubric and the reply format as the system
 * message; the persona, the question and the two answers labelled A and B as the user message.
 * Which answer is A is the only difference between an item's two prompts (candidate as A, then as B).
 */
import type { Subgroup } from "../benchmark/types";
import type { Prompt } from "../models/types";
import { personaDescription } from "../personas/index";
import type { Question } from "../wvs/types";
import type { Rubric } from "./rubric";
import type { CandidatePosition, Criterion } from "./types";

export interface JudgeItem {
  question: Question;
  subgroup: Subgroup;
  candidateText: string;
  referenceText: string;
}

/** Template id of a judge prompt: where the candidate's answer is shown. */
export function judgeTemplateId(candidate: CandidatePosition): string {
  return `judge-candidate-${candidate}`;
}

/** The reply format line: `{"overall": "A" | "B" | "tie", …, "reason": "…"}`. */
export function replyFormat(criteria: readonly Criterion[]): string {
  return `{${criteria.map((c) => `"${c}": "A" | "B" | "tie"`).join(", ")}, "reason": "<one or two sentences>"}`;
}

export function judgeSystemMessage(rubric: Rubric, criteria: readonly Criterion[]): string {
  return [
    rubric.instructions,
    "",
    'For each criterion, answer "A" if answer A is better, "B" if answer B is better, or "tie" if neither is better:',
    ...criteria.map((c) => `- ${c}: ${rubric.criteria[c]}`),
    "",
    `Reply with one JSON object only, exactly of this form: ${replyFormat(criteria)}`,
  ].join("\n");
}

/** The prompt for one item with the candidate's answer at `candidate` (answerCodes []: nothing to parse into a code). */
export function buildJudgePrompt(item: JudgeItem, candidate: CandidatePosition, rubric: Rubric, criteria: readonly Criterion[]): Prompt {
  const [a, b] = candidate === "A" ? [item.candidateText, item.referenceText] : [item.referenceText, item.candidateText];
  const question = (item.question.text || item.question.label).trim();
  const user = [
    `Persona: ${personaDescription(item.subgroup)}`,
    "",
    `Question: ${question}`,
    "",
    "[Answer A]",
    a.trim(),
    "[End of answer A]",
    "",
    "[Answer B]",
    b.trim(),
    "[End of answer B]",
  ].join("\n");
  return {
    question: item.question.id,
    subgroup: item.subgroup.id,
    templateId: judgeTemplateId(candidate),
    messages: [
      { role: "system", content: judgeSystemMessage(rubric, criteria) },
      { role: "user", content: user },
    ],
    answerCodes: [],
    answerLabels: {},
  };
}
