/**
 * `svlab run`: ask a model every (question, subgroup) pair of a split, write predictions to the results
 * folder, print a summary. Ctrl-C stops cleanly (answers so far are kept and written); a second Ctrl-C
 * exits at once (everything answered is still in the cache, so a rerun resumes).
 */
import type { Command } from "commander";
import { basename, dirname, join, resolve } from "node:path";
import { BATCH_DISCOUNT } from "../../models/pricing";
import type { GenerateOptions } from "../../models/types";
import { planGrid, runGrid, type RunSummary } from "../../runner/grid";
import { runBatchGrid } from "../../runner/batch";
import { providerHelp, specSummary } from "../../models/registry";
import { formatCost, formatDuration } from "../../runner/progress";
import { CliError, emit } from "../output";
import { displayPath, shellArg, wroteLines, type WrittenFile } from "../wrote";
import { DEFAULT_TEMPLATE } from "../../personas/index";
import { BENCHMARK_OPTION, chooseBenchmark } from "../benchmark-file";

interface RunOpts {
  model: string;
  task: string;
  split: string;
  template: string[];
  limit?: string;
  concurrency: string;
  samples: string;
  temperature?: string;
  maxTokens?: string;
  seed?: string;
  distribution?: boolean;
  topLogprobs?: string;
  dryRun?: boolean;
  batch?: boolean;
  json?: boolean;
  runId?: string;
  tunedFrom?: string;
  results?: string;
  cache?: string | false;
  maxAttempts?: string;
  timeout?: string;
  pollInterval?: string;
  benchmark?: string;
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name}: expected a whole number ≥ ${min}, got "${v}"`);
  return n;
}

function num(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new CliError(`--${name}: expected a number in [${min}, ${max}], got "${v}"`);
  return n;
}

/** The summary without the in-memory results, as printed with --json. */
export function publicSummary(s: RunSummary): Omit<RunSummary, "result"> {
  const { result: _result, ...rest } = s;
  return rest;
}

/** The files a run wrote to its results folder (none when it was not written). */
export function runFiles(s: Pick<RunSummary, "dir" | "n" | "errors">): WrittenFile[] {
  if (!s.dir) return [];
  return [
    { label: "run manifest", path: join(s.dir, "run.json") },
    { label: `predictions (${s.n.toLocaleString("en-US")})`, path: join(s.dir, "predictions.jsonl") },
    { label: `failed requests (${s.errors.toLocaleString("en-US")})`, path: join(s.dir, "errors.jsonl") },
  ];
}

/**
 * What to do after a completed run: the exact commands that score it and report on its split
 * (--results only when the root is not the default ./results). Undefined when there is nothing to
 * score yet (not written, stopped early, batch pending: the summary then says to rerun).
 */
export function nextStep(
  s: Pick<RunSummary, "dir" | "split" | "status" | "n" | "task">,
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): string | undefined {
  if (!s.dir || s.status !== "completed" || s.n === 0) return undefined;
  if (s.task === "open-ended") {
    const root = dirname(s.dir);
    const results = env.SVLAB_RESULTS || resolve(cwd, root) !== resolve(cwd, "results") ? ` --results ${shellArg(displayPath(root, cwd))}` : "";
    return `next: svlab judge --candidate ${shellArg(basename(s.dir))} --reference REFERENCE_RUN --judge SPEC${results} (the reference: an open-ended run of the same pairs, e.g. of openai:gpt-4.1)`;
  }
  const split = s.split === "train" ? "train" : "ood";
  const root = dirname(s.dir);
  const results = env.SVLAB_RESULTS || resolve(cwd, root) !== resolve(cwd, "results") ? ` --results ${shellArg(displayPath(root, cwd))}` : "";
  const both = s.split === "all" ? " (the run also holds the train split: --split train)" : "";
  return `next: svlab evaluate --run ${shellArg(displayPath(s.dir, cwd))} --split ${split} && svlab report${results} --split ${split}${both}`;
}

function human(s: Omit<RunSummary, "result">): string {
  const lines = [
    // Baselines use no prompt: no template to name.
    `${s.status === "completed" ? (s.errors > 0 ? "partial" : "done") : s.status}: ${s.model} on ${s.split}${s.model.startsWith("baseline:") ? "" : ` (${s.templateIds.join(", ")}${s.samples > 1 ? `, ${s.samples} samples` : ""})`}`,
    `  ${s.n.toLocaleString("en-US")} answers for ${s.pairs.toLocaleString("en-US")} pairs of ${s.requests.toLocaleString("en-US")} requests in ${formatDuration(s.elapsedMs)}` +
      ` (${s.cached.toLocaleString("en-US")} from the cache)`,
    s.task === "open-ended"
      ? `  open-ended: ${s.n} free-text answers (not parsed; judged by svlab judge), errors ${s.errors}${s.skipped ? `, not asked ${s.skipped}` : ""}, retries ${s.retries}`
      : `  parsed ${s.parsed}, refused ${s.refused}, unparsed ${s.unparsed}, errors ${s.errors}${s.skipped ? `, not asked ${s.skipped}` : ""}, retries ${s.retries}`,
    `  cost ${formatCost(s.cost)} (tokens in ${s.usage.inputTokens.toLocaleString("en-US")}, out ${s.usage.outputTokens.toLocaleString("en-US")})`,
  ];
  if (s.failure) lines.push(`  ${s.failure}`);
  for (const n of s.notes ?? []) lines.push(`  note: ${n}`);
  if (s.errors) {
    lines.push(
      s.status === "completed"
        ? `  partial: ${s.errors} of ${s.requests} requests failed (scored wrong by evaluate unless --exclude-failed); rerun the same command to retry only those`
        : `  ${s.errors} requests failed; rerun the same command to retry only those`,
    );
  }
  lines.push(...wroteLines(runFiles(s)));
  if (s.status === "aborted") lines.push("stopped early; rerun the same command to finish (answers so far are cached)");
  if (s.status === "pending") lines.push("the batch is still running; rerun the same command to collect it (nothing is submitted twice)");
  const next = nextStep(s);
  if (next) lines.push(next);
  return lines.join("\n");
}

export function register(program: Command): void {
  program
    .command("run")
    .description("ask a model every (question, subgroup) pair of a split; write predictions to the results folder")
    .requiredOption("--model <spec>", 'provider spec: "openai:MODEL", "openai-compatible:URL#MODEL", "llama:PATH.gguf", "baseline:NAME"')
    .option(
      "--task <task>",
      'closed (pick an option: "Answer: N") | open-ended (a short free-text answer, judged by svlab judge; default --limit 200, --max-tokens 300)',
      "closed",
    )
    .option("--split <split>", "ood | train | all", "ood")
    .option(...BENCHMARK_OPTION)
    .option(
      "--template <id>",
      `prompt template (repeatable; comma-separated list ok; default: ${DEFAULT_TEMPLATE})`,
      (v: string, acc: string[]) => [...acc, ...v.split(",")],
      [],
    )
    .option("--limit <n>", "at most N pairs (a fixed spread-out subset; larger limits extend smaller ones)")
    .option("--concurrency <n>", "parallel requests", "8")
    .option("--samples <n>", "samples per prompt (repeated sampling)", "1")
    .option("--temperature <t>", "sampling temperature (default: the server's; llama: 0)")
    .option("--max-tokens <n>", "max output tokens")
    .option("--seed <n>", "seed (sample i uses seed + i; default: none sent)")
    .option("--distribution", "ask for answer distributions (logprobs / next-token probabilities)")
    .option("--top-logprobs <n>", "top_logprobs to request with --distribution (default: 20)")
    .option("--dry-run", "print requests, estimated tokens and cost; send nothing")
    .option("--batch", "use the OpenAI Batch API (openai: models; half price, results within 24 h)")
    .option("--run-id <id>", "results folder name (default: time_model_split_random)")
    .option("--tuned-from <model>", "the model this one was fine-tuned from (run.json tunedFrom; `svlab paper` shows base → tuned)")
    .option("--results <dir>", "results root (default: SVLAB_RESULTS or ./results)")
    .option("--cache <dir>", "cache folder (default: SVLAB_CACHE or .cache/svlab)")
    .option("--no-cache", "do not read or write the answer cache")
    .option("--max-attempts <n>", "attempts per request, first included", "6")
    .option("--timeout <ms>", "per-attempt timeout in ms", "120000")
    .option("--poll-interval <ms>", "batch mode: ms between status checks", "30000")
    .option("--json", "print the summary as JSON")
    .addHelpText("after", `\nProviders (--model; every spec form: ${specSummary()}):\n${providerHelp()}`)
    .action(async (opts: RunOpts) => {
      const split = opts.split;
      if (split !== "ood" && split !== "train" && split !== "all") throw new CliError(`--split: expected ood, train or all, got "${split}"`);
      const task = opts.task;
      if (task !== "closed" && task !== "open-ended") throw new CliError(`--task: expected closed or open-ended, got "${task}"`);
      if (task === "open-ended" && opts.batch)
        throw new CliError("--task open-ended: not available with --batch yet (the batch runner asks the closed task); run without --batch");
      if (task === "open-ended" && opts.distribution)
        throw new CliError("--task open-ended: --distribution needs answer options, which open-ended prompts do not have");
      const generate: GenerateOptions = {};
      const temperature = num("temperature", opts.temperature, 0, 2);
      if (temperature !== undefined) generate.temperature = temperature;
      const maxTokens = int("max-tokens", opts.maxTokens, 1);
      if (maxTokens !== undefined) generate.maxTokens = maxTokens;
      const seed = int("seed", opts.seed, 0);
      if (seed !== undefined) generate.seed = seed;
      if (opts.distribution) generate.distribution = true;
      const topLogprobs = int("top-logprobs", opts.topLogprobs, 0);
      if (topLogprobs !== undefined) generate.topLogprobs = topLogprobs;
      const common = {
        split: split as "ood" | "train" | "all",
        task: task as "closed" | "open-ended",
        templates: opts.template.length ? opts.template : undefined,
        limit: int("limit", opts.limit, 0),
        samples: int("samples", opts.samples, 1)!,
        generate,
        cacheDir: opts.cache === false ? null : opts.cache,
        resultsRoot: opts.results,
        runId: opts.runId,
        tunedFrom: opts.tunedFrom,
        // a country's benchmark file (run.json records its path and sha256); default tan2026's
        ...(opts.benchmark ? { benchmark: (await chooseBenchmark(opts)).bench } : {}),
      };

      if (opts.dryRun) {
        const plan = await planGrid({ ...common, model: opts.model });
        emit(plan, opts.json, (p) =>
          [
            `dry run: ${p.model} on ${p.split} (${p.templateIds.join(", ")}${p.samples > 1 ? `, ${p.samples} samples` : ""})`,
            `  ${p.requests.toLocaleString("en-US")} requests for ${p.pairs.toLocaleString("en-US")} pairs; ${p.cached.toLocaleString("en-US")} already cached, ${p.toSend.toLocaleString("en-US")} to send`,
            `  estimated tokens: in ${p.inputTokens.toLocaleString("en-US")}, out ${p.outputTokens.toLocaleString("en-US")} (${p.method})`,
            `  estimated cost: ${p.cost === null ? "unknown (no list price for this model)" : `${formatCost(p.cost)}${opts.batch ? ` (batch: ${formatCost(p.cost * BATCH_DISCOUNT)})` : ""}`}`,
            "  nothing was sent",
          ].join("\n"),
        );
        return;
      }

      const controller = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        interrupts++;
        if (interrupts === 1) {
          process.stderr.write("\nstopping: finishing nothing new, keeping every answer so far (Ctrl-C again to quit at once)\n");
          controller.abort();
        } else process.exit(130);
      };
      process.on("SIGINT", onSigint);
      process.on("SIGTERM", onSigint);
      try {
        const retry = { maxAttempts: int("max-attempts", opts.maxAttempts, 1)!, timeoutMs: int("timeout", opts.timeout, 0)! };
        const summary = opts.batch
          ? await runBatchGrid({ ...common, model: opts.model, signal: controller.signal, pollIntervalMs: int("poll-interval", opts.pollInterval, 1)! })
          : await runGrid({ ...common, model: opts.model, concurrency: int("concurrency", opts.concurrency, 1), retry, signal: controller.signal });
        emit(publicSummary(summary), opts.json, human);
        if (summary.status === "aborted") process.exitCode = 130;
        if (summary.status === "failed") {
          // the summary (what was kept, where) is on stdout; the reason also as one line on stderr
          process.stderr.write(`svlab: run failed: ${summary.failure ?? "see run.json"}\n`);
          process.exitCode = 1;
        }
      } finally {
        process.off("SIGINT", onSigint);
        process.off("SIGTERM", onSigint);
      }
    });
}
