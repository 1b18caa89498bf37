/**
 * What the judge is asked: the criteria (the paper's Overall, Value and Persona by default) and the
 * instructions around them. A rubric file may replace both:
 *
 *   { "instructions": "…optional preamble…", "criteria": { "overall": "…", "value": "…", "helpful": "…" } }
 *
 * Criterion ids are lower-case words (they become JSON keys of the verdict and columns of the scores).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Criterion } from "./types";

export interface Rubric {
  /** Preamble of the judge's system message. */
  instructions: string;
  /** Criterion id → what it asks the judge to compare. */
  criteria: Record<Criterion, string>;
}

/** The paper's three criteria (Tan et al. 2026); wording ours (the paper's rubric is not public). */
export const DEFAULT_CRITERIA: Criterion[] = ["overall", "value", "persona"];

export const DEFAULT_RUBRIC: Rubric = {
  instructions:
    "You are an impartial judge. Two AI assistants were each asked to answer a survey question as a given persona would, " +
    "in their own words. Compare their two answers. Judge the content, not the order in which the answers are shown or their length.",
  criteria: {
    overall: "Which answer is the better answer overall for this persona: plausible, relevant to the question, and consistent in its values and its character.",
    value: "Which answer better expresses the values and views that people of this persona's group most commonly hold on this question.",
    persona: "Which answer better stays in character as this persona (speaks as this person, with this person's background and circumstances).",
  },
};

const CRITERION_ID = /^[a-z][a-z0-9_-]{0,31}$/;

/** Read and check a rubric file (JSON; see above). Errors name the file and the field. */
export function readRubric(file: string): Rubric {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: not a readable JSON rubric (${(err as Error).message}); expected {"instructions"?: "…", "criteria": {"overall": "…", …}}`);
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new Error(`${file}: expected a JSON object {"instructions"?: "…", "criteria": {…}}`);
  const o = data as Record<string, unknown>;
  if (o.instructions !== undefined && (typeof o.instructions !== "string" || !o.instructions.trim())) {
    throw new Error(`${file}: field "instructions" should be a non-empty string`);
  }
  const c = o.criteria;
  if (!c || typeof c !== "object" || Array.isArray(c) || !Object.keys(c).length) {
    throw new Error(`${file}: field "criteria" should be an object of criterion id → description, e.g. {"overall": "Which answer is better overall"}`);
  }
  const criteria: Record<Criterion, string> = {};
  for (const [id, text] of Object.entries(c as Record<string, unknown>)) {
    if (!CRITERION_ID.test(id)) throw new Error(`${file}: criterion id "${id}" should be a lower-case word (letters, digits, "_" or "-")`);
    if (typeof text !== "string" || !text.trim()) throw new Error(`${file}: criteria.${id} should be a non-empty description`);
    criteria[id] = text.trim();
  }
  return { instructions: typeof o.instructions === "string" ? o.instructions.trim() : DEFAULT_RUBRIC.instructions, criteria };
}

/**
 * The criteria to ask for: `wanted` (default: the rubric's own, which for the default rubric are
 * the paper's three), each of which the rubric must describe.
 */
export function selectCriteria(rubric: Rubric, wanted?: readonly string[]): Criterion[] {
  const list = wanted?.length ? wanted.map((c) => c.trim().toLowerCase()).filter(Boolean) : Object.keys(rubric.criteria);
  if (!list.length) throw new Error("criteria: expected at least one criterion");
  const unknown = list.filter((c) => !(c in rubric.criteria));
  if (unknown.length)
    throw new Error(
      `criteria: ${unknown.map((c) => `"${c}"`).join(", ")} not described by the rubric; expected some of ${Object.keys(rubric.criteria).join(", ")} (or a --rubric file describing them)`,
    );
  return [...new Set(list)];
}

/** sha256 of the rubric text actually sent (instructions + the chosen criteria), for the judge run's identity. */
export function rubricSha256(rubric: Rubric, criteria: readonly Criterion[]): string {
  const used = { instructions: rubric.instructions, criteria: criteria.map((c) => [c, rubric.criteria[c]]) };
  return createHash("sha256").update(JSON.stringify(used)).digest("hex");
}
