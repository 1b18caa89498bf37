/**
 * The fine-tuning loop end to end: data (`svlab finetune data`) → a job (`svlab finetune submit` on
 * OpenAI, or the LLaMA-Factory YAML on a GPU machine) → the tuned model evaluated on the OOD split
 * (`svlab run`, or `svlab import` of its outputs), its run recording `tunedFrom` → before/after in
 * `svlab paper` and the report. This module holds the glue: recording which model a run's model
 * was tuned from, and the next commands to type at each step.
 */
import { readResults, writeManifest, type RunManifest } from "../runner/results";

/**
 * Record on a run (id or folder) that its model was fine-tuned from `base` (a model spec or name):
 * run.json gets `tunedFrom`. `svlab paper` then pairs it with the base model's newest run.
 */
export async function recordTunedFrom(run: string, base: string, root?: string): Promise<RunManifest> {
  if (!base || !base.trim()) throw new Error("tuned-from: give the base model's spec or name");
  const res = await readResults(run, root);
  if (res.manifest.model === base) throw new Error(`run ${res.manifest.runId} is of ${base} itself: a model is not tuned from itself`);
  const manifest: RunManifest = { ...res.manifest, tunedFrom: base };
  await writeManifest(res.dir, manifest);
  return manifest;
}

/** What to type once a fine-tuned model exists: evaluate it on OOD (recording its base), then the tables. */
export function evaluateCommands(tuned: string, base: string, o: { limit?: number } = {}): string[] {
  const q = (s: string) => (/^[A-Za-z0-9_./:@%+=,#-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [
    `svlab run --model ${q(base)} --split ood${o.limit ? ` --limit ${o.limit}` : ""}        # the base model, if not run yet`,
    `svlab run --model ${q(tuned)} --split ood${o.limit ? ` --limit ${o.limit}` : ""}`,
    `svlab finetune link --run <the tuned run's id> --tuned-from ${q(base)}`,
    "svlab paper                                     # base → tuned: Acc, NMAE, fairness, refusals",
  ];
}

/**
 * After a LLaMA-Factory LoRA job: merge or serve the adapter, then evaluate it through an
 * OpenAI-compatible server (vLLM, llama.cpp's server) or as a GGUF file.
 */
export function llamaFactoryNextSteps(baseModel: string, outputDir = "saves/svlab-lora"): string[] {
  return [
    "llamafactory-cli train sft.yaml                  # on a GPU machine: LoRA SFT, lr 1e-6, 1 epoch (the paper's)",
    `vllm serve ${baseModel} --enable-lora --lora-modules svlab-lora=${outputDir} --port 8000`,
    `svlab run --model openai-compatible:http://127.0.0.1:8000/v1#svlab-lora --split ood`,
    `svlab finetune link --run <that run's id> --tuned-from openai-compatible:http://127.0.0.1:8000/v1#${baseModel}`,
    "svlab paper",
    "# or, with outputs made elsewhere: svlab import OUTPUTS.jsonl --model NAME --tuned-from BASE_NAME",
  ];
}

// The paper's published numbers live with the analysis (the report reads them; no stage imports finetune).
export { PUBLISHED_REFERENCE } from "../analysis/published";
