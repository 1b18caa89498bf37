/** Reads the codebook svlab ships (data/codebook.json, built by `svlab codebook` from the official files). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "../paths";
import type { Codebook } from "./codebook-build";
import type { Question } from "./types";

export type { Codebook, CodeList } from "./codebook-build";

let cached: Codebook | null = null;

/** The shipped codebook (cached after the first call). */
export function loadCodebook(): Codebook {
  if (cached) return cached;
  const file = join(dataDir(), "codebook.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`${file}: missing; rebuild it with \`svlab codebook\` (needs ../shared/wvs-real)`);
  }
  cached = JSON.parse(text) as Codebook;
  return cached;
}

/** One question by id, with a clear error for unknown ids. */
export function getQuestion(id: string, codebook: Codebook = loadCodebook()): Question {
  const q = codebook.questions[id];
  if (!q) {
    const known = Object.keys(codebook.questions);
    throw new Error(`unknown question id "${id}": expected a WVS-7 value item such as ${known.slice(0, 3).join(", ")} … (${known.length} known)`);
  }
  return q;
}
