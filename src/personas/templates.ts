/**
 * Prompt templates. Each renders (question, subgroup) into chat messages deterministically; the
 * suffix "+reversed" on any id reverses the option order, so prompt sensitivity can be measured.
 * Wording is ours (the paper's template is not public; Tan et al. 2026 only show the "Answer: N" reply form).
 */
import type { Subgroup } from "../benchmark/types";
import type { ChatMessage, Prompt } from "./messages";
import type { Question } from "../wvs/types";
import { anyone, firstPersonBio, personaDescription, PERSONA_COUNTRY } from "./describe";
import { renderQuestion } from "./question";
import { renderOpenQuestion } from "./open-question";

export const REVERSED_SUFFIX = "+reversed";

export interface TemplateInfo {
  id: string;
  description: string;
}

interface Template extends TemplateInfo {
  render(questionText: string, subgroup: Pick<Subgroup, "attributes">): ChatMessage[];
}

const SURVEY = "the World Values Survey";

const TEMPLATES: Template[] = [
  {
    id: "system-persona",
    description: "System message: 'You are <persona>.'; the question as the user message.",
    render: (q, s) => [
      {
        role: "system",
        content: `You are ${personaDescription(s)}. You are taking part in ${SURVEY}. Answer every question as yourself, from your own values and views.`,
      },
      { role: "user", content: q },
    ],
  },
  {
    id: "first-person-bio",
    description: "One user message: a first-person biography (one sentence per attribute), then the question.",
    render: (q, s) => [
      {
        role: "user",
        content: `${firstPersonBio(s)}\n\nI am taking part in ${SURVEY}. Answer the following question as I would answer it.\n\n${q}`,
      },
    ],
  },
  {
    id: "third-person",
    description: "One user message: 'Consider <persona>. How would this person answer …?'",
    render: (q, s) => [
      {
        role: "user",
        content: `Consider ${personaDescription(s)}. How would this person answer the following question from ${SURVEY}?\n\n${q}`,
      },
    ],
  },
  {
    id: "no-persona",
    description: `Control: the question alone, asked of 'a person living in ${PERSONA_COUNTRY}' whatever the subgroup.`,
    render: (q, s) => [
      { role: "system", content: `You are ${personaDescription(anyone(s))}. You are taking part in ${SURVEY}. Answer every question as yourself.` },
      { role: "user", content: q },
    ],
  },
];

/** The base templates (each also exists with "+reversed"). */
export function listTemplates(): TemplateInfo[] {
  return TEMPLATES.map(({ id, description }) => ({ id, description }));
}

/** Every valid template id, base and reversed. */
export function templateIds(): string[] {
  return TEMPLATES.flatMap((t) => [t.id, `${t.id}${REVERSED_SUFFIX}`]);
}

export const DEFAULT_TEMPLATE = "system-persona";

/** Split "third-person+reversed" into its base template and the reversal flag; throws on unknown ids. */
export function parseTemplateId(templateId: string): { base: string; reversed: boolean } {
  const reversed = templateId.endsWith(REVERSED_SUFFIX);
  const base = reversed ? templateId.slice(0, -REVERSED_SUFFIX.length) : templateId;
  if (!TEMPLATES.some((t) => t.id === base)) {
    throw new Error(`unknown template "${templateId}": expected one of ${templateIds().join(", ")}`);
  }
  return { base, reversed };
}

/**
 * The task a prompt asks for: "closed" (pick an option: "Answer: <code>") or "open-ended" (a short
 * free-text answer, the paper's second task; the same persona composition, no options, no codes).
 */
export type Task = "closed" | "open-ended";
export const TASKS: readonly Task[] = ["closed", "open-ended"];

/** The prompt for one (question, subgroup, template). Same inputs → byte-identical messages. */
export function buildPrompt(question: Question, subgroup: Subgroup, templateId: string = DEFAULT_TEMPLATE, opts: { task?: Task } = {}): Prompt {
  const { base, reversed } = parseTemplateId(templateId);
  const template = TEMPLATES.find((t) => t.id === base)!;
  if (opts.task === "open-ended") {
    // no options, so nothing to reverse; answerCodes [] tells the runner there is no code to parse
    if (reversed)
      throw new Error(`template "${templateId}": the open-ended task shows no options, so "${REVERSED_SUFFIX}" has nothing to reverse; use "${base}"`);
    return {
      question: question.id,
      subgroup: subgroup.id,
      templateId,
      messages: template.render(renderOpenQuestion(question), subgroup),
      answerCodes: [],
      answerLabels: {},
    };
  }
  const rq = renderQuestion(question, reversed);
  return {
    question: question.id,
    subgroup: subgroup.id,
    templateId,
    messages: template.render(rq.text, subgroup),
    answerCodes: rq.answerCodes,
    answerLabels: rq.answerLabels,
  };
}
