import type { Command } from "commander";
import { resolve } from "node:path";
import { loadBenchmark } from "../../benchmark/load";
import { buildSftDataset, createFineTuneJob, evaluateCommands, getFineTuneJob, recordTunedFrom, writeLlamaFactoryJob, writeSftDataset, type SftTarget } from "../../finetune";
import { DEFAULT_TEMPLATE } from "../../personas/index";
import { CliError, emit } from "../output";
import { wroteLines } from "../wrote";

/** What each file `finetune data` writes is, for its "wrote" line. */
const SFT_FILE_LABELS: Record<string, string> = {
  "train.jsonl": "training set (OpenAI JSONL)",
  "train.meta.jsonl": "training set with metadata",
  "validation.jsonl": "validation set (OpenAI JSONL)",
  "validation.meta.jsonl": "validation set with metadata",
  "dataset_info.json": "LLaMA-Factory dataset info",
  "sft.yaml": "LLaMA-Factory job",
};

export function register(program: Command): void {
  const ft = program.command("finetune").description("fine-tuning data (chat JSONL) and jobs (OpenAI, LLaMA-Factory)");

  ft.command("data")
    .description("write SFT data: persona prompt → 'Answer: <modal code>' for every pair of a split")
    .option("--split <split>", "train | ood (train keeps OOD subgroups unseen)", "train")
    .option("--template <ids>", "template id(s), comma-separated", DEFAULT_TEMPLATE)
    .option("--target <kind>", "mode | distribution | expanded", "mode")
    .option("--k <n>", "examples per pair for --target expanded", "10")
    .option("--validation <share>", "hold out this share of subgroups for validation", "0")
    .option("--out <dir>", "output folder", "finetune")
    .option("--llamafactory <model>", "also write a LLaMA-Factory job for this base model (HF id)")
    .option("--lf-template <name>", "LLaMA-Factory chat template", "qwen")
    .option("--json", "print JSON")
    .action(async (o: { split: string; template: string; target: string; k: string; validation: string; out: string; llamafactory?: string; lfTemplate: string; json?: boolean }) => {
      if (o.split !== "train" && o.split !== "ood") throw new CliError(`--split: expected train or ood, got "${o.split}"`);
      if (!["mode", "distribution", "expanded"].includes(o.target)) throw new CliError(`--target: expected mode, distribution or expanded, got "${o.target}"`);
      const b = await loadBenchmark();
      const ds = buildSftDataset(b, {
        split: o.split,
        templates: o.template.split(",").map((s) => s.trim()),
        target: o.target as SftTarget,
        k: Number(o.k),
        validationShare: Number(o.validation),
      });
      const dir = resolve(o.out);
      const files = writeSftDataset(ds, dir);
      if (o.llamafactory) Object.assign(files, writeLlamaFactoryJob(dir, { baseModel: o.llamafactory, template: o.lfTemplate }, ds.validation.length > 0));
      emit({ train: ds.train.length, validation: ds.validation.length, validationSubgroups: ds.validationSubgroups, files }, o.json, (v) =>
        [
          `${v.train} training and ${v.validation} validation examples`,
          ...wroteLines(Object.entries(v.files as Record<string, string>).map(([name, path]) => ({ label: SFT_FILE_LABELS[name] ?? name, path }))),
        ].join("\n"),
      );
    });

  ft.command("submit")
    .description("upload the JSONL and create an OpenAI fine-tuning job (OPENAI_API_KEY from the environment)")
    .requiredOption("--model <base>", "base model, e.g. gpt-4.1-mini-2025-04-14")
    .option("--data <dir>", "folder written by `svlab finetune data`", "finetune")
    .option("--epochs <n>", "epochs (default: OpenAI's automatic choice; the paper: 1)")
    .option("--lr-multiplier <x>", "learning-rate multiplier (default: OpenAI's automatic choice)")
    .option("--suffix <s>", "name suffix for the fine-tuned model", "svlab")
    .option("--base-url <url>", "API base URL (default: OPENAI_BASE_URL or api.openai.com)")
    .option("--json", "print JSON")
    .action(async (o: { model: string; data: string; epochs?: string; lrMultiplier?: string; suffix: string; baseUrl?: string; json?: boolean }) => {
      const dir = resolve(o.data);
      const { existsSync } = await import("node:fs");
      const job = await createFineTuneJob({
        model: o.model,
        trainingFile: `${dir}/train.jsonl`,
        validationFile: existsSync(`${dir}/validation.jsonl`) ? `${dir}/validation.jsonl` : undefined,
        epochs: o.epochs ? Number(o.epochs) : undefined,
        learningRateMultiplier: o.lrMultiplier ? Number(o.lrMultiplier) : undefined,
        suffix: o.suffix,
        baseURL: o.baseUrl,
      });
      emit(job, o.json, (j) => `created fine-tuning job ${j.id} (${j.status}); follow it with: svlab finetune status ${j.id}`);
    });

  ft.command("status <jobId>")
    .description("show an OpenAI fine-tuning job; when it succeeded, the model spec to evaluate")
    .option("--base-url <url>", "API base URL (default: OPENAI_BASE_URL or api.openai.com)")
    .option("--json", "print JSON")
    .action(async (id: string, o: { baseUrl?: string; json?: boolean }) => {
      const j = await getFineTuneJob(id, { baseURL: o.baseUrl });
      const next = j.evaluateWith ? evaluateCommands(j.evaluateWith, j.tunedFrom) : [];
      emit({ ...j, ...(next.length ? { next } : {}) }, o.json, (v) =>
        [
          `${v.id}: ${v.status}${v.error ? ` (${v.error})` : ""}`,
          ...(v.evaluateWith ? [`tuned model: ${v.evaluateWith} (tuned from ${v.tunedFrom})`, "next:", ...next.map((c) => `  ${c}`)] : []),
        ].join("\n"),
      );
    });

  ft.command("link")
    .description("record on a run that its model was fine-tuned from BASE (run.json tunedFrom): `svlab paper` then shows base → tuned")
    .requiredOption("--run <id|dir>", "the tuned model's run (id under --results, or a folder)")
    .requiredOption("--tuned-from <model>", "the base model's spec or name, as its own runs record it")
    .option("--results <dir>", "results root (default: SVLAB_RESULTS or ./results)")
    .option("--json", "print JSON")
    .action(async (o: { run: string; tunedFrom: string; results?: string; json?: boolean }) => {
      const m = await recordTunedFrom(o.run, o.tunedFrom, o.results);
      emit({ runId: m.runId, model: m.model, tunedFrom: m.tunedFrom }, o.json, (v) => `run ${v.runId} (${v.model}) recorded as tuned from ${v.tunedFrom}; \`svlab paper\` pairs them`);
    });
}
