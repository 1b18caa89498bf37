/**
 * OpenAI fine-tuning jobs through the SDK: upload the JSONL, create a supervised job, follow it.
 * Works against any server that speaks the same endpoints (tests use a local one). The key comes
 * from OPENAI_API_KEY only and is never written anywhere.
 */
import OpenAI from "openai";
import { createReadStream, existsSync } from "node:fs";
import { sleep } from "../runner/retry";

export interface FineTuneJobOptions {
  /** Base model to fine-tune, e.g. "gpt-4.1-mini-2025-04-14". */
  model: string;
  trainingFile: string;
  validationFile?: string;
  epochs?: number;
  learningRateMultiplier?: number;
  batchSize?: number;
  suffix?: string;
  seed?: number;
  baseURL?: string;
  env?: Record<string, string | undefined>;
}

export interface FineTuneJobInfo {
  id: string;
  status: string;
  model: string;
  fineTunedModel: string | null;
  trainingFile: string;
  createdAt: number;
  error?: string | null;
  /** The spec to evaluate the result with: `openai:<fine-tuned model>`. */
  evaluateWith?: string;
  /** The base model's spec (`openai:<model>`): what the tuned model's runs record as tunedFrom. */
  tunedFrom: string;
}

function client(o: { baseURL?: string; env?: Record<string, string | undefined> }): OpenAI {
  const env = o.env ?? process.env;
  const apiKey = env.OPENAI_API_KEY;
  if (!apiKey) throw new Error("OPENAI_API_KEY is not set (keys are read from the environment only)");
  return new OpenAI({ apiKey, baseURL: o.baseURL ?? env.OPENAI_BASE_URL ?? "https://api.openai.com/v1", maxRetries: 2, organization: null, project: null });
}

function info(j: OpenAI.FineTuning.FineTuningJob): FineTuneJobInfo {
  return {
    id: j.id,
    status: j.status,
    model: j.model,
    fineTunedModel: j.fine_tuned_model,
    trainingFile: j.training_file,
    createdAt: j.created_at,
    error: j.error?.message ?? null,
    evaluateWith: j.fine_tuned_model ? `openai:${j.fine_tuned_model}` : undefined,
    tunedFrom: `openai:${j.model}`,
  };
}

export async function createFineTuneJob(o: FineTuneJobOptions): Promise<FineTuneJobInfo> {
  for (const f of [o.trainingFile, o.validationFile]) if (f && !existsSync(f)) throw new Error(`${f}: file not found (write it with \`svlab finetune data\`)`);
  const c = client(o);
  const training = await c.files.create({ file: createReadStream(o.trainingFile), purpose: "fine-tune" });
  const validation = o.validationFile ? await c.files.create({ file: createReadStream(o.validationFile), purpose: "fine-tune" }) : undefined;
  const hyperparameters: Record<string, number> = {};
  if (o.epochs !== undefined) hyperparameters.n_epochs = o.epochs;
  if (o.learningRateMultiplier !== undefined) hyperparameters.learning_rate_multiplier = o.learningRateMultiplier;
  if (o.batchSize !== undefined) hyperparameters.batch_size = o.batchSize;
  const job = await c.fineTuning.jobs.create({
    model: o.model,
    training_file: training.id,
    ...(validation ? { validation_file: validation.id } : {}),
    ...(o.suffix ? { suffix: o.suffix } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    method: { type: "supervised", supervised: { hyperparameters } },
  });
  return info(job);
}

export async function getFineTuneJob(id: string, o: { baseURL?: string; env?: Record<string, string | undefined> } = {}): Promise<FineTuneJobInfo> {
  return info(await client(o).fineTuning.jobs.retrieve(id));
}

/** Poll until the job finishes (succeeded, failed or cancelled). */
export async function waitForFineTuneJob(
  id: string,
  o: { baseURL?: string; env?: Record<string, string | undefined>; intervalMs?: number; onStatus?: (j: FineTuneJobInfo) => void; signal?: AbortSignal } = {},
): Promise<FineTuneJobInfo> {
  for (;;) {
    const j = await getFineTuneJob(id, o);
    o.onStatus?.(j);
    if (["succeeded", "failed", "cancelled"].includes(j.status)) return j;
    if (o.signal?.aborted) return j;
    // sleep() removes its abort subscription when it wakes: polling for hours leaves nothing on the signal
    await sleep(o.intervalMs ?? 30_000, o.signal);
  }
}
