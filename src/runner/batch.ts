/**
 * OpenAI Batch API mode: build a JSONL of chat-completion requests with custom_ids, upload it, create a
 * batch, poll until it ends, and collect the answers into the same cache the online mode uses (same
 * keys), so predictions, resumption and later runs do not care which mode answered.
 *
 * custom_id: the authors' shape `{QID}_{stratum}_{values joined by "_"}` with spaces → "-"
 * (e.g. "Q1_sex_x_age_Female_16-24-years"), then "__{templateId}", then "__s{i}" for sample i > 0, so
 * ids stay unique across templates and samples while the pair part matches the released outputs.
 *
 * Submitted batches are recorded in <cache>/batches/<batchId>.json (ids, custom_id → cache key and
 * answer codes) before polling starts, so a process stopped while waiting does not pay twice: a rerun
 * finds the pending batch, waits for it and collects it instead of submitting those requests again.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI, { toFile } from "openai";
import { chatRequestBody, OPENAI_DEFAULT_BASE_URL, replyFromChatCompletion } from "../models/openai-chat";
import { answerFromReply } from "../models/parse-answer";
import { batchTargetOf, kindOf, type BatchTarget, type ProviderContext } from "../models/registry";
import type { Answer, GenerateOptions, Prompt, Provider } from "../models/types";
import { ProviderError } from "../models/types";
import { AnswerCache } from "./cache";
import { jobKey, runJobs, sampleOptions, type EngineResult, type Job, type ProgressState } from "./engine";
import { pairsSha256, prepareGrid, svlabVersion, type GridOptions, type RunSummary } from "./grid";
import { autoProgress, silentProgress } from "./progress";
import {
  checkRunId,
  claimRunFolder,
  makeRunId,
  markRunFailed,
  resultsRoot,
  writeErrors,
  writeManifest,
  writePredictions,
  type RunManifest,
  type RunStatus,
} from "./results";
import { benchmarkSha256 } from "../benchmark/fingerprint";
import { pairKey } from "../benchmark/types";
import { redact } from "../models/secrets";
import { sleep } from "./retry";

/** OpenAI's per-batch request cap. */
export const MAX_BATCH_REQUESTS = 50_000;

export function batchCustomId(job: Pick<Job, "sample"> & { prompt: Pick<Prompt, "question" | "subgroup" | "templateId"> }): string {
  const sub = job.prompt.subgroup;
  const colon = sub.indexOf(":");
  const stratum = colon >= 0 ? sub.slice(0, colon) : sub;
  const values = colon >= 0 ? sub.slice(colon + 1).split("|") : [];
  const pair = [job.prompt.question, stratum, ...values].join("_").replace(/ /g, "-");
  return `${pair}__${job.prompt.templateId}${job.sample > 0 ? `__s${job.sample}` : ""}`;
}

export type { BatchTarget };

/**
 * Where batch requests for a spec go, from the provider registry: openai: (the same endpoint the online
 * provider would use, part of the cache key) or openai-compatible:URL#MODEL; other kinds have no batch mode.
 */
export function batchTarget(spec: string, ctx: Pick<ProviderContext, "baseURL" | "env"> = {}): BatchTarget {
  return batchTargetOf(spec, ctx);
}

/** The cache identity (id + endpoint) batch requests are keyed under: the same as the online provider's. */
function identityOf(providerId: string, target: BatchTarget): Pick<Provider, "id" | "endpoint"> {
  return target.kind === "openai" && target.baseURL !== undefined ? { id: providerId, endpoint: target.baseURL } : { id: providerId };
}

/** What collection needs for one line: where the answer goes and how to parse it. */
export interface BatchEntry {
  key: string;
  answerCodes: number[];
  answerLabels: Record<string, string>;
  distribution: boolean;
}

export interface BuiltBatch {
  jsonl: string;
  entries: Record<string, BatchEntry>;
}

/** The batch input file for jobs (custom_ids must be unique: duplicates are an error). */
export function buildBatchInput(providerId: string, target: BatchTarget, jobs: Job[], generate: GenerateOptions): BuiltBatch {
  const entries: Record<string, BatchEntry> = {};
  let jsonl = "";
  const idOnly = identityOf(providerId, target);
  for (const job of jobs) {
    const customId = batchCustomId(job);
    if (entries[customId]) throw new Error(`duplicate custom_id ${customId}: the same (question, subgroup, template, sample) twice`);
    const o = sampleOptions(generate, job.sample);
    entries[customId] = {
      key: jobKey(idOnly, job, generate),
      answerCodes: job.prompt.answerCodes,
      answerLabels: job.prompt.answerLabels,
      distribution: !!o.distribution,
    };
    jsonl += `${JSON.stringify({ custom_id: customId, method: "POST", url: "/v1/chat/completions", body: chatRequestBody(target.kind, target.model, job.prompt, o) })}\n`;
  }
  return { jsonl, entries };
}

/** One chat.completion body (from a batch output line) → an Answer, parsed by the one parser (answerFromReply). */
export function answerFromCompletion(target: BatchTarget, entry: BatchEntry, body: any): Answer {
  if (!body?.choices?.[0]?.message) throw new Error("no choices[0].message");
  const reply = replyFromChatCompletion(body, {
    kind: target.kind,
    requestedModel: target.model,
    answerCodes: entry.answerCodes,
    distribution: entry.distribution,
    latencyMs: 0,
    batch: true,
    prices: kindOf(`${target.kind}:`)?.prices,
  });
  return answerFromReply(reply, entry);
}

export interface Collected {
  answered: number;
  /** custom_id → why it has no answer. */
  failed: Record<string, string>;
  /** Lines whose custom_id was not in the batch record. */
  unknown: number;
}

/** Put every successful line of batch output (and error) files into the cache. */
export function collectBatchOutput(target: BatchTarget, entries: Record<string, BatchEntry>, outputText: string, cache: AnswerCache): Collected {
  const out: Collected = { answered: 0, failed: {}, unknown: 0 };
  const lines = outputText.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let row: any;
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`batch output line ${i + 1}: not JSON (${line.slice(0, 80)})`);
    }
    const customId: string | undefined = row?.custom_id;
    const entry = customId ? entries[customId] : undefined;
    if (!customId || !entry) {
      out.unknown++;
      continue;
    }
    const status = row.response?.status_code;
    if (row.error || status !== 200) {
      out.failed[customId] = row.error
        ? `${row.error.code ?? "error"}: ${row.error.message ?? ""}`
        : `HTTP ${status}: ${row.response?.body?.error?.message ?? ""}`;
      continue;
    }
    try {
      cache.put(entry.key, answerFromCompletion(target, entry, row.response.body));
      out.answered++;
      delete out.failed[customId];
    } catch (err) {
      out.failed[customId] = `malformed completion: ${(err as Error).message}`;
    }
  }
  return out;
}

/** A submitted batch as recorded on disk. */
export interface BatchRecord {
  batchId: string;
  inputFileId: string;
  provider: string;
  target: BatchTarget;
  createdAt: string;
  status: string;
  collected: boolean;
  entries: Record<string, BatchEntry>;
  failed?: Record<string, string>;
}

function batchesDir(cache: AnswerCache): string {
  return join(cache.dir, "batches");
}

function saveRecord(cache: AnswerCache, r: BatchRecord): void {
  const dir = batchesDir(cache);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${r.batchId}.json`);
  writeFileSync(`${path}.tmp`, redact(JSON.stringify(r)));
  renameSync(`${path}.tmp`, path);
}

/** Batches submitted for this provider and not yet collected. */
export function pendingBatches(cache: AnswerCache, provider: string): BatchRecord[] {
  const dir = batchesDir(cache);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as BatchRecord)
    .filter((r) => r.provider === provider && !r.collected);
}

function clientFor(target: BatchTarget): OpenAI {
  if (target.kind === "openai") {
    const apiKey = process.env.OPENAI_API_KEY;
    if (!apiKey) throw new ProviderError("OPENAI_API_KEY is not set (keys are read from the environment only)");
    return new OpenAI({ apiKey, baseURL: target.baseURL ?? OPENAI_DEFAULT_BASE_URL, maxRetries: 4, organization: null, project: null });
  }
  return new OpenAI({ apiKey: process.env.SVLAB_API_KEY || "no-key", baseURL: target.baseURL, maxRetries: 4, organization: null, project: null });
}

const TERMINAL = new Set(["completed", "failed", "expired", "cancelled"]);

export interface BatchGridOptions extends Omit<GridOptions, "model" | "concurrency" | "retry"> {
  model: string;
  /** Ms between status checks (default 30 000). */
  pollIntervalMs?: number;
  /** Stop waiting after this many ms (the batch keeps running; a rerun collects it). Default: no limit. */
  maxWaitMs?: number;
}

/** Run a grid through the Batch API; the result folder is the same as runGrid's (mode "batch"). */
export async function runBatchGrid(opts: BatchGridOptions): Promise<RunSummary> {
  if (opts.cacheDir === null) throw new Error("batch mode collects answers into the cache; it cannot run with the cache off");
  const target = batchTarget(opts.model, opts.providerContext);
  const providerId = opts.model;
  const { samples, templates, benchmark, jobs } = await prepareGrid(opts);
  const generate = opts.generate ?? {};
  const split: RunManifest["split"] = opts.pairs ? "pairs" : (opts.split ?? "ood");
  const runId = opts.runId !== undefined ? checkRunId(opts.runId) : makeRunId(providerId, split);
  const benchSha = benchmarkSha256(benchmark);
  const pairsSha = pairsSha256(opts.pairs);
  // a reused run id resumes (same options: answers come back from the cache, batches are not resubmitted) or is refused
  const claim =
    (opts.write ?? true)
      ? await claimRunFolder(resultsRoot(opts.resultsRoot), runId, {
          model: providerId,
          split,
          templateIds: templates,
          samples,
          generate,
          mode: "batch",
          limit: opts.limit,
          pairsSha256: pairsSha,
          benchmarkSha256: benchSha,
        })
      : null;
  const dir = claim?.dir ?? null;
  const cache = AnswerCache.open(opts.cacheDir);
  const display =
    opts.progress === "none" ? silentProgress : opts.progress && opts.progress !== "auto" ? opts.progress : autoProgress(`${providerId} [batch] `);
  const t0 = performance.now();
  const manifest: RunManifest = {
    formatVersion: 1,
    runId,
    model: providerId,
    templateIds: templates,
    templateId: templates[0],
    split,
    generate,
    samples,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    mode: "batch",
    counts: { requests: jobs.length, answered: 0, parsed: 0, refused: 0, unparsed: 0, errors: 0, cached: 0, skipped: 0, retries: 0 },
    usage: { inputTokens: 0, outputTokens: 0 },
    cost: 0,
    costIfUncached: 0,
    ...(pairsSha ? { pairsSha256: pairsSha } : {}),
    ...(opts.tunedFrom ? { tunedFrom: opts.tunedFrom } : {}),
    startedAt: claim?.resumed?.manifest.startedAt ?? new Date().toISOString(),
    status: "running",
    svlabVersion: svlabVersion(),
    benchmark: { preset: benchmark.options.preset, options: benchmark.options, provenance: benchmark.provenance, sha256: benchSha },
    ...(target.kind === "openai" && target.baseURL ? { extra: { endpoint: target.baseURL } } : {}),
  };
  if (dir) await writeManifest(dir, manifest);

  const idOnly = identityOf(providerId, target);
  const keys = jobs.map((j) => jobKey(idOnly, j, generate)); // computed once: a grid can have 10k+ jobs
  const failedWhy = new Map<string, string>(); // cache key → why the batch gave no answer
  const newKeys = new Set<string>();
  /** Why the run stopped before every batch ended: the caller's signal, or maxWaitMs. */
  let stopped: "aborted" | "max-wait" | null = null;
  const stillRunning: string[] = [];
  try {
    let result: EngineResult;
    try {
      // what the cache lacks, minus what pending batches will bring
      const missingKeys = new Set(keys.filter((k) => !cache.get(k)));
      const missing = jobs.filter((_, i) => missingKeys.has(keys[i]));
      const pending = pendingBatches(cache, providerId);
      const covered = new Set(pending.flatMap((r) => Object.values(r.entries).map((e) => e.key)));
      const toSubmit = missing.filter((j) => !covered.has(jobKey(idOnly, j, generate)));
      const client = clientFor(target);
      const records = [...pending];
      for (let at = 0; at < toSubmit.length; at += MAX_BATCH_REQUESTS) {
        const chunk = toSubmit.slice(at, at + MAX_BATCH_REQUESTS);
        const built = buildBatchInput(providerId, target, chunk, generate);
        const file = await client.files.create({ file: await toFile(Buffer.from(built.jsonl), `svlab-${runId}-${at}.jsonl`), purpose: "batch" });
        const batch = await client.batches.create({
          input_file_id: file.id,
          endpoint: "/v1/chat/completions",
          completion_window: "24h",
          metadata: { svlab_run: runId },
        });
        const rec: BatchRecord = {
          batchId: batch.id,
          inputFileId: file.id,
          provider: providerId,
          target,
          createdAt: new Date().toISOString(),
          status: batch.status,
          collected: false,
          entries: built.entries,
        };
        saveRecord(cache, rec);
        records.push(rec);
      }
      const waitFor = records.filter((r) => Object.values(r.entries).some((e) => missingKeys.has(e.key)));
      const started = Date.now();
      const show = (done: number) => {
        const p: ProgressState = {
          total: jobs.length,
          done: jobs.length - missing.length + done,
          answered: jobs.length - missing.length + done,
          cached: jobs.length - missing.length,
          errors: failedWhy.size,
          retries: 0,
          parsed: 0,
          refused: 0,
          cost: 0,
          rate: 0,
          elapsedMs: performance.now() - t0,
          etaMs: null,
          pausedMs: 0,
          inFlight: missing.length - done,
        };
        display.update(p);
        opts.onProgress?.(p);
      };
      let open = waitFor.filter((r) => !r.collected);
      while (open.length) {
        let done = 0;
        for (const rec of open) {
          const b = await client.batches.retrieve(rec.batchId);
          rec.status = b.status;
          done += (b.request_counts?.completed ?? 0) + (b.request_counts?.failed ?? 0);
          if (!TERMINAL.has(b.status)) continue;
          const texts: string[] = [];
          for (const fid of [b.output_file_id, b.error_file_id]) if (fid) texts.push(await (await client.files.content(fid)).text());
          const got = collectBatchOutput(rec.target, rec.entries, texts.join("\n"), cache);
          for (const e of Object.values(rec.entries)) if (missingKeys.has(e.key) && cache.get(e.key)) newKeys.add(e.key);
          // requests the batch never reached (expired / cancelled / failed validation) fail with the batch's status
          for (const [cid, e] of Object.entries(rec.entries)) {
            if (cache.get(e.key)) continue;
            const why =
              got.failed[cid] ?? `batch ${rec.batchId} ${b.status}${b.errors?.data?.length ? `: ${b.errors.data.map((x) => x.message).join("; ")}` : ""}`;
            failedWhy.set(e.key, why);
          }
          rec.collected = true;
          rec.failed = got.failed;
          saveRecord(cache, rec);
        }
        show(done);
        open = open.filter((r) => !r.collected);
        if (!open.length) break;
        if (opts.maxWaitMs !== undefined && Date.now() - started >= opts.maxWaitMs) {
          stopped = "max-wait";
          break;
        }
        if (!(await sleep(opts.pollIntervalMs ?? 30_000, opts.signal))) {
          stopped = "aborted";
          break;
        }
      }
      stillRunning.push(...open.map((r) => r.batchId));
    } finally {
      display.stop();
    }

    // assemble predictions from the cache; what the batch did not answer becomes an error row
    const noAnswer: Provider = {
      id: providerId,
      ...(idOnly.endpoint !== undefined ? { endpoint: idOnly.endpoint } : {}),
      capabilities: { distribution: true, seed: true, batch: true },
      async answer(prompt, o) {
        const key = jobKey(noAnswer, { prompt, split: "ood", sample: o.sample ?? 0 }, { ...generate });
        throw new ProviderError(
          failedWhy.get(key) ?? (stopped ? "batch still running (rerun to collect)" : "no answer in the batch output"),
          undefined,
          undefined,
          false,
        );
      },
    };
    result = await runJobs({ provider: noAnswer, jobs, generate, cache, concurrency: 64, retry: { maxAttempts: 1, timeoutMs: 0 }, price: undefined });
    // answers collected by this run are not "cached" hits: count them as new, with their (batch-priced) cost
    const keyOf = new Map(jobs.map((j, i) => [`${j.prompt.question}::${j.prompt.subgroup}::${j.prompt.templateId}::${j.sample}`, keys[i]]));
    for (const p of result.predictions) {
      if (p.cached && newKeys.has(keyOf.get(`${p.question}::${p.subgroup}::${p.templateId}::${p.sample}`)!)) {
        p.cached = false;
        result.counts.cached--;
        if (p.cost !== undefined) result.cost += p.cost;
        if (p.usage) {
          result.usage.inputTokens += p.usage.inputTokens;
          result.usage.outputTokens += p.usage.outputTokens;
        }
      }
    }
    if (stopped) {
      // unanswered jobs of a still-running batch are not errors: they are waiting (skipped; a rerun collects them)
      const waiting = result.errors.filter((e) => !failedWhy.has(keyOf.get(`${e.question}::${e.subgroup}::${e.templateId}::${e.sample}`)!));
      result.counts.skipped += waiting.length;
      result.counts.errors -= waiting.length;
      result.errors = result.errors.filter((e) => !waiting.includes(e));
    }
    // stopped by the caller → "aborted"; maxWaitMs reached while batches still run → "pending" (not "completed")
    // every request failed (no answer at all) → "failed", never a "completed" run that hides older good ones
    const allFailed = !stopped && result.counts.errors > 0 && result.counts.answered === 0;
    const status: RunStatus = stopped === "aborted" ? "aborted" : stopped === "max-wait" ? "pending" : allFailed ? "failed" : "completed";
    if (allFailed)
      manifest.extra = { ...manifest.extra, failure: `every request failed (${result.counts.errors}); the first: ${result.errors[0]?.error ?? "unknown"}` };
    Object.assign(manifest, {
      counts: result.counts,
      usage: result.usage,
      cost: result.cost,
      costIfUncached: result.costIfUncached,
      finishedAt: new Date().toISOString(),
      status,
    });
    if (stopped) {
      const why = stopped === "aborted" ? "stopped by the caller" : `maxWaitMs (${opts.maxWaitMs} ms) reached`;
      manifest.extra = {
        ...manifest.extra,
        stopped: `${why} while ${stillRunning.length} batch(es) still ran (${stillRunning.join(", ")}); rerun the same command to collect them`,
        pendingBatches: stillRunning,
      };
    }
    if (dir) {
      await writePredictions(dir, result.predictions);
      await writeErrors(dir, result.errors);
      await writeManifest(dir, manifest);
    }
    return {
      ...result.counts,
      runId,
      dir,
      model: providerId,
      split,
      templateIds: templates,
      samples,
      n: result.predictions.length,
      pairs: new Set(result.predictions.map((p) => pairKey(p.question, p.subgroup))).size,
      cost: result.cost,
      costIfUncached: result.costIfUncached,
      usage: result.usage,
      elapsedMs: performance.now() - t0,
      status,
      rateLimitPauses: 0,
      result,
    };
  } catch (err) {
    await markRunFailed(dir, manifest, err);
    throw err;
  } finally {
    cache.close();
    claim?.release();
  }
}
