/**
 * What a provider kind is: one entry per spec prefix ("openai:", "anthropic:", …) with everything
 * the rest of svlab asks about it — spec syntax and parsing, creation, list prices, cache identity,
 * display label, capabilities (batch included) and help text. A new provider is one file exporting
 * a ProviderKind plus one line in PROVIDER_KINDS (src/models/registry.ts).
 */
import type { Benchmark } from "../../benchmark/types";
import type { PriceTable } from "../pricing";
import type { Provider } from "../types";

/** Options for creating providers; each kind reads what applies to it. */
export interface ProviderContext {
  /** Needed by the baselines (and used by uniform for the ordinal scale order). */
  benchmark?: Benchmark;
  /** llama: CPU threads (default 1; always explicit: node-llama-cpp's own default is far too many, see environment.md). */
  threads?: number;
  /** llama: use the GPU when available (default false). */
  gpu?: boolean;
  /** llama: context size in tokens (default 2048, capped by the model's training context). */
  contextSize?: number;
  /** llama: reuse the evaluated prompt prefix between calls (default true). */
  reusePrefix?: boolean;
  /** Hosted APIs (openai:, anthropic:): override the base URL (tests, proxies); default the kind's env variable, else its own API. */
  baseURL?: string;
  /** HTTP providers: per-request timeout, ms (default 60 000). */
  timeoutMs?: number;
  /** HTTP providers: fetch implementation for the SDK (default: the built-in fetch). */
  fetch?: typeof fetch;
  /** Environment for API keys and base URLs (default process.env). */
  env?: Record<string, string | undefined>;
}

/** A spec taken apart. */
export interface ParsedSpec {
  /** The kind's name (its first prefix). */
  kind: string;
  /** The model as the provider names it ("gpt-4.1", "claude-sonnet-4-5", a .gguf path, a baseline name). */
  model: string;
  /** Where it is served, when the spec says it (openai-compatible:). */
  baseURL?: string;
}

/** Where batch requests go (OpenAI's Batch API and servers that implement /files + /batches). */
export interface BatchTarget {
  /** "openai" bills at Batch prices; "openai-compatible" is for servers that implement /files + /batches. */
  kind: "openai" | "openai-compatible";
  model: string;
  baseURL?: string;
}

/** What a kind can do, known without creating a provider (no key needed). */
export interface KindCapabilities {
  /** Can return an answer distribution (token probabilities at the answer code). */
  distribution: boolean;
  /** Has a batch mode (`svlab run --batch`). */
  batch: boolean;
  /** Has a JSON mode for GenerateOptions.json (else the prompt must ask for JSON). */
  json: boolean;
  /** Honours a seed. */
  seed: boolean;
}

export interface ProviderKind {
  /** Spec prefixes before the first ":" ("llama" and "hf" are one kind); the first is the kind's name. */
  prefixes: readonly string[];
  /** Spec forms for help texts, e.g. "openai:MODEL". */
  specs: readonly string[];
  /** One line for help texts: what it is and where its key comes from. */
  help: string;
  /** The environment variable holding the API key, when there is one. */
  keyVariable?: string;
  capabilities: KindCapabilities;
  /** Take a spec apart, or throw an Error naming the spec and the expected syntax. */
  parse(spec: string): ParsedSpec;
  create(spec: string, ctx: ProviderContext): Promise<Provider>;
  /** List prices (USD per 1M tokens, with source and date); absent for local providers, which cost nothing. */
  prices?: PriceTable;
  /** Without a price table: why (help and README), e.g. "local: free". */
  priceNote?: string;
  /** What the cache keys of a spec depend on, without creating the provider (no key needed, nothing contacted). */
  cacheIdentity(spec: string, ctx: Pick<ProviderContext, "baseURL" | "env">): Pick<Provider, "id" | "endpoint">;
  /** A short name for tables and figures ("gpt-4.1", "stories260K"). */
  label(spec: string): string;
  /** Where batch requests go; only for kinds with capabilities.batch. */
  batchTarget?(spec: string, ctx: Pick<ProviderContext, "baseURL" | "env">): BatchTarget;
}

/** The text after the kind prefix: "openai:gpt-4.1" → "gpt-4.1". */
export function specRest(spec: string): string {
  const i = spec.indexOf(":");
  return i < 0 ? "" : spec.slice(i + 1);
}

/**
 * The model's own name in a spec, for labels: after "#" (a served model), else the file name
 * without .gguf (a path or hf: repo), else the rest: "llama:/x/stories260K.gguf" → "stories260K".
 */
export function modelNameOf(spec: string): string {
  let name = specRest(spec) || spec;
  if (name.includes("#")) name = name.slice(name.lastIndexOf("#") + 1);
  else if (name.includes("/")) name = name.slice(name.lastIndexOf("/") + 1).replace(/\.gguf$/i, "");
  return name;
}
