/**
 * The request engine: asks one provider a list of prompts with bounded concurrency, the answer cache,
 * retries and a shared 429 backoff, and reports progress. It knows nothing about benchmarks or files;
 * grid.ts builds the jobs and writes the results folder.
 */
import pLimit from "p-limit";
import type { Split } from "../benchmark/types";
import type { Answer, GenerateOptions, Prompt, Provider, Usage } from "../models/types";
import { answerFromReply } from "../models/parse-answer";
import { keyHint } from "../models/registry";
import { redact } from "../models/secrets";
import type { AnswerCache } from "./cache";
import { cacheKey } from "./cache";
import type { RunCounts, RunError } from "./results";
import { onAbort } from "./abort";
import { BackoffGate, RetryFailure, withRetries, type Classified, type RetryPolicy } from "./retry";
import type { Prediction } from "./types";

/** One request: a prompt, its split and sample index. */
export interface Job {
  prompt: Prompt;
  split: Split;
  sample: number;
}

/** A snapshot for progress displays. */
export interface ProgressState {
  total: number;
  /** Requests finished (answered, failed or skipped). */
  done: number;
  answered: number;
  cached: number;
  errors: number;
  retries: number;
  parsed: number;
  refused: number;
  /** USD newly spent so far (cached answers are free). */
  cost: number;
  /** Requests per second over the last few seconds (uncached requests only). */
  rate: number;
  elapsedMs: number;
  /** Estimated ms left, or null while unknown. */
  etaMs: number | null;
  /** Ms the shared backoff gate still holds requests (after a 429). */
  pausedMs: number;
  inFlight: number;
}

export interface EngineOptions {
  provider: Provider;
  jobs: Job[];
  generate?: GenerateOptions;
  /** Answer cache; null/undefined = no cache. */
  cache?: AnswerCache | null;
  /** Parallel requests (default 8; capped by the provider's capabilities.maxConcurrency). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  onProgress?: (p: ProgressState) => void;
  /** Min ms between onProgress calls (default 200); a last call always comes at the end. */
  progressIntervalMs?: number;
  /** Cost of an answer when the provider gives none (from a price table); undefined = unknown. */
  price?: (usage: Usage) => number | undefined;
  /** Called for each answer as it arrives (in completion order). */
  onAnswer?: (job: Job, answer: Answer, index: number) => void;
  /** Answers already known (a resumed run's predictions), served like cache hits before the cache is asked. */
  known?: (job: Job) => Answer | undefined;
}

export interface EngineResult {
  /** Answered jobs as predictions, in job order. */
  predictions: Prediction[];
  /** Jobs that failed for good, in job order. */
  errors: RunError[];
  counts: RunCounts;
  usage: Usage;
  cost: number;
  costIfUncached: number;
  elapsedMs: number;
  aborted: boolean;
  /** Times the backoff gate paused every request (429s). */
  rateLimitPauses: number;
  /**
   * Why the engine stopped the run itself (fail fast): the endpoint is unreachable from the start,
   * or it refused the credentials. Undefined when it did not.
   */
  fatal?: string;
}

/** Where a provider's requests go, for messages: its base URL, else its endpoint, else its id. */
export function endpointOf(provider: Pick<Provider, "id" | "endpoint" | "url">): string {
  return provider.url ?? provider.endpoint ?? provider.id;
}

/**
 * Fail fast: the run stops when, before any request succeeded, a request has failed as unreachable
 * (connection refused, unknown host, TLS) on its second attempt or on its last one (--max-attempts 1)
 * — the first attempts all failing this way — or as soon as the endpoint refuses the credentials
 * (401/403). Keeps the message in `fatal`.
 */
export class EndpointWatch {
  private succeeded = false;
  private unreachable = 0;
  fatal: string | undefined;
  constructor(
    private readonly where: string,
    private readonly id = "",
  ) {}
  private why(c: Classified): string {
    return this.id && c.message.startsWith(`${this.id}: `) ? c.message.slice(this.id.length + 2) : c.message;
  }
  success(): void {
    this.succeeded = true;
  }
  /** A failed attempt; true when the run must stop now. */
  failure(c: Classified, attempt: number, final = false): boolean {
    if (this.fatal) return true;
    if (c.auth) {
      this.fatal = redact(`${this.where} refused the credentials (${this.why(c)}); check the API key (${keyHint(this.id)}). Stopped without sending more`);
      return true;
    }
    if (c.unreachable && !this.succeeded) {
      this.unreachable++;
      if (attempt >= 2 || final) {
        this.fatal = `cannot reach ${this.where}: the first ${this.unreachable} attempts all failed (${this.why(c)}). Is the server running and the URL right? Stopped without sending more`;
        return true;
      }
    }
    return false;
  }
}

/**
 * The cache key of a job for a provider: the provider id pins provider + model, and `endpoint` (set
 * for openai: models served from a non-default base URL) where they are served.
 */
export function jobKey(provider: Pick<Provider, "id" | "endpoint">, job: Job, generate: GenerateOptions = {}): string {
  return cacheKey({
    provider: provider.id,
    ...(provider.endpoint !== undefined ? { endpoint: provider.endpoint } : {}),
    messages: job.prompt.messages,
    generate: sampleOptions(generate, job.sample),
    sample: job.sample,
  });
}

/**
 * A cached answer as of today's parser: the cache keeps the raw text authoritative, so a parser fix
 * reaches answers cached before it. Answers without text (llama score mode, baselines) keep their code.
 * The same function as for live replies (answerFromReply): one parser for both.
 */
export function reparseCached(a: Answer, prompt: Prompt): Answer {
  return answerFromReply(a, prompt);
}

/** Generation options for sample i: the sample index, and seed + i when a seed is set (so samples differ). */
export function sampleOptions(generate: GenerateOptions, sample: number): GenerateOptions {
  const o: GenerateOptions = { ...generate, sample };
  if (generate.seed !== undefined) o.seed = generate.seed + sample;
  return o;
}

/** Which (model, template, question, subgroup, split, sample) a job is: shared by predictions and errors. */
function jobIdentity(provider: Provider, job: Job): Pick<Prediction, "model" | "templateId" | "question" | "subgroup" | "split" | "sample"> {
  return {
    model: provider.id,
    templateId: job.prompt.templateId,
    question: job.prompt.question,
    subgroup: job.prompt.subgroup,
    split: job.split,
    sample: job.sample,
  };
}

export function toPrediction(provider: Provider, job: Job, a: Answer): Prediction {
  const p: Prediction = {
    ...jobIdentity(provider, job),
    code: a.code,
    refused: a.refused,
  };
  if (a.reason !== undefined) p.reason = a.reason;
  if (a.distribution !== undefined) p.distribution = a.distribution;
  if (a.validMass !== undefined) p.validMass = a.validMass;
  if (a.text !== undefined && a.text !== "") p.text = a.text;
  if (a.usage !== undefined) p.usage = a.usage;
  if (a.cost !== undefined) p.cost = a.cost;
  p.latencyMs = a.latencyMs;
  p.cached = a.cached === true;
  return p;
}

/** Parallel requests for a provider: the asked concurrency (default 8), capped by what the provider can serve at once. */
export function effectiveConcurrency(provider: Pick<Provider, "capabilities">, asked: number | undefined): number {
  const cap = provider.capabilities?.maxConcurrency;
  const n = Math.max(1, Math.floor(asked ?? 8));
  return cap !== undefined && cap >= 1 ? Math.min(n, Math.floor(cap)) : n;
}

/** Run every job; never throws for request failures (they become `errors`). */
export async function runJobs(opts: EngineOptions): Promise<EngineResult> {
  const { provider, jobs } = opts;
  if (opts.generate?.distribution && provider.capabilities?.distribution === false) {
    // said once, before any request, instead of one failed request per job
    throw new Error(`${provider.id} cannot give an answer distribution (it returns no token probabilities); run without --distribution`);
  }
  // the run's own stop signal: the caller's (Ctrl-C), or ours when the endpoint watch gives up
  const stop = new AbortController();
  const offCaller = opts.signal ? onAbort(opts.signal, () => stop.abort(opts.signal!.reason)) : undefined;
  const signal = stop.signal;
  const watch = new EndpointWatch(endpointOf(provider), provider.id);
  const generate = opts.generate ?? {};
  const cache = opts.cache ?? null;
  const gate = new BackoffGate();
  const t0 = performance.now();
  const answers: Array<Answer | undefined> = new Array(jobs.length);
  const failures: Array<RunError | undefined> = new Array(jobs.length);
  const counts: RunCounts = { requests: jobs.length, answered: 0, parsed: 0, refused: 0, unparsed: 0, errors: 0, cached: 0, skipped: 0, retries: 0 };
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let cost = 0;
  let costIfUncached = 0;
  let inFlight = 0;
  // completion times of uncached requests, for the rate (sliding window)
  const window: number[] = [];
  const WINDOW_MS = 5000;

  const costOf = (a: Answer): number | undefined => a.cost ?? (a.usage && opts.price ? opts.price(a.usage) : undefined);

  const record = (i: number, a: Answer) => {
    answers[i] = a;
    counts.answered++;
    if (a.code !== null) counts.parsed++;
    if (a.refused) counts.refused++;
    else if (a.code === null) counts.unparsed++;
    const c = costOf(a);
    if (c !== undefined) {
      a.cost ??= c;
      costIfUncached += c;
    }
    if (a.cached) counts.cached++;
    else {
      if (a.usage) {
        usage.inputTokens += a.usage.inputTokens;
        usage.outputTokens += a.usage.outputTokens;
      }
      if (c !== undefined) cost += c;
    }
  };

  // progress, throttled
  const interval = opts.progressIntervalMs ?? 200;
  let lastProgress = 0;
  const state = (): ProgressState => {
    const now = performance.now();
    while (window.length && window[0] < now - WINDOW_MS) window.shift();
    const span = Math.min(WINDOW_MS, now - t0);
    const rate = span > 0 ? (window.length * 1000) / span : 0;
    const done = counts.answered + counts.errors + counts.skipped;
    const left = jobs.length - done;
    return {
      total: jobs.length,
      done,
      answered: counts.answered,
      cached: counts.cached,
      errors: counts.errors,
      retries: counts.retries,
      parsed: counts.parsed,
      refused: counts.refused,
      cost,
      rate,
      elapsedMs: now - t0,
      etaMs: left === 0 ? 0 : rate > 0 ? (left / rate) * 1000 : null,
      pausedMs: gate.remaining(),
      inFlight,
    };
  };
  const progress = (force = false) => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < interval) return;
    lastProgress = now;
    opts.onProgress(state());
  };

  // 1. serve what the cache has, without touching the network
  const keys: string[] = new Array(jobs.length);
  const todo: number[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const key = jobKey(provider, jobs[i], generate);
    keys[i] = key;
    const raw = opts.known?.(jobs[i]) ?? cache?.get(key);
    if (raw) {
      const hit = reparseCached(raw, jobs[i].prompt);
      record(i, hit);
      opts.onAnswer?.(jobs[i], hit, i);
    } else todo.push(i);
  }
  progress(true);

  // 2. ask the provider for the rest
  const limit = pLimit(effectiveConcurrency(provider, opts.concurrency));
  const one = async (i: number): Promise<void> => {
    if (signal?.aborted) {
      counts.skipped++;
      return;
    }
    const job = jobs[i];
    inFlight++;
    try {
      const { value } = await withRetries((s) => provider.answer(job.prompt, { ...sampleOptions(generate, job.sample), signal: s }), {
        policy: opts.retry,
        gate,
        signal,
        onRetry: () => {
          counts.retries++;
          progress();
        },
        onAttemptError: (c, attempt, final) => {
          if (watch.failure(c, attempt, final) && !stop.signal.aborted) stop.abort(new DOMException(watch.fatal!, "AbortError"));
        },
      });
      watch.success();
      // the provider gives raw text; the answer is parsed here, as for cached and imported text
      const a: Answer = { ...answerFromReply(value, job.prompt), cached: false };
      // cache first, so a crash right after still keeps the answer
      cache?.put(keys[i], a);
      record(i, a);
      window.push(performance.now());
      opts.onAnswer?.(job, a, i);
    } catch (err) {
      const f = err instanceof RetryFailure ? err : new RetryFailure({ retry: false, kind: "other", message: String((err as Error)?.message ?? err) }, 1);
      if (f.error.kind === "abort") counts.skipped++;
      else {
        counts.errors++;
        failures[i] = {
          ...jobIdentity(provider, job),
          // a server may echo the request's Authorization header in its error: never keep the key
          error: redact(`${f.error.kind}: ${f.error.message}`),
          ...(f.error.status !== undefined ? { status: f.error.status } : {}),
          attempts: f.attempts,
        };
      }
    } finally {
      inFlight--;
      progress();
    }
  };
  await Promise.all(todo.map((i) => limit(() => one(i))));
  offCaller?.();
  progress(true);
  cache?.flush();

  const predictions: Prediction[] = [];
  const errors: RunError[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const a = answers[i];
    if (a) predictions.push(toPrediction(provider, jobs[i], a));
    const f = failures[i];
    if (f) errors.push(f);
  }
  return {
    predictions,
    errors,
    counts,
    usage,
    cost,
    costIfUncached,
    elapsedMs: performance.now() - t0,
    aborted: opts.signal?.aborted === true,
    rateLimitPauses: gate.pauses,
    ...(watch.fatal ? { fatal: watch.fatal } : {}),
  };
}
