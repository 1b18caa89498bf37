/**
 * The grid runner: model × template × split (or explicit pairs) × samples → predictions in a results
 * folder, through the engine (cache, concurrency, retries, progress). Usable from notebooks:
 *
 *   const s = await runGrid({ model: "openai:gpt-4.1-mini", split: "ood", templates: ["system-persona"], limit: 200 });
 *   s.n, s.dir, s.cost
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { loadBenchmark } from "../benchmark/load";
import { type Benchmark, type Pair, pairKey, type Split, type Subgroup } from "../benchmark/types";
import type { GenerateOptions, Provider, Usage } from "../models/types";
import type { Question } from "../wvs/types";
import { buildPrompt, DEFAULT_TEMPLATE, type Task } from "../personas/index";
import { stratifiedOrder } from "./spread";
import { AnswerCache } from "./cache";
import { runJobs, jobKey, effectiveConcurrency, type EngineResult, type Job, type ProgressState } from "./engine";
import { autoProgress, silentProgress, type ProgressDisplay } from "./progress";
import { benchmarkSha256 } from "../benchmark/fingerprint";
import type { Answer } from "../models/types";
import {
  checkRunId,
  claimRunFolder,
  makeRunId,
  markRunFailed,
  resultsRoot,
  writeErrors,
  writeManifest,
  writePredictions,
  type ClaimedRun,
  type RunCounts,
  type RunIdentity,
  type RunManifest,
  type RunStatus,
} from "./results";
import type { Prediction } from "./types";
import type { RetryPolicy } from "./retry";
import { httpFetch } from "./http-fetch";
import { cacheIdentity, resolveProvider, priceFor } from "./provider";
import type { ProviderContext } from "../models/registry";

export interface PairRef {
  question: string;
  subgroup: string;
}

export interface GridOptions {
  /** Provider spec ("openai:gpt-4.1-mini", "openai-compatible:URL#model", "llama:PATH", "baseline:…") or a Provider. */
  model: string | Provider;
  /** Which pairs: a split (default "ood"), "all", or explicit pairs. */
  split?: Split | "all";
  pairs?: PairRef[];
  /** Template ids (default ["system-persona"]). */
  templates?: string[];
  /** At most this many pairs, picked by a fixed hash order that spreads over questions and subgroups (a larger limit is a superset of a smaller one). */
  limit?: number;
  /**
   * "closed" (default: pick an option, parsed into a code) or "open-ended" (a short free-text answer,
   * stored as text and judged later: src/judge). Open-ended runs take OPEN_ENDED_DEFAULT_LIMIT pairs
   * unless limit says otherwise, picked by stratifiedOrder (even over questions and subgroups).
   */
  task?: Task;
  /** Samples per prompt (default 1). */
  samples?: number;
  generate?: GenerateOptions;
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Cache folder (default SVLAB_CACHE or .cache/svlab); null = no cache. */
  cacheDir?: string | null;
  /** Results root (default SVLAB_RESULTS or ./results). */
  resultsRoot?: string;
  runId?: string;
  /** The model this one was fine-tuned from (run.json tunedFrom: `svlab paper` pairs base and tuned). */
  tunedFrom?: string;
  /** Write the results folder (default true). */
  write?: boolean;
  /** The benchmark (default loadBenchmark()). */
  benchmark?: Benchmark;
  signal?: AbortSignal;
  onProgress?: (p: ProgressState) => void;
  /** Extra options for createProvider (llama threads, baseURL, …). */
  providerContext?: ProviderContext;
  /** Built-in display: "auto" (default: notebook line / terminal bar / log lines), "none", or your own. */
  progress?: "auto" | "none" | ProgressDisplay;
}

export interface RunSummary extends RunCounts {
  runId: string;
  /** Results folder (null when write: false). */
  dir: string | null;
  model: string;
  split: RunManifest["split"];
  templateIds: string[];
  samples: number;
  /** "open-ended" for free-text runs; absent for the closed task. */
  task?: "open-ended";
  /** Predictions written (answered requests). */
  n: number;
  /** Distinct (question, subgroup) pairs with at least one answer. */
  pairs: number;
  cost: number;
  costIfUncached: number;
  usage: Usage;
  elapsedMs: number;
  status: RunStatus;
  /** Why the run failed (status "failed"): the endpoint could not be reached, refused the key, or every request failed. */
  failure?: string;
  /** Things the user should know that did not stop the run (a repaired cache, …). */
  notes?: string[];
  /** Times every request was paused by a 429. */
  rateLimitPauses: number;
  /** The engine result (predictions and errors in memory), for notebooks. */
  result: EngineResult;
}

/** Deterministic, well-spread order for --limit: by sha1 of the pair key. */
function spreadOrder<T extends PairRef>(pairs: T[]): T[] {
  const h = (p: PairRef) => createHash("sha1").update(pairKey(p.question, p.subgroup)).digest("hex");
  return pairs
    .map((p) => ({ p, k: h(p) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.p);
}

/** Pairs an open-ended run asks when no limit is given: the paper judged a subset, not all 10,177 OOD pairs. */
export const OPEN_ENDED_DEFAULT_LIMIT = 200;
/** Max output tokens of an open-ended answer when none is given (two to four sentences fit well within it). */
export const OPEN_ENDED_DEFAULT_MAX_TOKENS = 300;

/** The benchmark pairs a grid covers, in the order they will be asked. */
export function selectPairs(b: Benchmark, opts: Pick<GridOptions, "split" | "pairs" | "limit" | "task">): Pair[] {
  let pairs: Pair[];
  if (opts.pairs) {
    const index = new Map(b.pairs.map((p) => [pairKey(p.question, p.subgroup), p]));
    pairs = opts.pairs.map((r, i) => {
      const p = index.get(pairKey(r.question, r.subgroup));
      if (!p) throw new Error(`pairs[${i}]: (${r.question}, ${r.subgroup}) is not a benchmark pair`);
      return p;
    });
  } else {
    const split = opts.split ?? "ood";
    if (split !== "train" && split !== "ood" && split !== "all") throw new Error(`split: expected train, ood or all, got "${split}"`);
    pairs = split === "all" ? b.pairs : b.pairs.filter((p) => p.split === split);
  }
  if (opts.limit !== undefined) {
    if (!Number.isInteger(opts.limit) || opts.limit < 0) throw new Error(`limit: expected a whole number ≥ 0, got ${opts.limit}`);
    // A spread-out subset (a larger limit contains every smaller one), asked in benchmark order:
    // subgroup-major, so consecutive prompts share their persona prefix (llama.cpp reuses it).
    const position = new Map(pairs.map((p, i) => [p, i]));
    pairs = (opts.task === "open-ended" ? stratifiedOrder(pairs) : spreadOrder(pairs)).slice(0, opts.limit).sort((a, b) => position.get(a)! - position.get(b)!);
  }
  return pairs;
}

/** The jobs (prompts × samples) of a grid for one model, pair-major then template then sample. */
export function buildJobs(b: Benchmark, pairs: Pair[], templates: string[], samples: number, task: Task = "closed"): Job[] {
  const questions = new Map<string, Question>(b.questions.map((q) => [q.id, q]));
  const subgroups = new Map<string, Subgroup>(b.subgroups.map((s) => [s.id, s]));
  const jobs: Job[] = [];
  for (const pair of pairs) {
    const q = questions.get(pair.question);
    const s = subgroups.get(pair.subgroup);
    if (!q) throw new Error(`benchmark pair names question ${pair.question}, which the benchmark's questions lack`);
    if (!s) throw new Error(`benchmark pair names subgroup ${pair.subgroup}, which the benchmark's subgroups lack`);
    for (const t of templates) {
      const prompt = buildPrompt(q, s, t, { task });
      for (let i = 0; i < samples; i++) jobs.push({ prompt, split: pair.split, sample: i });
    }
  }
  return jobs;
}

export function svlabVersion(): string {
  try {
    return (createRequire(join(process.cwd(), "package.json"))("./package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** What runGrid and planGrid share: validated options, the benchmark, the pairs and the jobs. */
export async function prepareGrid(opts: Pick<GridOptions, "samples" | "templates" | "benchmark" | "split" | "pairs" | "limit" | "task" | "generate">) {
  const samples = opts.samples ?? 1;
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`samples: expected a whole number ≥ 1, got ${samples}`);
  const task: Task = opts.task ?? "closed";
  if (task !== "closed" && task !== "open-ended") throw new Error(`task: expected closed or open-ended, got "${task}"`);
  const open = task === "open-ended";
  const templates = opts.templates?.length ? opts.templates : [DEFAULT_TEMPLATE];
  const limit = opts.limit ?? (open && !opts.pairs ? OPEN_ENDED_DEFAULT_LIMIT : undefined);
  const generate: GenerateOptions =
    open && opts.generate?.maxTokens === undefined ? { ...opts.generate, maxTokens: OPEN_ENDED_DEFAULT_MAX_TOKENS } : (opts.generate ?? {});
  const benchmark = opts.benchmark ?? (await loadBenchmark());
  const pairs = selectPairs(benchmark, { ...opts, limit });
  return { samples, templates, benchmark, pairs, task, limit, generate, jobs: buildJobs(benchmark, pairs, templates, samples, task) };
}

/** sha256 of an explicit pair list (order-free), recorded so a reused run id can compare pairs. */
export function pairsSha256(pairs: PairRef[] | undefined): string | undefined {
  if (!pairs) return undefined;
  const keys = pairs.map((p) => pairKey(p.question, p.subgroup)).sort();
  return createHash("sha256").update(keys.join("\n")).digest("hex");
}

/** A prediction as the Answer it came from (a resumed run serves its earlier answers like cache hits). */
export function answerOfPrediction(p: Prediction): Answer {
  const a: Answer = { text: p.text ?? "", code: p.code, refused: p.refused, latencyMs: p.latencyMs ?? 0, cached: true };
  if (p.reason !== undefined) a.reason = p.reason;
  if (p.distribution !== undefined) a.distribution = p.distribution;
  if (p.validMass !== undefined) a.validMass = p.validMass;
  if (p.usage !== undefined) a.usage = p.usage;
  if (p.cost !== undefined) a.cost = p.cost;
  return a;
}

/** (template, question, subgroup, sample): one request of a run. */
export function requestKey(p: Pick<Prediction, "templateId" | "question" | "subgroup" | "sample">): string {
  return `${p.templateId}\u0000${p.question}\u0000${p.subgroup}\u0000${p.sample}`;
}

/** Run a grid for one model and write its results folder. */
export async function runGrid(opts: GridOptions): Promise<RunSummary> {
  const { samples, templates, benchmark, jobs, task, limit, generate } = await prepareGrid(opts);
  const split: RunManifest["split"] = opts.pairs ? "pairs" : (opts.split ?? "ood");
  const open = task === "open-ended";

  const timeoutMs = opts.retry?.timeoutMs;
  const provider = await resolveProvider(opts.model, { benchmark, fetch: httpFetch, ...(timeoutMs ? { timeoutMs } : {}), ...opts.providerContext });
  const ownsProvider = typeof opts.model === "string";
  if (open && provider.id.startsWith("baseline:")) {
    if (ownsProvider) await provider.close?.();
    throw new Error(
      `model ${provider.id}: baselines give answer codes, not text; the open-ended task needs a language model (openai:, openai-compatible:, llama:)`,
    );
  }
  const runId = opts.runId !== undefined ? checkRunId(opts.runId) : makeRunId(provider.id, split);
  const write = opts.write ?? true;
  const benchSha = benchmarkSha256(benchmark);
  const identity: RunIdentity = {
    model: provider.id,
    split,
    templateIds: templates,
    samples,
    generate,
    mode: "api",
    limit,
    pairsSha256: pairsSha256(opts.pairs),
    benchmarkSha256: benchSha,
    // closed runs keep the identity they always had (no task field), so earlier runs still resume
    ...(open ? { task } : {}),
  };
  // a reused run id resumes its run (same options) or is refused (other options): never overwritten
  let claim: ClaimedRun | null = null;
  try {
    claim = write ? await claimRunFolder(resultsRoot(opts.resultsRoot), runId, identity) : null;
  } catch (err) {
    if (ownsProvider) await provider.close?.();
    throw err;
  }
  const dir = claim?.dir ?? null;
  const earlier = new Map<string, Prediction>();
  for (const p of claim?.resumed?.predictions ?? []) earlier.set(requestKey(p), p);
  // baselines answer instantly from the benchmark: caching them would only grow the cache
  const cache = opts.cacheDir === null || provider.id.startsWith("baseline:") ? null : AnswerCache.open(opts.cacheDir);
  const notes: string[] = [];
  const cacheNote = cache ? cacheRepairNote(cache) : undefined;
  if (cacheNote) notes.push(cacheNote);
  const display = opts.progress === "none" ? silentProgress : opts.progress && opts.progress !== "auto" ? opts.progress : autoProgress(`${provider.id} `);

  const manifest: RunManifest = {
    formatVersion: 1,
    runId,
    model: provider.id,
    templateIds: templates,
    templateId: templates[0],
    split,
    generate,
    samples,
    ...(limit !== undefined ? { limit } : {}),
    ...(open ? { task } : {}),
    mode: "api",
    counts: { requests: jobs.length, answered: 0, parsed: 0, refused: 0, unparsed: 0, errors: 0, cached: 0, skipped: 0, retries: 0 },
    usage: { inputTokens: 0, outputTokens: 0 },
    cost: 0,
    costIfUncached: 0,
    ...(identity.pairsSha256 ? { pairsSha256: identity.pairsSha256 } : {}),
    ...(opts.tunedFrom ? { tunedFrom: opts.tunedFrom } : {}),
    startedAt: claim?.resumed?.manifest.startedAt ?? new Date().toISOString(),
    status: "running",
    svlabVersion: svlabVersion(),
    benchmark: { preset: benchmark.options.preset, options: benchmark.options, provenance: benchmark.provenance, sha256: benchSha },
    extra: {
      ...(claim?.resumed ? { resumed: [...((claim.resumed.manifest.extra?.resumed as string[] | undefined) ?? []), new Date().toISOString()] } : {}),
      capabilities: provider.capabilities,
      cacheDir: cache?.dir ?? null,
      concurrency: effectiveConcurrency(provider, opts.concurrency),
      ...(provider.endpoint !== undefined ? { endpoint: provider.endpoint } : {}),
    },
  };
  if (dir) await writeManifest(dir, manifest);

  let result: EngineResult;
  let status: RunStatus = "completed";
  try {
    result = await runJobs({
      provider,
      jobs,
      generate,
      cache,
      concurrency: opts.concurrency,
      retry: opts.retry,
      signal: opts.signal,
      price: priceFor(provider.id),
      ...(earlier.size
        ? {
            known: (job: Job) => {
              const p = earlier.get(
                requestKey({ templateId: job.prompt.templateId, question: job.prompt.question, subgroup: job.prompt.subgroup, sample: job.sample }),
              );
              return p ? answerOfPrediction(p) : undefined;
            },
          }
        : {}),
      onProgress: (p) => {
        display.update(p);
        opts.onProgress?.(p);
      },
    });
    status = runStatusOf(result);
  } catch (err) {
    await markRunFailed(dir, manifest, err);
    claim?.release();
    throw err;
  } finally {
    display.stop();
    cache?.close();
    if (ownsProvider) await provider.close?.();
  }

  Object.assign(manifest, {
    counts: result.counts,
    usage: result.usage,
    cost: result.cost,
    costIfUncached: result.costIfUncached,
    finishedAt: new Date().toISOString(),
    status,
  });
  manifest.extra = { ...manifest.extra, rateLimitPauses: result.rateLimitPauses, elapsedMs: Math.round(result.elapsedMs) };
  const failure = failureOf(result);
  if (failure) manifest.extra.failure = failure;
  if (notes.length) manifest.extra.notes = notes;
  if (dir) {
    try {
      await writePredictions(dir, result.predictions);
      await writeErrors(dir, result.errors);
      await writeManifest(dir, manifest);
    } finally {
      claim?.release();
    }
  }
  return {
    ...result.counts,
    runId,
    dir,
    model: provider.id,
    split,
    templateIds: templates,
    samples,
    ...(open ? { task: "open-ended" as const } : {}),
    n: result.predictions.length,
    pairs: new Set(result.predictions.map((p) => pairKey(p.question, p.subgroup))).size,
    cost: result.cost,
    costIfUncached: result.costIfUncached,
    usage: result.usage,
    elapsedMs: result.elapsedMs,
    status,
    ...(failure ? { failure } : {}),
    ...(notes.length ? { notes } : {}),
    rateLimitPauses: result.rateLimitPauses,
    result,
  };
}

/** What opening the cache repaired, in one sentence (undefined when nothing). */
export function cacheRepairNote(cache: Pick<AnswerCache, "dir" | "stats">): string | undefined {
  const n = cache.stats.repaired;
  if (!n) return undefined;
  return `the answer cache ${cache.dir} had ${n} answer${n > 1 ? "s" : ""} cut short (a write interrupted by a kill or power cut): removed; ${n > 1 ? "those requests are" : "that request is"} asked again when needed`;
}

/**
 * A run's status from what its requests did: "aborted" when the caller stopped it; "failed" when the
 * engine stopped it (unreachable endpoint, refused key) or when it asked something and every request
 * failed; else "completed" (some failed requests make it partial: see runOutcome).
 */
export function runStatusOf(r: Pick<EngineResult, "aborted" | "fatal" | "counts">): RunStatus {
  if (r.fatal) return "failed";
  if (r.aborted) return "aborted";
  if (r.counts.errors > 0 && r.counts.answered === 0) return "failed";
  return "completed";
}

/** Why a run failed, for manifest.extra.failure and the summary (undefined when it did not). */
export function failureOf(r: Pick<EngineResult, "aborted" | "fatal" | "counts" | "errors">): string | undefined {
  if (r.fatal) return r.fatal;
  if (!r.aborted && r.counts.errors > 0 && r.counts.answered === 0) {
    return `every request failed (${r.counts.errors}); the first: ${r.errors[0]?.error ?? "unknown"}`;
  }
  return undefined;
}

/** What a grid would send, before sending anything. */
export interface DryRunPlan {
  model: string;
  split: RunManifest["split"];
  templateIds: string[];
  samples: number;
  pairs: number;
  requests: number;
  /** Already answered in the cache (would not be sent). */
  cached: number;
  toSend: number;
  /** Estimated tokens of the requests to send. */
  inputTokens: number;
  outputTokens: number;
  /** USD for the requests to send, or null when the model's price is unknown. */
  cost: number | null;
  /** How the numbers were estimated. */
  method: string;
}

/** Tokens of a text, estimated as ceil(chars / 4) (OpenAI's rule of thumb for English). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Per-message overhead of the chat format (role markers), in tokens. */
const MESSAGE_OVERHEAD = 4;
/** Assumed reply length: "Answer: 3" is 3–4 tokens; 5 leaves room for a stop token or a stray word. */
const ASSUMED_OUTPUT_TOKENS = 5;

/** Count requests, cache hits, tokens and cost of a grid without sending anything. */
export async function planGrid(opts: Omit<GridOptions, "model"> & { model: string }): Promise<DryRunPlan> {
  const { samples, templates, pairs, jobs, task, generate } = await prepareGrid(opts);
  const cache = opts.cacheDir === null ? null : AnswerCache.open(opts.cacheDir, { readOnly: true });
  // the cache key needs only the provider id (+ endpoint): no provider is created (no key needed, nothing contacted)
  const idOnly = cacheIdentity(opts.model, opts.providerContext);
  let cached = 0;
  let inputTokens = 0;
  for (const job of jobs) {
    if (cache?.get(jobKey(idOnly, job, generate))) {
      cached++;
      continue;
    }
    for (const m of job.prompt.messages) inputTokens += estimateTokens(m.content) + MESSAGE_OVERHEAD;
  }
  const toSend = jobs.length - cached;
  // open-ended answers are text: assume the whole allowance is used (an upper bound)
  const open = task === "open-ended";
  const outPer = open ? (generate.maxTokens ?? ASSUMED_OUTPUT_TOKENS) : Math.min(generate.maxTokens ?? ASSUMED_OUTPUT_TOKENS, ASSUMED_OUTPUT_TOKENS);
  const outputTokens = toSend * outPer;
  const price = priceFor(opts.model);
  const cost = price ? (price({ inputTokens, outputTokens }) ?? null) : null;
  return {
    model: opts.model,
    split: opts.pairs ? "pairs" : (opts.split ?? "ood"),
    templateIds: templates,
    samples,
    pairs: pairs.length,
    requests: jobs.length,
    cached,
    toSend,
    inputTokens,
    outputTokens,
    cost,
    method: `input ≈ ceil(chars/4) + ${MESSAGE_OVERHEAD} per message; output ≈ ${outPer} tokens per request (${open ? "at most --max-tokens of free text" : '"Answer: N"'})`,
  };
}
