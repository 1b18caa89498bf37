/**
 * Reads a judge's reply into one verdict per criterion. Judges are asked for a JSON object
 * `{"overall": "A"|"B"|"tie", …, "reason": "…"}` but small or chatty models wrap it in code fences or
 * prose, change key case, or write "Tie", "TIE", "equal", "Answer A". Rules, in order:
 *  1. every {...} object in the reply (fenced or not) that parses as JSON; the last one naming a
 *     criterion wins (a judge that corrects itself ends with its final answer);
 *  2. otherwise `criterion: A` / `"criterion" = "tie"` lines in the prose (case-insensitive).
 * A value that is not clearly A, B or a tie is null: counted as unparsed by the scores, never a tie.
 */
import type { Criterion, Verdict } from "./types";

export interface ParsedVerdicts {
  verdicts: Record<Criterion, Verdict | null>;
  reason?: string;
}

const TIE_WORDS = new Set(["tie", "tied", "equal", "equally good", "both", "draw", "same", "neither", "c", "="]);

/** One verdict value → "A" | "B" | "tie" | null. */
export function normaliseVerdict(value: unknown): Verdict | null {
  if (typeof value !== "string") return null;
  const v = value
    .trim()
    .toLowerCase()
    .replace(/^[\s"'`*[(]+|[\s"'`*\].)!]+$/g, "")
    .replace(/^(answer|response|assistant|option|output)\s+/, "");
  if (v === "a") return "A";
  if (v === "b") return "B";
  if (TIE_WORDS.has(v)) return "tie";
  return null;
}

/** Balanced {...} spans of a text, outermost first by position (strings with braces are skipped over). */
export function jsonObjectSpans(text: string): string[] {
  const out: string[] = [];
  for (let start = text.indexOf("{"); start !== -1; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === "\\") i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === "{") depth++;
      else if (ch === "}" && --depth === 0) {
        out.push(text.slice(start, i + 1));
        start = i; // continue after this object
        break;
      }
    }
  }
  return out;
}

function lowerKeys(o: Record<string, unknown>): Map<string, unknown> {
  return new Map(Object.entries(o).map(([k, v]) => [k.trim().toLowerCase(), v]));
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The verdicts a reply gives for `criteria` (see the rules above). */
export function parseVerdicts(raw: string, criteria: readonly Criterion[]): ParsedVerdicts {
  const none = (): Record<Criterion, Verdict | null> => Object.fromEntries(criteria.map((c) => [c, null]));
  const objects: Map<string, unknown>[] = [];
  for (const span of jsonObjectSpans(raw)) {
    try {
      const o = JSON.parse(span) as unknown;
      if (o && typeof o === "object" && !Array.isArray(o)) objects.push(lowerKeys(o as Record<string, unknown>));
    } catch {
      // not JSON (prose braces, a truncated reply): the prose rule may still read it
    }
  }
  const named = objects.filter((o) => criteria.some((c) => o.has(c.toLowerCase())));
  const chosen = named.at(-1);
  if (chosen) {
    const verdicts = none();
    for (const c of criteria) verdicts[c] = normaliseVerdict(chosen.get(c.toLowerCase()));
    const reason = chosen.get("reason") ?? chosen.get("explanation") ?? chosen.get("rationale");
    return typeof reason === "string" && reason.trim() ? { verdicts, reason: reason.trim() } : { verdicts };
  }
  // prose: "Overall: A", "**Value**: tie", "persona = B"
  const verdicts = none();
  for (const c of criteria) {
    // the value is the rest of the line up to an explanation ("A (more in character)", "Tie. Both …");
    // "both are bad, I cannot say" is then "both are bad": no verdict, not a tie
    const re = new RegExp(`\\b${escapeRe(c)}\\b["'*_]*\\s*[:=]([^\\n]*)`, "gi");
    let last: RegExpExecArray | null = null;
    for (let m = re.exec(raw); m; m = re.exec(raw)) last = m;
    if (last) verdicts[c] = normaliseVerdict(last[1].split(/[.,;(—–]|\s-\s|\sbecause\b/i)[0]);
  }
  return { verdicts };
}
