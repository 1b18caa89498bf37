/**
 * Turns model text into an answer code, with a defined outcome for every case (see
 * test/models-parse-answer.test.ts). Order of rules — the first that applies decides:
 *  1. empty/whitespace                       → null, reason "empty"
 *  2. "Answer: <n>" markers (also **Answer:** n, Answer = n); the LAST one wins;
 *     a code not among the valid codes         → null, reason "out of range: <n> (valid: …)"
 *     a decimal ("Answer: 2.5")               → null, reason "not a whole number: 2.5 (valid: …)"
 *  3. the whole reply is a number ("3", "**3**", "3.") → that number (checked as in 2)
 *  4. an option label (longest match; the last one in the text wins), e.g. "Answer: Rather important"
 *  5. the last standalone integer that is a valid code ("I would pick 2"); numbers in a range
 *     ("1-4", "1 to 4") and decimals are not answers
 *  6. refusal phrases ("As an AI…", "I cannot…") → null, refused, reason "refusal"
 *  7. otherwise                               → null, reason "no code found"
 * A code beats a refusal phrase: "I cannot say for sure, but I'd rate it 2" is 2, and "As an AI I
 * have no views, but … Answer: 2" is 2; "I can't pick a number from 1 to 4" is a refusal.
 */

import type { Answer, Prompt, ProviderReply } from "./types";

export type ParseMethod = "marker" | "bare-number" | "label" | "last-number";

export interface ParsedAnswer {
  code: number | null;
  refused: boolean;
  reason?: string;
  /** Which rule gave the code (absent when code is null). */
  method?: ParseMethod;
}

/**
 * An "Answer" marker followed by a number (group 1; decimals included so they can be rejected).
 * Shared with openai-chat's logprob reader, which anchors the code token on the same marker.
 */
export const ANSWER_MARKER = /\banswer\b[\s*_"'`:：=\-–]*?(-?\d+(?:\.\d+)?)(?!\.?\d)/gi;
const BARE = /^[\s*_"'`(]*(-?\d+(?:\.\d+)?)[\s*_"'`).]*$/;

/** The last "Answer: <number>" in `text`: the number as written and where it starts, or null. */
export function lastAnswerMarker(text: string): { value: string; index: number } | null {
  let last: RegExpMatchArray | null = null;
  for (const m of text.matchAll(ANSWER_MARKER)) last = m;
  if (!last) return null;
  // the number ends the match (the lookahead takes no characters)
  return { value: last[1], index: last.index! + last[0].length - last[1].length };
}

const REFUSAL: RegExp[] = [
  /\bas an ai\b/i,
  /\bas a (large )?language model\b/i,
  /\bi (cannot|can't|can not|won't|will not|am unable to|am not able to)\b/i,
  /\bi'm (unable|not able|sorry)\b/i,
  /\bi am sorry\b/i,
  /\bi (do not|don't) have (personal )?(opinions|beliefs|views|preferences|feelings)\b/i,
  /\bi (must|have to) (decline|refrain)\b/i,
];

const RANGE = /\b\d+\s*(?:-|–|—|to)\s*\d+\b/gi;

export function isRefusal(text: string): boolean {
  return REFUSAL.some((r) => r.test(text));
}

function rangeChecked(written: string, validCodes: number[], method: ParseMethod): ParsedAnswer {
  if (written.includes(".")) return { code: null, refused: false, reason: `not a whole number: ${written} (valid: ${validCodes.join(", ")})` };
  const n = Number(written);
  if (validCodes.includes(n)) return { code: n, refused: false, method };
  return { code: null, refused: false, reason: `out of range: ${n} (valid: ${validCodes.join(", ")})` };
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, " ");
}

/** Last label occurrence in `text`, ignoring occurrences inside a longer label's occurrence. */
function findLabel(text: string, labels: Record<string, string>): number | null {
  const t = normalise(text);
  const hits: Array<{ code: number; start: number; end: number }> = [];
  for (const [code, label] of Object.entries(labels)) {
    const l = normalise(label.trim());
    if (!l || /^-?\d+$/.test(l)) continue; // bare-number labels ("2") are numbers, not labels
    const re = new RegExp(`(^|[^a-z])${l.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![a-z])`, "g");
    for (let m = re.exec(t); m; m = re.exec(t)) {
      const start = m.index + m[1].length;
      hits.push({ code: Number(code), start, end: start + l.length });
    }
  }
  const kept = hits.filter((h) => !hits.some((o) => o !== h && o.start <= h.start && o.end >= h.end && o.end - o.start > h.end - h.start));
  if (!kept.length) return null;
  kept.sort((a, b) => a.start - b.start || b.end - a.end);
  return kept[kept.length - 1].code;
}

/** Parse `text` against the valid codes (and their labels) of the prompt it answers. */
export function parseAnswer(text: string, validCodes: number[], labels: Record<string, string> = {}): ParsedAnswer {
  if (!text || !text.trim()) return { code: null, refused: false, reason: "empty" };
  const marker = lastAnswerMarker(text);
  if (marker) return rangeChecked(marker.value, validCodes, "marker");
  const bare = BARE.exec(text);
  if (bare) return rangeChecked(bare[1], validCodes, "bare-number");
  // a label after an "Answer:" marker, else anywhere
  const afterMarker = /\banswer\b[\s*_:：=\-–]*([^\n]*)/i.exec(text);
  const labelCode = (afterMarker && findLabel(afterMarker[1], labels)) ?? findLabel(text, labels);
  if (labelCode !== null) return { code: labelCode, refused: false, method: "label" };
  // whole numbers, not decimals and not the ends of a range ("1-4", "1 to 4": the scale, not an answer)
  const numbers = [...text.replace(RANGE, " ").matchAll(/(?<![\w.])(-?\d+)(?![\w]|\.\d)/g)].map((m) => Number(m[1])).filter((n) => validCodes.includes(n));
  if (numbers.length) return { code: numbers[numbers.length - 1], refused: false, method: "last-number" };
  if (isRefusal(text)) return { code: null, refused: true, reason: "refusal" };
  return { code: null, refused: false, reason: "no code found" };
}

/** Why an answer to a prompt without answer codes (open-ended, judge prompts) has no code. */
export const OPEN_ENDED = "open-ended";

/**
 * The one place answers are made: a provider's reply (live, from the cache, or imported) → an Answer
 * for `prompt`. Text is parsed with parseAnswer (the text is authoritative, so a parser fix reaches
 * cached and imported answers too); a reply without text keeps the code its provider gave from a
 * distribution (llama score mode, baselines). A prompt with no answer codes is not parsed: code null,
 * reason "open-ended". A refusal the provider flagged itself (meta.refusal) counts as a refusal.
 */
export function answerFromReply(reply: ProviderReply, prompt: Pick<Prompt, "answerCodes" | "answerLabels">): Answer {
  const providerRefusal = typeof reply.meta?.refusal === "string" && reply.meta.refusal !== "";
  const { code: given, refused: givenRefused, reason: givenReason, ...rest } = reply;
  if (prompt.answerCodes.length === 0) return { ...rest, code: null, refused: providerRefusal, reason: OPEN_ENDED };
  if (!reply.text && given !== undefined) {
    const kept: Answer = { ...rest, code: given, refused: givenRefused ?? false };
    if (givenReason !== undefined) kept.reason = givenReason;
    return kept;
  }
  const parsed = parseAnswer(reply.text ?? "", prompt.answerCodes, prompt.answerLabels);
  const out: Answer = { ...rest, code: parsed.code, refused: parsed.refused || providerRefusal };
  if (parsed.code === null) out.reason = providerRefusal ? "refusal" : parsed.reason;
  if (reply.meta) out.meta = { ...reply.meta, parseMethod: parsed.method };
  return out;
}
