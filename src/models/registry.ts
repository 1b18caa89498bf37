/**
 * createProvider(spec): one entry point for every provider.
 *   openai:MODEL                          OpenAI (OPENAI_API_KEY)
 *   openai-compatible:BASE_URL#MODEL      vLLM, Ollama, llama.cpp server, LM Studio, OpenRouter (SVLAB_API_KEY;
 *                                         a base URL with user:key@ or ?query is refused: it would be recorded)
 *   llama:PATH.gguf | hf:USER/REPO:QUANT  in-process node-llama-cpp (hf: from SVLAB_MODELS_DIR, downloaded unless SVLAB_OFFLINE=1)
 *   baseline:population-mode | baseline:attribute-mode:ATTR | baseline:attribute-product | baseline:uniform
 */
import type { Benchmark } from "../benchmark/types";
import { createBaselineProvider } from "./baselines";
import { createOpenAIProvider, redactURL } from "./openai-chat";
import type { Provider } from "./types";

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
  /** openai: override the base URL (tests, proxies); default OPENAI_BASE_URL or api.openai.com. */
  baseURL?: string;
  /** HTTP providers: per-request timeout, ms (default 60 000). */
  timeoutMs?: number;
  /** HTTP providers: fetch implementation for the openai SDK (default: the built-in fetch). */
  fetch?: typeof fetch;
  /** Environment for API keys (default process.env). */
  env?: Record<string, string | undefined>;
}

/** The kinds createProvider understands, for help texts. */
export const PROVIDER_SPECS = [
  "openai:MODEL",
  "openai-compatible:BASE_URL#MODEL",
  "llama:PATH.gguf",
  "hf:USER/REPO:QUANT",
  "baseline:population-mode",
  "baseline:attribute-mode:ATTR",
  "baseline:attribute-product",
  "baseline:uniform",
];

export async function createProvider(spec: string, ctx: ProviderContext = {}): Promise<Provider> {
  const i = spec.indexOf(":");
  const kind = i > 0 ? spec.slice(0, i) : "";
  const rest = spec.slice(i + 1);
  switch (kind) {
    case "openai":
      if (!rest) break;
      return createOpenAIProvider(spec, { kind: "openai", model: rest, baseURL: ctx.baseURL, timeoutMs: ctx.timeoutMs, env: ctx.env, fetch: ctx.fetch });
    case "openai-compatible": {
      const h = rest.lastIndexOf("#");
      if (h <= 0 || h === rest.length - 1) {
        throw new Error(`bad model spec "${redactURL(spec)}": expected openai-compatible:BASE_URL#MODEL, e.g. openai-compatible:http://127.0.0.1:8000/v1#llama3`);
      }
      return createOpenAIProvider(spec, { kind: "openai-compatible", baseURL: rest.slice(0, h), model: rest.slice(h + 1), timeoutMs: ctx.timeoutMs, env: ctx.env, fetch: ctx.fetch });
    }
    case "llama":
    case "hf": {
      const { createLlamaProvider } = await import("./llama");
      return createLlamaProvider(spec, ctx);
    }
    case "baseline":
      return createBaselineProvider(spec, ctx.benchmark);
  }
  throw new Error(`bad model spec "${redactURL(spec)}": expected one of ${PROVIDER_SPECS.join(", ")}`);
}
