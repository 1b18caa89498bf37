/**
 * `openai-compatible:BASE_URL#MODEL` — any server speaking OpenAI's chat completions (vLLM, Ollama,
 * llama.cpp server, LM Studio, OpenRouter), key SVLAB_API_KEY (never OPENAI_API_KEY, so an OpenAI
 * key is not sent to a third party). A base URL with user:key@ or ?query is refused: it would be recorded.
 */
import { checkBaseURL, redactURL } from "../base-url";
import { modelNameOf, specRest, type ParsedSpec, type ProviderKind } from "./kind";

const impl = () => import("../openai-chat");

function parse(spec: string): ParsedSpec {
  const rest = specRest(spec);
  const h = rest.lastIndexOf("#");
  if (h <= 0 || h === rest.length - 1) {
    throw new Error(`bad model spec "${redactURL(spec)}": expected openai-compatible:BASE_URL#MODEL, e.g. openai-compatible:http://127.0.0.1:8000/v1#llama3`);
  }
  return { kind: "openai-compatible", baseURL: rest.slice(0, h), model: rest.slice(h + 1) };
}

export const openaiCompatibleKind: ProviderKind = {
  prefixes: ["openai-compatible"],
  specs: ["openai-compatible:BASE_URL#MODEL"],
  help: "a server speaking OpenAI's chat completions: vLLM, Ollama, llama.cpp server, LM Studio, OpenRouter (SVLAB_API_KEY, optional); --batch where the server has /batches",
  keyVariable: "SVLAB_API_KEY",
  priceNote: "no list price: cost not counted",
  capabilities: { distribution: true, batch: true, json: true, seed: true },
  parse,
  async create(spec, ctx) {
    const { baseURL, model } = parse(spec);
    const { createOpenAIProvider } = await impl();
    return createOpenAIProvider(spec, { kind: "openai-compatible", baseURL, model, timeoutMs: ctx.timeoutMs, env: ctx.env, fetch: ctx.fetch });
  },
  // the base URL is in the spec, so the id pins where the model is served
  cacheIdentity: (spec) => ({ id: spec }),
  label: modelNameOf,
  batchTarget(spec) {
    const { baseURL, model } = parse(spec);
    return { kind: "openai-compatible", baseURL: checkBaseURL(baseURL!, "openai-compatible"), model };
  },
};
