/**
 * Base URLs of HTTP providers: checked before they are used or recorded. A base URL ends up in
 * provider ids, cache keys, manifests and answer metadata, so it must never carry a credential.
 * Kept apart from the SDK clients so the registry can compute cache identities without loading them.
 */
import { ProviderError } from "./types";

/** A URL for messages with any userinfo and query masked (never echo a credential). */
export function redactURL(url: string): string {
  return url.replace(/\/\/[^/@\s]*@/, "//***@").replace(/\?[^#\s]*/, "?***");
}

const DEFAULT_KEY_HINT = "SVLAB_API_KEY (openai-compatible:) or OPENAI_API_KEY (openai:)";

/**
 * Check a base URL: it must be http(s) and carry no credentials (user:key@, ?api_key=, #…), since
 * it would be stored in caches, results and logs; keys belong in the environment (`keyHint` names
 * the variable). Returns the URL without a trailing slash.
 */
export function checkBaseURL(url: string, where: string, keyHint = DEFAULT_KEY_HINT): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ProviderError(`${where}: "${redactURL(url)}" is not a URL (expected e.g. http://127.0.0.1:8000/v1)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new ProviderError(`${where}: expected an http(s) base URL, got "${redactURL(url)}"`);
  if (u.username || u.password || u.search || u.hash) {
    throw new ProviderError(
      `${where}: the base URL "${redactURL(url)}" carries credentials or a query (user:key@ or ?…); these would be written to caches, results and logs. ` +
        `Give the bare URL and put the key in ${keyHint}`,
    );
  }
  return url.replace(/\/+$/, "");
}

/**
 * Where a hosted API is served, for cache keys: undefined for the provider's own default URL (so
 * existing cache keys stay valid), else the checked override — `baseURL` (ctx), else the environment
 * variable `envVar` (a gateway or proxy may answer differently from the provider and from another gateway).
 */
export function hostedEndpoint(
  baseURL: string | undefined,
  env: Record<string, string | undefined>,
  envVar: string,
  defaultURL: string,
  where: string,
  keyHint?: string,
): string | undefined {
  const given = baseURL ?? env[envVar] ?? defaultURL;
  const url = checkBaseURL(given, baseURL ? "baseURL" : env[envVar] ? envVar : where, keyHint);
  return url === defaultURL ? undefined : url;
}

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

/**
 * What identifies where an openai: model is served, for cache keys: undefined for OpenAI's own API
 * (so existing cache keys stay valid), else the checked base URL (ctx.baseURL, else OPENAI_BASE_URL).
 */
export function openaiEndpoint(baseURL: string | undefined, env: Record<string, string | undefined> = process.env): string | undefined {
  return hostedEndpoint(baseURL, env, "OPENAI_BASE_URL", OPENAI_DEFAULT_BASE_URL, "openai");
}
