/** `openai:MODEL` — OpenAI's chat completions (src/models/openai-chat.ts), key OPENAI_API_KEY. */
import { openaiEndpoint, redactURL } from "../base-url";
import { priceIn, costIn, BATCH_DISCOUNT, type ModelPrice, type PriceTable } from "../pricing";
import { modelNameOf, specRest, type ProviderKind } from "./kind";

/**
 * OpenAI list prices, standard tier, USD per 1M tokens. The gpt-4.1 family and gpt-4o / gpt-4o-mini
 * (the paper's models) were cross-checked in 2026-11 against public price listings from 2026-05; the
 * others are the list prices of the date. The Batch API costs half (BATCH_DISCOUNT).
 */
export const OPENAI_PRICE_TABLE: PriceTable = Object.freeze({
  source: "https://openai.com/api/pricing/",
  asOf: "2025-08-07",
  models: Object.freeze({
    "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
    "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
    "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
    "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
    "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
    "gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
    "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
    "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
    o3: { input: 2, cachedInput: 0.5, output: 8 },
    "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
    "gpt-4-turbo": { input: 10, output: 30 },
    "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  }),
  // dated snapshots bill as their model: "gpt-4.1-2025-04-14" → "gpt-4.1"; an "openai/" prefix (gateways) is dropped
  undated: (m: string) => m.replace(/^openai\//, "").replace(/-\d{4}-\d{2}-\d{2}$/, ""),
});

/** OpenAI's table by model name (kept for callers of the former pricing.ts). */
export const OPENAI_PRICES: Readonly<Record<string, ModelPrice>> = OPENAI_PRICE_TABLE.models;
export const PRICES_AS_OF = OPENAI_PRICE_TABLE.asOf;
export { BATCH_DISCOUNT };

/** OpenAI price of a model name, also for dated snapshots; undefined for unknown models (never guessed). */
export function priceOf(model: string): ModelPrice | undefined {
  return priceIn(OPENAI_PRICE_TABLE, model);
}

/** USD at OpenAI's list price, or undefined when the model has no known price. */
export function costOf(model: string, inputTokens: number, outputTokens: number, opts: { batch?: boolean } = {}): number | undefined {
  return costIn(OPENAI_PRICE_TABLE, model, inputTokens, outputTokens, opts);
}

// loaded lazily: the registry (and figure labels) must not pull in the SDK
const impl = () => import("../openai-chat");

export const openaiKind: ProviderKind = {
  prefixes: ["openai"],
  specs: ["openai:MODEL"],
  help: "OpenAI chat completions (OPENAI_API_KEY; OPENAI_BASE_URL for a gateway); distribution from logprobs; --batch",
  keyVariable: "OPENAI_API_KEY",
  capabilities: { distribution: true, batch: true, json: true, seed: true },
  prices: OPENAI_PRICE_TABLE,
  parse(spec) {
    const model = specRest(spec);
    if (!model) throw new Error(`bad model spec "${redactURL(spec)}": expected openai:MODEL, e.g. openai:gpt-4.1-mini`);
    return { kind: "openai", model };
  },
  async create(spec, ctx) {
    const { model } = this.parse(spec);
    const { createOpenAIProvider } = await impl();
    return createOpenAIProvider(spec, {
      kind: "openai",
      model,
      baseURL: ctx.baseURL,
      timeoutMs: ctx.timeoutMs,
      env: ctx.env,
      fetch: ctx.fetch,
      prices: OPENAI_PRICE_TABLE,
    });
  },
  cacheIdentity(spec, ctx) {
    // the endpoint only when not api.openai.com, so existing keys stay valid
    const endpoint = openaiEndpoint(ctx.baseURL, ctx.env ?? process.env);
    return endpoint !== undefined ? { id: spec, endpoint } : { id: spec };
  },
  label: modelNameOf,
  batchTarget(spec, ctx) {
    const endpoint = openaiEndpoint(ctx.baseURL, ctx.env ?? process.env);
    return { kind: "openai", model: this.parse(spec).model, ...(endpoint !== undefined ? { baseURL: endpoint } : {}) };
  },
};
