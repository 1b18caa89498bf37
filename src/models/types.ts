/** The one interface every model provider (LLM or baseline) implements. */

// Prompts are made by the personas stage, before the models that answer them.
import type { ChatMessage, Prompt } from "../personas/messages";
export type { ChatMessage, Prompt };

/** Generation settings passed through to providers and included in cache keys. */
export interface GenerateOptions {
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  /** Ask for logprobs/top_logprobs (OpenAI) or next-token probabilities (llama). */
  distribution?: boolean;
  topLogprobs?: number;
  /** Sample index for repeated samples (n > 1); part of the cache key. */
  sample?: number;
  /** Ask for a JSON object reply (OpenAI response_format json_object, a JSON grammar where the provider has one). */
  json?: boolean;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** What one provider call gives back for one prompt. */
export interface Answer {
  /** Raw model text ("" for baselines that only give codes). */
  text: string;
  /** Parsed answer code, or null with `reason`. */
  code: number | null;
  /** Why the code is null (e.g. "no code found", "out of range 7", "refusal", "empty"). */
  reason?: string;
  refused: boolean;
  /** Code → probability over the valid codes (renormalised), when the provider can give one. */
  distribution?: Record<string, number>;
  /** Probability mass that fell on valid codes before renormalising (1 when exact). */
  validMass?: number;
  usage?: Usage;
  /** USD, when known. */
  cost?: number;
  latencyMs: number;
  /** Provider metadata: model version, system_fingerprint, finish_reason, … (never secrets). */
  meta?: Record<string, unknown>;
  /** Filled by the runner: true when served from the cache. */
  cached?: boolean;
}

/**
 * What a provider gives back for one prompt: its raw text (and a distribution where it has one).
 * Providers never parse text: the runner turns a reply into an Answer with answerFromReply
 * (src/models/parse-answer.ts), the one place answers are parsed — for live calls, cached text and
 * imports alike. A provider whose code comes from a distribution rather than from text (llama score
 * mode, baselines) gives `code` itself, with empty text.
 */
export type ProviderReply = Omit<Answer, "code" | "refused" | "reason"> & {
  code?: number | null;
  refused?: boolean;
  reason?: string;
};

export interface ProviderCapabilities {
  /** Can return an answer distribution. */
  distribution: boolean;
  /** Honours a seed. */
  seed: boolean;
  /** Supports a batch mode (OpenAI Batch API). */
  batch: boolean;
  /**
   * Most calls that make sense at once (absent = no limit). A provider that serialises its calls
   * (one llama.cpp sequence behind a lock) says 1, so the runner does not start requests (and their
   * per-attempt timeouts) that would only wait in the provider's queue.
   */
  maxConcurrency?: number;
}

export interface Provider {
  /** The spec it was made from, e.g. "openai:gpt-4.1", "llama:/path/model.gguf", "baseline:population-mode". */
  id: string;
  capabilities: ProviderCapabilities;
  /**
   * Where the model is served when the id does not say it (an openai: model behind OPENAI_BASE_URL
   * or a gateway): part of the cache key. Never carries credentials.
   */
  endpoint?: string;
  /** Where requests go (a base URL), for messages such as "cannot reach …". Never carries credentials. */
  url?: string;
  /** One call: raw text (and distribution), never parsed here (see ProviderReply). */
  answer(prompt: Prompt, options: GenerateOptions & { signal?: AbortSignal }): Promise<ProviderReply>;
  /** Release resources (llama contexts, HTTP agents). */
  close?(): Promise<void>;
}

/** Thrown by providers so the runner can decide whether to retry. */
export class ProviderError extends Error {
  constructor(
    message: string,
    /** HTTP status when there was one. */
    readonly status?: number,
    /** Seconds the server asked us to wait (Retry-After). */
    readonly retryAfterSeconds?: number,
    /** Whether retrying can help (429, 5xx, timeouts, connection resets, malformed bodies). */
    readonly transient: boolean = false,
    /**
     * The endpoint could not be reached at all: connection refused, host not found, TLS failure
     * (not a reset or a timeout of a server that answered before). The runner stops a run whose first
     * attempts all fail this way.
     */
    readonly unreachable: boolean = false,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}
