/**
 * `anthropic:MODEL` — Anthropic's Messages API through the official @anthropic-ai/sdk.
 * Key: ANTHROPIC_API_KEY (read from the environment only, never written). Base URL: ctx.baseURL, else
 * ANTHROPIC_BASE_URL, else api.anthropic.com (an override is part of the cache key, like openai:).
 * The runner owns retries, so the client has maxRetries 0 and every failure becomes a ProviderError:
 * 429 and 529 (overloaded) and 5xx are transient with Retry-After honoured, 4xx are not.
 * The Messages API gives no token probabilities: capabilities.distribution is false and a request
 * for a distribution is refused with a plain message. No JSON mode either: GenerateOptions.json is
 * left to the prompt. The system message goes in the `system` field. The SDK's API version
 * (2026-10-21) takes no temperature or seed: they stay in the cache key but are not sent (meta.notSent).
 */
import type AnthropicSDK from "@anthropic-ai/sdk";
import { hostedEndpoint, redactURL } from "../base-url";
import { isUnreachable, retryAfterSeconds } from "../http-errors";
import { costIn, type PriceTable } from "../pricing";
import { registerSecret } from "../secrets";
import { type GenerateOptions, type Prompt, type Provider, ProviderError, type ProviderReply } from "../types";
import { modelNameOf, specRest, type ProviderContext, type ProviderKind } from "./kind";

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";
const KEY_HINT = "ANTHROPIC_API_KEY (anthropic:)";
/** The Messages API requires max_tokens; used when GenerateOptions.maxTokens is not set. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Anthropic list prices, standard tier (base input and output; cachedInput = cache hits), USD per 1M
 * tokens, read on asOf from the pricing table of Anthropic's docs (the page at `source`). Model ids are
 * the API's aliases; dated ids ("claude-sonnet-4-5-20250929") bill as their alias. Models not listed
 * get no cost (never a guess). Message Batches would cost half (svlab has no Anthropic batch mode).
 */
export const ANTHROPIC_PRICE_TABLE: PriceTable = Object.freeze({
  source: "https://platform.claude.com/docs/en/about-claude/pricing",
  asOf: "2026-11-30",
  models: Object.freeze({
    "claude-opus-4-6": { input: 5, cachedInput: 0.5, output: 25 },
    "claude-opus-4-5": { input: 5, cachedInput: 0.5, output: 25 },
    "claude-opus-4-1": { input: 15, cachedInput: 1.5, output: 75 },
    "claude-opus-4-0": { input: 15, cachedInput: 1.5, output: 75 },
    "claude-opus-4": { input: 15, cachedInput: 1.5, output: 75 },
    "claude-sonnet-4-6": { input: 3, cachedInput: 0.3, output: 15 },
    "claude-sonnet-4-5": { input: 3, cachedInput: 0.3, output: 15 },
    "claude-sonnet-4-0": { input: 3, cachedInput: 0.3, output: 15 },
    "claude-sonnet-4": { input: 3, cachedInput: 0.3, output: 15 },
    "claude-3-7-sonnet": { input: 3, cachedInput: 0.3, output: 15 },
    "claude-haiku-4-5": { input: 1, cachedInput: 0.1, output: 5 },
    "claude-3-5-haiku": { input: 0.8, cachedInput: 0.08, output: 4 },
    "claude-3-haiku": { input: 0.25, cachedInput: 0.03, output: 1.25 },
  }),
  undated: (m: string) => m.replace(/-\d{8}$/, "").replace(/-latest$/, ""),
});

/** Where anthropic: requests go when not api.anthropic.com (for cache keys), else undefined. */
export function anthropicEndpoint(baseURL: string | undefined, env: Record<string, string | undefined> = process.env): string | undefined {
  return hostedEndpoint(baseURL, env, "ANTHROPIC_BASE_URL", ANTHROPIC_DEFAULT_BASE_URL, "anthropic", KEY_HINT);
}

/** The Messages request for a prompt: system messages joined into `system`, the rest in order. */
export function messagesRequestBody(model: string, prompt: Pick<Prompt, "messages">, opts: GenerateOptions): AnthropicSDK.MessageCreateParamsNonStreaming {
  const system = prompt.messages
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n\n");
  const body: AnthropicSDK.MessageCreateParamsNonStreaming = {
    model,
    max_tokens: opts.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    messages: prompt.messages.filter((m) => m.role !== "system").map((m) => ({ role: m.role as "user" | "assistant", content: m.content })),
  };
  if (system) body.system = system;
  // the SDK's API version (2026-10-21) has no temperature or seed: they are not sent (see notSent)
  return body;
}

/** Generation options the Messages request cannot carry, named in the answer's meta so nobody assumes them. */
export function notSent(opts: GenerateOptions): string[] {
  return (["temperature", "seed", "topLogprobs"] as const).filter((k) => opts[k] !== undefined);
}

/** Message → reply: the text blocks joined, usage, cost at list price; a "refusal" stop is the model's own refusal. */
export function replyFromMessage(
  res: AnthropicSDK.Message,
  o: { requestedModel: string; latencyMs: number; prices?: PriceTable; json?: boolean; notSent?: string[] },
): ProviderReply {
  const text = res.content
    .filter((b): b is AnthropicSDK.TextBlock => b.type === "text")
    .map((b) => b.text)
    .join("");
  const reply: ProviderReply = {
    text,
    latencyMs: o.latencyMs,
    meta: {
      provider: "anthropic",
      model: res.model,
      requestedModel: o.requestedModel,
      stopReason: res.stop_reason,
      id: res.id,
      ...(o.json ? { json: "prompt only (the Messages API has no JSON mode)" } : {}),
      ...(o.notSent?.length ? { notSent: o.notSent } : {}),
      ...(res.stop_reason === "refusal" ? { refusal: "stop_reason: refusal" } : {}),
    },
  };
  if (res.usage) {
    const usage = { inputTokens: res.usage.input_tokens, outputTokens: res.usage.output_tokens };
    reply.usage = usage;
    const table = o.prices ?? ANTHROPIC_PRICE_TABLE;
    const cost =
      costIn(table, res.model || o.requestedModel, usage.inputTokens, usage.outputTokens) ??
      costIn(table, o.requestedModel, usage.inputTokens, usage.outputTokens);
    if (cost !== undefined) reply.cost = cost;
  }
  return reply;
}

type SDK = typeof AnthropicSDK;

/** Map anything the SDK throws to a ProviderError the runner can act on (429/529/5xx transient). */
export function anthropicError(A: SDK, err: unknown, id: string, timeoutMs: number, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason ?? err; // the caller stopped us: not a provider failure
  if (err instanceof A.APIConnectionTimeoutError) return new ProviderError(`${id}: timed out after ${timeoutMs} ms`, undefined, undefined, true);
  if (err instanceof A.APIUserAbortError) return err;
  if (err instanceof A.APIConnectionError) {
    const cause = (err as { cause?: Error }).cause?.message;
    return new ProviderError(`${id}: connection error${cause ? ` (${cause})` : ""}`, undefined, undefined, true, isUnreachable(err));
  }
  if (err instanceof A.APIError) {
    const status = err.status;
    // 529 is Anthropic's "overloaded": a 5xx, transient like 429 and the rest
    const transient = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
    const body = err.error as { error?: { message?: string; type?: string } } | undefined;
    const msg = body?.error?.message ?? err.apiMessage ?? err.message;
    const type = body?.error?.type ?? err.type;
    return new ProviderError(
      `${id}: HTTP ${status ?? "?"}: ${msg}${type ? ` (${type})` : ""}`,
      status,
      retryAfterSeconds(err.headers as Headers | undefined),
      transient,
    );
  }
  if (err instanceof SyntaxError) return new ProviderError(`${id}: malformed response body (${err.message.slice(0, 120)})`, 200, undefined, true);
  const e = err as Error;
  if (e?.name === "TypeError" && /terminated|other side closed|socket/i.test(`${e.message} ${(e as { cause?: Error }).cause?.message ?? ""}`)) {
    return new ProviderError(`${id}: response body truncated (${e.message})`, 200, undefined, true);
  }
  return err;
}

/** The reason a distribution cannot be had from anthropic:, said plainly. */
export function noDistribution(id: string): string {
  return `${id}: Anthropic's Messages API gives no token probabilities (logprobs), so no answer distribution; run without --distribution (answers are parsed from the text)`;
}

export async function createAnthropicProvider(spec: string, model: string, ctx: ProviderContext = {}): Promise<Provider> {
  const env = ctx.env ?? process.env;
  const apiKey = env.ANTHROPIC_API_KEY;
  if (!apiKey) throw new ProviderError(`${spec}: ANTHROPIC_API_KEY is not set (keys are read from the environment only)`);
  // whatever happens to this key (a server echoing it in an error), it is never written to disk
  registerSecret(apiKey);
  const endpoint = anthropicEndpoint(ctx.baseURL, env);
  const baseURL = endpoint ?? ANTHROPIC_DEFAULT_BASE_URL;
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const A = ((await import("@anthropic-ai/sdk")) as unknown as { default: SDK }).default;
  // apiKey given explicitly: the SDK then reads no other credential (auth token, profile, config file)
  const client = new A({ apiKey, authToken: null, baseURL, maxRetries: 0, timeout: timeoutMs, ...(ctx.fetch ? { fetch: ctx.fetch } : {}) });
  return {
    id: spec,
    ...(endpoint !== undefined ? { endpoint } : {}),
    url: baseURL,
    capabilities: { distribution: false, seed: false, batch: false },
    async answer(prompt, opts): Promise<ProviderReply> {
      if (opts.distribution) throw new ProviderError(noDistribution(spec));
      const started = performance.now();
      let res: AnthropicSDK.Message;
      try {
        res = await client.messages.create(messagesRequestBody(model, prompt, opts), { signal: opts.signal });
      } catch (err) {
        throw anthropicError(A, err, spec, timeoutMs, opts.signal);
      }
      if (!Array.isArray(res?.content)) throw new ProviderError(`${spec}: malformed response (no content array)`, 200, undefined, true);
      return replyFromMessage(res, { requestedModel: model, latencyMs: performance.now() - started, json: opts.json, notSent: notSent(opts) });
    },
  };
}

export const anthropicKind: ProviderKind = {
  prefixes: ["anthropic"],
  specs: ["anthropic:MODEL"],
  help: "Anthropic's Messages API (ANTHROPIC_API_KEY; ANTHROPIC_BASE_URL for a gateway); no logprobs, so no distribution",
  keyVariable: "ANTHROPIC_API_KEY",
  capabilities: { distribution: false, batch: false, json: false, seed: false },
  prices: ANTHROPIC_PRICE_TABLE,
  parse(spec) {
    const model = specRest(spec);
    if (!model || /[\s/#?]/.test(model)) throw new Error(`bad model spec "${redactURL(spec)}": expected anthropic:MODEL, e.g. anthropic:claude-sonnet-4-5`);
    return { kind: "anthropic", model };
  },
  create(spec, ctx) {
    return createAnthropicProvider(spec, this.parse(spec).model, ctx);
  },
  cacheIdentity(spec, ctx) {
    const endpoint = anthropicEndpoint(ctx.baseURL, ctx.env ?? process.env);
    return endpoint !== undefined ? { id: spec, endpoint } : { id: spec };
  },
  label: modelNameOf,
};
