/**
 * The redactor every text svlab writes to disk passes through (results files, cache lines, batch
 * records, error rows): it removes the API key values in use — the ones providers registered when
 * they were made, and OPENAI_API_KEY / SVLAB_API_KEY from the environment — and any bearer token or
 * OpenAI-style key (sk-…). A server that echoes the Authorization header in an error body therefore
 * never gets the key written to errors.jsonl.
 */

const registered = new Set<string>();

/** Keys shorter than this are not treated as secrets (placeholders like "no-key" must not blank text). */
const MIN_SECRET = 8;

/** Register a key value in use (providers call this with the key they send). */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= MIN_SECRET && value !== "no-key") registered.add(value);
}

/** The key values to remove: registered ones and the key variables of the environment. */
export function secretValues(env: Record<string, string | undefined> = process.env): string[] {
  const out = new Set(registered);
  for (const name of ["OPENAI_API_KEY", "SVLAB_API_KEY"]) {
    const v = env[name];
    if (v && v.length >= MIN_SECRET) out.add(v);
  }
  // longest first, so a key that contains another is removed whole
  return [...out].sort((a, b) => b.length - a.length);
}

export const REDACTED = "[redacted]";

const BEARER = /\b(Bearer)(\s+|%20)[A-Za-z0-9._~+/=-]{4,}/gi;
const OPENAI_KEY = /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g;

/** The text without secrets. Cheap when there are none (the common case: one indexOf per key). */
export function redact(text: string, env?: Record<string, string | undefined>): string {
  let out = text;
  for (const s of secretValues(env)) {
    if (out.includes(s)) out = out.split(s).join(REDACTED);
    // also as JSON would escape it inside a string (keys rarely hold such characters, but be exact)
    const escaped = JSON.stringify(s).slice(1, -1);
    if (escaped !== s && out.includes(escaped)) out = out.split(escaped).join(REDACTED);
  }
  if (/bearer/i.test(out)) out = out.replace(BEARER, `$1$2${REDACTED}`);
  if (out.includes("sk-")) out = out.replace(OPENAI_KEY, REDACTED);
  return out;
}
