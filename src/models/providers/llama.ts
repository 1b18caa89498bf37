/**
 * `llama:PATH.gguf` | `hf:USER/REPO:QUANT` — a GGUF model in-process through node-llama-cpp
 * (src/models/llama.ts; hf: from SVLAB_MODELS_DIR, downloaded unless SVLAB_OFFLINE=1). Local: no key,
 * no price (answers cost 0).
 */
import { redactURL } from "../base-url";
import { modelNameOf, specRest, type ProviderKind } from "./kind";

export const llamaKind: ProviderKind = {
  prefixes: ["llama", "hf"],
  specs: ["llama:PATH.gguf", "hf:USER/REPO:QUANT"],
  help: "a GGUF model in-process through node-llama-cpp (no key; hf: from SVLAB_MODELS_DIR, downloaded unless SVLAB_OFFLINE=1); distribution by scoring the codes",
  priceNote: "local: free",
  capabilities: { distribution: true, batch: false, json: true, seed: true },
  parse(spec) {
    const rest = specRest(spec);
    if (!rest) throw new Error(`bad model spec "${redactURL(spec)}": expected llama:PATH.gguf or hf:USER/REPO:QUANT`);
    return { kind: "llama", model: spec.startsWith("hf:") ? spec : rest };
  },
  async create(spec, ctx) {
    this.parse(spec);
    const { createLlamaProvider } = await import("../llama");
    return createLlamaProvider(spec, ctx);
  },
  cacheIdentity: (spec) => ({ id: spec }),
  label: modelNameOf,
};
