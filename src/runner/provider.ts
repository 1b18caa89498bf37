/**
 * The runner's bridge to src/models: turn a spec into a Provider, and a price function for it.
 * Kept in one place so the grid and the dry run agree.
 */
import type { Provider, Usage } from "../models/types";
import { openaiEndpoint } from "../models/openai-chat";
import { costOf } from "../models/pricing";
import { createProvider, type ProviderContext } from "../models/registry";

/** The model name a spec bills under: "openai:gpt-4.1-mini" → "gpt-4.1-mini"; null when not OpenAI's own API. */
export function openaiModelOf(spec: string): string | null {
  return spec.startsWith("openai:") ? spec.slice("openai:".length) : null;
}

/** USD for a usage under the model's list price, or undefined when no price is known (never guessed). */
export function priceFor(spec: string, opts: { batch?: boolean } = {}): ((u: Usage) => number | undefined) | undefined {
  const model = openaiModelOf(spec);
  if (!model || costOf(model, 0, 0) === undefined) return undefined;
  return (u) => costOf(model, u.inputTokens, u.outputTokens, opts);
}

/** A Provider as given, or one made from its spec (baselines get the benchmark). */
export async function resolveProvider(model: string | Provider, ctx: ProviderContext = {}): Promise<Provider> {
  if (typeof model !== "string") return model;
  return createProvider(model, ctx);
}

/**
 * What the cache keys of a spec depend on, without creating the provider (no key needed, nothing
 * contacted): its id, and for openai: the endpoint (baseURL, else OPENAI_BASE_URL) when not OpenAI's own.
 */
export function cacheIdentity(spec: string, ctx: Pick<ProviderContext, "baseURL" | "env"> = {}): Pick<Provider, "id" | "endpoint"> {
  if (!spec.startsWith("openai:")) return { id: spec };
  const endpoint = openaiEndpoint(ctx.baseURL, ctx.env ?? process.env);
  return endpoint !== undefined ? { id: spec, endpoint } : { id: spec };
}
