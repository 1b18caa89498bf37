/**
 * `svlab judge`: an LLM judge compares a candidate's open-ended run with a reference's (the paper:
 * GPT-4.1), each item twice with the positions swapped, and reports the candidate's win rate per
 * criterion. Judgements are cached and the judge run resumes when rerun (src/judge/run.ts).
 */
import type { Command } from "commander";
import { join } from "node:path";
import type { GenerateOptions } from "../../models/types";
import { runJudge, type JudgeSummary } from "../../judge/run";
import { formatCost, formatDuration } from "../../runner/progress";
import { CliError, emit } from "../output";
import { wroteLines } from "../wrote";
import { BENCHMARK_OPTION, chooseBenchmark } from "../benchmark-file";
import { readResults } from "../../runner/results";

interface JudgeCliOpts {
  candidate: string;
  reference: string;
  judge: string;
  criteria?: string;
  rubric?: string;
  judgeId?: string;
  results?: string;
  cache?: string | false;
  concurrency: string;
  temperature?: string;
  maxTokens?: string;
  jsonMode: boolean;
  maxAttempts: string;
  bootstrap: string;
  seed: string;
  timeout: string;
  benchmark?: string;
  json?: boolean;
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name}: expected a whole number ≥ ${min}, got "${v}"`);
  return n;
}

/** The summary as printed with --json: counts, scores, where; the judgements themselves are in the folder. */
export function publicJudgeSummary(s: JudgeSummary): Omit<JudgeSummary, "rows"> {
  const { rows: _rows, ...rest } = s;
  return rest;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(3));

function human(s: Omit<JudgeSummary, "rows">): string {
  const lines = [
    `${s.status === "completed" ? (s.errors ? "partial" : "done") : s.status}: judge ${s.judge}`,
    `  candidate ${s.candidate.model} (${s.candidate.runId}) vs reference ${s.reference.model} (${s.reference.runId})`,
    `  ${s.n} items, ${s.judgements} of ${s.requests} judgements (${s.cached} from the cache) in ${formatDuration(s.elapsedMs)}; unparsed ${s.unparsed}, errors ${s.errors}${s.skipped ? `, not asked ${s.skipped}` : ""}`,
    `  cost ${formatCost(s.cost)} (tokens in ${s.usage.inputTokens.toLocaleString("en-US")}, out ${s.usage.outputTokens.toLocaleString("en-US")})`,
  ];
  if (s.missing.candidate || s.missing.reference)
    lines.push(`  not judged: ${s.missing.candidate} pairs the candidate did not answer, ${s.missing.reference} the reference did not`);
  lines.push("  win rate of the candidate (reference = 0.5; win 1, tie 0.5, loss 0; both orders; 95% bootstrap interval over questions):");
  for (const c of s.criterionIds) {
    const x = s.criteria[c];
    const ci = Number.isFinite(x.ci[0]) ? ` [${pct(x.ci[0])}, ${pct(x.ci[1])}]` : "";
    lines.push(
      `    ${c.padEnd(10)} ${pct(x.winRate)}${ci}  (n ${x.n} items, ties ${pct(x.tieRate)}, position-consistent ${pct(x.positionConsistency)}, unreadable ${x.unparsed} items)`,
    );
  }
  if (s.failure) lines.push(`  ${s.failure}`);
  for (const n of s.notes ?? []) lines.push(`  note: ${n}`);
  if (s.dir)
    lines.push(
      ...wroteLines([
        { label: "judge manifest", path: join(s.dir, "judge.json") },
        { label: `judgements (${s.judgements})`, path: join(s.dir, "judgements.jsonl") },
      ]),
    );
  if (s.status === "aborted" || s.errors) lines.push("rerun the same command to finish (judgements so far are cached)");
  return lines.join("\n");
}

export function register(program: Command): void {
  program
    .command("judge")
    .description("compare a candidate's open-ended answers with a reference's through an LLM judge (both orders); print win rates per criterion")
    .requiredOption("--candidate <run>", "the candidate's open-ended run (run id under --results, or a folder)")
    .requiredOption("--reference <run>", "the reference's open-ended run (the paper: openai:gpt-4.1)")
    .requiredOption("--judge <spec>", 'the judge model: any provider but a baseline, e.g. "openai:MODEL", "openai-compatible:URL#MODEL", "llama:PATH.gguf"')
    .option("--criteria <list>", "comma-separated criteria (default: overall,value,persona, or the rubric's)")
    .option("--rubric <file>", 'JSON rubric: {"instructions"?: "…", "criteria": {"overall": "…", …}}')
    .option("--judge-id <id>", "judge run folder name (default: judge_<candidate>_vs_<reference>_<hash of the options>)")
    .option("--results <dir>", "results root (default SVLAB_RESULTS or ./results)")
    .option("--cache <dir>", "cache folder (default SVLAB_CACHE or .cache/svlab)")
    .option("--no-cache", "do not read or write the answer cache")
    .option("--concurrency <n>", "parallel judge calls", "8")
    .option("--temperature <t>", "judge temperature (default 0)")
    .option("--max-tokens <n>", "max tokens of a verdict (default 400)")
    .option("--no-json-mode", "do not ask the provider for JSON mode (the reply is still read as JSON)")
    .option("--max-attempts <n>", "attempts per call, first included", "6")
    .option("--timeout <ms>", "per-attempt timeout in ms", "120000")
    .option("--bootstrap <n>", "bootstrap draws for the win-rate intervals (0 = none)", "1000")
    .option("--seed <n>", "bootstrap seed", "1")
    .option("--json", "print the summary as JSON")
    .option(...BENCHMARK_OPTION)
    .action(async (opts: JudgeCliOpts) => {
      // the candidate's benchmark (a country's file it recorded, or --benchmark); an unreadable run is runJudge's error to give
      const cand = await readResults(opts.candidate, opts.results).catch(() => undefined);
      const chosen = opts.benchmark || cand ? await chooseBenchmark(opts, cand ? [cand.manifest] : []) : undefined;
      const generate: GenerateOptions = {};
      if (opts.temperature !== undefined) {
        const t = Number(opts.temperature);
        if (!Number.isFinite(t) || t < 0 || t > 2) throw new CliError(`--temperature: expected a number in [0, 2], got "${opts.temperature}"`);
        generate.temperature = t;
      }
      const maxTokens = int("max-tokens", opts.maxTokens, 1);
      if (maxTokens !== undefined) generate.maxTokens = maxTokens;
      if (!opts.jsonMode) generate.json = false;
      const controller = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        if (++interrupts === 1) {
          process.stderr.write("\nstopping: keeping every judgement so far (Ctrl-C again to quit at once)\n");
          controller.abort();
        } else process.exit(130);
      };
      process.on("SIGINT", onSigint);
      process.on("SIGTERM", onSigint);
      try {
        const summary = await runJudge({
          candidate: opts.candidate,
          reference: opts.reference,
          judge: opts.judge,
          criteria: opts.criteria?.split(","),
          rubric: opts.rubric,
          judgeRunId: opts.judgeId,
          resultsRoot: opts.results,
          cacheDir: opts.cache === false ? null : opts.cache,
          concurrency: int("concurrency", opts.concurrency, 1),
          retry: { maxAttempts: int("max-attempts", opts.maxAttempts, 1)!, timeoutMs: int("timeout", opts.timeout, 0)! },
          generate,
          bootstrap: int("bootstrap", opts.bootstrap, 0),
          seed: int("seed", opts.seed, 0),
          signal: controller.signal,
          ...(chosen?.pinned ? { benchmark: chosen.bench } : {}),
        });
        emit(publicJudgeSummary(summary), opts.json, human);
        if (summary.status === "aborted") process.exitCode = 130;
        if (summary.status === "failed") {
          process.stderr.write(`svlab: judge run failed: ${summary.failure ?? "see judge.json"}\n`);
          process.exitCode = 1;
        }
      } finally {
        process.off("SIGINT", onSigint);
        process.off("SIGTERM", onSigint);
      }
    });
}
