/**
 * A LLaMA-Factory job for the paper's setting: LoRA SFT, learning rate 1e-6, one epoch, on the
 * train split (Tan et al. 2026; the other values are the first author's earlier public config and
 * are marked as assumptions). Writes dataset_info.json + a training YAML beside the JSONL, so
 * `llamafactory-cli train sft.yaml` runs on a GPU machine.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface LlamaFactoryOptions {
  /** Hugging Face id of the base model, e.g. "Qwen/Qwen2.5-7B-Instruct". */
  baseModel: string;
  /** LLaMA-Factory chat template name, e.g. "qwen", "llama3". */
  template: string;
  outputDir?: string;
  learningRate?: number;
  epochs?: number;
}

export const PAPER_HYPERPARAMETERS = {
  // Stated in the paper:
  finetuning_type: "lora",
  learning_rate: 1.0e-6,
  num_train_epochs: 1.0,
  // Assumed (first author's earlier LLaMA-Factory config; not stated in the paper):
  lora_rank: 8,
  lora_target: "all",
  per_device_train_batch_size: 2,
  gradient_accumulation_steps: 4,
  lr_scheduler_type: "linear",
  warmup_ratio: 0.1,
  bf16: true,
  cutoff_len: 2048,
} as const;

export function writeLlamaFactoryJob(dir: string, o: LlamaFactoryOptions, hasValidation: boolean): Record<string, string> {
  const dataset = {
    svlab_train: {
      file_name: "train.jsonl",
      formatting: "sharegpt",
      columns: { messages: "messages" },
      tags: { role_tag: "role", content_tag: "content", user_tag: "user", assistant_tag: "assistant", system_tag: "system" },
    },
    ...(hasValidation
      ? {
          svlab_validation: {
            file_name: "validation.jsonl",
            formatting: "sharegpt",
            columns: { messages: "messages" },
            tags: { role_tag: "role", content_tag: "content", user_tag: "user", assistant_tag: "assistant", system_tag: "system" },
          },
        }
      : {}),
  };
  const hp = {
    ...PAPER_HYPERPARAMETERS,
    learning_rate: o.learningRate ?? PAPER_HYPERPARAMETERS.learning_rate,
    num_train_epochs: o.epochs ?? PAPER_HYPERPARAMETERS.num_train_epochs,
  };
  const yaml = [
    "# svlab: LoRA SFT on the tan2026 train split (structured numerical preferences).",
    "# learning_rate and num_train_epochs are the paper's; the LoRA/batch values are assumptions.",
    `model_name_or_path: ${o.baseModel}`,
    "stage: sft",
    "do_train: true",
    `dataset: svlab_train`,
    "dataset_dir: .",
    ...(hasValidation ? ["eval_dataset: svlab_validation", "eval_strategy: epoch"] : []),
    `template: ${o.template}`,
    // 1.0e-6, not 1e-6: YAML 1.1 (PyYAML) reads "1e-6" as a string, which older LLaMA-Factory rejects.
    ...Object.entries(hp).map(([k, v]) => `${k}: ${typeof v === "number" && v < 1e-3 ? v.toExponential(1) : v}`),
    `output_dir: ${o.outputDir ?? "saves/svlab-lora"}`,
    "logging_steps: 10",
    "save_strategy: epoch",
    "report_to: none",
    "",
  ].join("\n");
  const files = { "dataset_info.json": join(dir, "dataset_info.json"), "sft.yaml": join(dir, "sft.yaml") };
  writeFileSync(files["dataset_info.json"], `${JSON.stringify(dataset, null, 2)}\n`);
  writeFileSync(files["sft.yaml"], yaml);
  return files;
}
