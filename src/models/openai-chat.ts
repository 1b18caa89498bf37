/**
 * `openai:MODEL` and `openai-compatible:BASE_URL#MODEL` through the openai SDK (chat completions).
 * The runner owns retries, so the SDK client is built with maxRetries: 0 and every failure is
 * mapped to a ProviderError (status, Retry-After seconds, transient flag).
 * Keys: OPENAI_API_KEY for openai:, SVLAB_API_KEY for compatible servers (never OPENAI_API_KEY,
 * so an OpenAI key is not sent to a third-party URL). Keys never reach meta, errors or logs.
 */
// This file must not be named openai.ts: tslab would resolve the package "openai" to it.
import OpenAI from "openai";
import { checkBaseURL, OPENAI_DEFAULT_BASE_URL, openaiEndpoint, redactURL } from "./base-url";
import { isUnreachable, retryAfterSeconds } from "./http-errors";
import { normaliseOverCodes } from "./distribution";
import { lastAnswerMarker } from "./parse-answer";
import { costIn, type PriceTable } from "./pricing";
import type { GenerateOptions, Prompt, Provider, ProviderReply } from "./types";
import { ProviderError } from "./types";
import { registerSecret } from "./secrets";

export interface OpenAIProviderOptions {
  /** "openai" (api.openai.com unless overridden) or "openai-compatible". */
  kind: "openai" | "openai-compatible";
  model: string;
  baseURL?: string;
  /** Per-request timeout, ms (default 60 000). */
  timeoutMs?: number;
  /** fetch implementation for the SDK (the runner passes a lighter one; default: the built-in fetch). */
  fetch?: typeof fetch;
  /** Environment to read the key from (default process.env; tests pass their own). */
  env?: Record<string, string | undefined>;
  /** Default top_logprobs when a distribution is asked for (default 20, OpenAI's maximum). */
  topLogprobs?: number;
  /** List prices for per-answer cost (openai: only; compatible servers have no list price). */
  prices?: PriceTable;
}

type ChatCompletion = OpenAI.Chat.Completions.ChatCompletion;
type TokenLogprob = OpenAI.Chat.Completions.ChatCompletionTokenLogprob;

export const DEFAULT_TIMEOUT_MS = 60_000;

export { checkBaseURL, isUnreachable, OPENAI_DEFAULT_BASE_URL, openaiEndpoint, redactURL, retryAfterSeconds };

export function createOpenAIProvider(id: string, o: OpenAIProviderOptions): Provider {
  const env = o.env ?? process.env;
  let apiKey: string | undefined;
  let baseURL: string;
  let endpoint: string | undefined;
  if (o.kind === "openai") {
    apiKey = env.OPENAI_API_KEY;
    if (!apiKey) throw new ProviderError(`${id}: OPENAI_API_KEY is not set (keys are read from the environment only)`);
    endpoint = openaiEndpoint(o.baseURL, env);
    baseURL = endpoint ?? OPENAI_DEFAULT_BASE_URL;
  } else {
    if (!o.baseURL)
      throw new ProviderError(`${redactURL(id)}: expected openai-compatible:BASE_URL#MODEL, e.g. openai-compatible:http://127.0.0.1:8000/v1#llama3`);
    baseURL = checkBaseURL(o.baseURL, "openai-compatible");
    // local servers (vLLM, llama.cpp, Ollama) accept any key; the SDK insists on a non-empty one
    apiKey = env.SVLAB_API_KEY || "no-key";
  }
  // whatever happens to this key (a server echoing it in an error), it is never written to disk
  registerSecret(apiKey);
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: timeoutMs, organization: null, project: null, ...(o.fetch ? { fetch: o.fetch } : {}) });
  return {
    id,
    ...(endpoint !== undefined ? { endpoint } : {}),
    url: baseURL,
    // batch as the registry says: OpenAI's Batch API, or a compatible server's /batches (svlab run --batch)
    capabilities: { distribution: true, seed: true, batch: true },
    async answer(prompt: Prompt, opts: GenerateOptions & { signal?: AbortSignal }): Promise<ProviderReply> {
      const started = performance.now();
      const body = chatRequestBody(o.kind, o.model, prompt, { ...opts, topLogprobs: opts.topLogprobs ?? o.topLogprobs });
      let res: ChatCompletion;
      try {
        res = await client.chat.completions.create(body, { signal: opts.signal });
      } catch (err) {
        throw toProviderError(err, id, timeoutMs, opts.signal);
      }
      if (!res?.choices?.[0]?.message) throw new ProviderError(`${id}: malformed response (no choices[0].message)`, 200, undefined, true);
      return replyFromChatCompletion(res, {
        kind: o.kind,
        requestedModel: o.model,
        answerCodes: prompt.answerCodes,
        distribution: !!opts.distribution,
        latencyMs: performance.now() - started,
        prices: o.prices,
        extraMeta: o.kind === "openai-compatible" ? { baseURL } : {},
      });
    },
    async close() {
      /* fetch keeps no state we own */
    },
  };
}

/** The chat-completions request body for a prompt (shared by online calls and Batch API lines). */
export function chatRequestBody(
  kind: "openai" | "openai-compatible",
  model: string,
  prompt: Pick<Prompt, "messages">,
  opts: GenerateOptions,
): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  const body: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming = {
    model,
    messages: prompt.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  if (opts.temperature !== undefined) body.temperature = opts.temperature;
  if (opts.seed !== undefined) body.seed = opts.seed;
  if (opts.maxTokens !== undefined) {
    // OpenAI's newer models reject max_tokens; compatible servers mostly only know max_tokens
    if (kind === "openai") body.max_completion_tokens = opts.maxTokens;
    else body.max_tokens = opts.maxTokens;
  }
  if (opts.distribution) {
    body.logprobs = true;
    body.top_logprobs = opts.topLogprobs ?? 20;
  }
  if (opts.json) body.response_format = { type: "json_object" };
  return body;
}

export interface ReadCompletionOptions {
  kind: "openai" | "openai-compatible";
  requestedModel: string;
  /** The prompt's codes, to read the distribution at the code token (the text is not parsed here). */
  answerCodes: number[];
  distribution: boolean;
  latencyMs: number;
  /** Batch API answers are billed at the batch price. */
  batch?: boolean;
  /** List prices (openai: only). */
  prices?: PriceTable;
  extraMeta?: Record<string, unknown>;
}

/**
 * A chat completion → the provider's reply: text, the model's own refusal, usage, cost, distribution
 * (shared by online and batch). The text is parsed later, in one place (answerFromReply).
 */
export function replyFromChatCompletion(res: ChatCompletion, o: ReadCompletionOptions): ProviderReply {
  const choice = res.choices[0];
  const text = choice.message.content ?? "";
  const refusalText = choice.message.refusal;
  const answer: ProviderReply = {
    text,
    latencyMs: o.latencyMs,
    meta: {
      provider: o.kind,
      model: res.model,
      requestedModel: o.requestedModel,
      systemFingerprint: res.system_fingerprint ?? null,
      finishReason: choice.finish_reason,
      id: res.id,
      ...(o.batch ? { batch: true } : {}),
      ...o.extraMeta,
      ...(refusalText ? { refusal: refusalText } : {}),
    },
  };
  if (res.usage) {
    const usage = { inputTokens: res.usage.prompt_tokens, outputTokens: res.usage.completion_tokens };
    answer.usage = usage;
    const price = { batch: !!o.batch };
    const table = o.kind === "openai" ? o.prices : undefined;
    const cost = table
      ? (costIn(table, res.model || o.requestedModel, usage.inputTokens, usage.outputTokens, price) ??
        costIn(table, o.requestedModel, usage.inputTokens, usage.outputTokens, price))
      : undefined;
    if (cost !== undefined) answer.cost = cost;
  }
  if (o.distribution) {
    const content = choice.logprobs?.content;
    const d = content?.length ? distributionFromLogprobs(content, o.answerCodes) : undefined;
    if (d) {
      answer.distribution = d.distribution;
      answer.validMass = d.validMass;
    }
    answer.meta!.logprobs = content?.length ? (d ? "ok" : "no code token") : "unavailable";
  }
  return answer;
}

/** Strip what wraps a code token: leading space, markdown bold, quotes. " 3" / "**3" → "3". */
function codeOfToken(token: string): string {
  return token.replace(/^[\s*_"'`(]+/, "").replace(/[\s*_"'`).]+$/, "");
}

/**
 * Answer distribution from chat logprobs: find the token where the code is emitted — the token that
 * holds the number of the last "Answer: <n>" marker (the same marker parseAnswer reads, so words like
 * "answered" or a later "This answer…" do not move it), else the first token of the reply that starts
 * with a digit or "-" — and read its top_logprobs. Codes are matched on whole tokens: OpenAI's
 * tokenizers encode 1–3 digit numbers as one token, so " 10" is code 10 and " 1" is code 1. Mass on
 * tokens that are not valid codes is reported through validMass (the renormalising constant).
 */
export function distributionFromLogprobs(content: TokenLogprob[], codes: number[]): { distribution: Record<string, number>; validMass: number } | undefined {
  let text = "";
  const starts: number[] = [];
  for (const t of content) {
    starts.push(text.length);
    text += t.token;
  }
  const marker = lastAnswerMarker(text);
  let at = -1;
  if (marker) {
    // the token that contains the first character of the marker's number
    for (let i = 0; i < content.length; i++) {
      if (starts[i] <= marker.index && marker.index < starts[i] + content[i].token.length) {
        at = i;
        break;
      }
    }
  } else {
    for (let i = 0; i < content.length; i++) {
      if (/^-?\d/.test(codeOfToken(content[i].token))) {
        at = i;
        break;
      }
    }
  }
  if (at < 0) return undefined;
  const tops = content[at].top_logprobs?.length ? content[at].top_logprobs : [{ token: content[at].token, logprob: content[at].logprob }];
  const mass: Record<string, number> = {};
  const valid = new Set(codes.map(String));
  for (const t of tops) {
    const c = codeOfToken(t.token);
    if (valid.has(c)) mass[c] = (mass[c] ?? 0) + Math.exp(t.logprob);
  }
  return normaliseOverCodes(mass, codes);
}

/** Map anything the SDK throws to a ProviderError the runner can act on. */
export function toProviderError(err: unknown, id: string, timeoutMs: number, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason ?? err; // the caller stopped us: not a provider failure
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new ProviderError(`${id}: timed out after ${timeoutMs} ms`, undefined, undefined, true);
  if (err instanceof OpenAI.APIUserAbortError) return err;
  if (err instanceof OpenAI.APIConnectionError) {
    const cause = (err as { cause?: Error }).cause?.message;
    return new ProviderError(`${id}: connection error${cause ? ` (${cause})` : ""}`, undefined, undefined, true, isUnreachable(err));
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const body = err.error as { message?: string; code?: string; type?: string } | undefined;
    // 429 insufficient_quota is billing exhaustion, not a rate limit: waiting does not help
    const quota =
      status === 429 &&
      (body?.code === "insufficient_quota" || body?.type === "insufficient_quota" || (err as { code?: string }).code === "insufficient_quota");
    const transient = !quota && (status === undefined || status === 408 || status === 409 || status === 429 || status >= 500);
    const msg = `${body?.message ?? err.message}${quota ? " (insufficient_quota: add credit or raise the limit; not retried)" : ""}`;
    return new ProviderError(`${id}: HTTP ${status ?? "?"}: ${msg}`, status, retryAfterSeconds(err.headers as Headers | undefined), transient);
  }
  if (err instanceof SyntaxError) return new ProviderError(`${id}: malformed response body (${err.message.slice(0, 120)})`, 200, undefined, true);
  const e = err as Error;
  // undici reports a body cut mid-way as TypeError("terminated")
  if (e?.name === "TypeError" && /terminated|other side closed|socket/i.test(`${e.message} ${(e as { cause?: Error }).cause?.message ?? ""}`)) {
    return new ProviderError(`${id}: response body truncated (${e.message})`, 200, undefined, true);
  }
  if (e?.name === "AbortError" || e?.name === "TimeoutError") return new ProviderError(`${id}: timed out`, undefined, undefined, true);
  return new ProviderError(`${id}: ${e?.message ?? String(err)}`, undefined, undefined, false);
}
