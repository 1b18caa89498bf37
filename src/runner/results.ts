/**
 * The results folder format, shared by the runner (writes) and metrics (reads).
 *
 *   <root>/<runId>/run.json          manifest (RunManifest), rewritten atomically at start and at the end
 *   <root>/<runId>/predictions.jsonl one Prediction per line, every request answered (parsed, unparsed or refused)
 *   <root>/<runId>/errors.jsonl      one RunError per line: requests that failed for good (after retries)
 *
 * Requests a stopped run never got to (abort, or a batch still running at maxWaitMs) are in neither
 * file: counts.skipped says how many; they are the grid's requests minus predictions minus errors,
 * and rerunning the same command asks exactly those (answers so far come from the cache).
 *
 * Root: env SVLAB_RESULTS, else ./results (relative to the working folder).
 * A run killed mid-way leaves run.json with status "running" and possibly no predictions; its answers are
 * in the cache, so rerunning the same command recreates the predictions without asking again.
 */
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Split } from "../benchmark/types";
import type { GenerateOptions } from "../models/types";
import type { Prediction } from "./types";
import { redact } from "../models/secrets";

export const RESULTS_FORMAT_VERSION = 1;

/**
 * "running" (or killed mid-way), "completed", "aborted" (stopped by the caller), "failed" (an
 * exception; manifest.extra.failure says why), "pending" (batch mode: maxWaitMs reached while the
 * batch still runs; manifest.extra.stopped says which — rerun to collect).
 */
export type RunStatus = "running" | "completed" | "aborted" | "failed" | "pending";

/** Request and answer counts of a run. */
export interface RunCounts {
  /** Requests the run was asked to make: pairs × templates × samples. */
  requests: number;
  /** Requests with an answer (from the model or the cache). */
  answered: number;
  /** Answers with a parsed code. */
  parsed: number;
  refused: number;
  /** Answers with no code that were not refusals. */
  unparsed: number;
  /** Requests that failed for good (after retries); one errors.jsonl row each. */
  errors: number;
  /** Answers served from the cache. */
  cached: number;
  /**
   * Requests left unanswered because the run stopped: not started before an abort, cut off by it
   * (an attempt in flight is abandoned, not recorded), or still waiting in a batch. No row in either file.
   */
  skipped: number;
  /** Retries made (each extra attempt counts one). */
  retries: number;
}

export interface RunManifest {
  formatVersion: number;
  runId: string;
  /** Provider spec, e.g. "openai:gpt-4.1-mini". */
  model: string;
  /** Every template in the run (a run may have several). */
  templateIds: string[];
  /** The first template (convenience for single-template runs). */
  templateId: string;
  /** "train" | "ood" | "all" | "pairs" (explicit pair list). */
  split: Split | "all" | "pairs";
  /** Generation options as passed (sample index excluded). */
  generate: Omit<GenerateOptions, "sample">;
  /** Samples per pair (n > 1 for repeated sampling). */
  samples: number;
  /** Pair limit (--limit) when one was given. */
  limit?: number;
  /** "open-ended" for free-text runs (texts, no codes: judged, not scored); absent for the closed task. */
  task?: "closed" | "open-ended";
  /** "api" (one request per prompt), "batch" (OpenAI Batch API) or "import" (outputs read from a file: `svlab import`). */
  mode: "api" | "batch" | "import";
  counts: RunCounts;
  usage: { inputTokens: number; outputTokens: number };
  /** USD of the answers in this run that were newly paid for (cached answers cost nothing again). */
  cost: number;
  /** USD of every answer in the run, cached or not (what it would cost from scratch), when prices are known. */
  costIfUncached: number;
  startedAt: string;
  finishedAt?: string;
  status: RunStatus;
  svlabVersion: string;
  /** Benchmark preset and options, so metrics can rebuild the same labels. */
  benchmark: { preset: string; options?: unknown; provenance?: Record<string, unknown>; sha256?: string };
  /** sha256 of the explicit pair list (split "pairs" only), so a reused run id can tell whether it asks the same pairs. */
  pairsSha256?: string;
  /** Free-form extras (provider capabilities, batch ids, …). Never secrets. */
  extra?: Record<string, unknown>;
  /** Set by `svlab import`: the answers were read from this file, not asked (src/import). */
  imported?: { file: string; sha256: string; format: string; fileKind: string; rows: number; matched: number; unmatched: number; at: string };
  /** The model this one was fine-tuned from (a model spec or name): `--tuned-from`, or `svlab finetune status`. */
  tunedFrom?: string;
}

/** A pair that got no answer. */
export interface RunError extends Pick<Prediction, "model" | "templateId" | "question" | "subgroup" | "split" | "sample"> {
  error: string;
  status?: number;
  attempts: number;
}

export interface RunResults {
  dir: string;
  manifest: RunManifest;
  predictions: Prediction[];
  errors: RunError[];
}

/** The results root: SVLAB_RESULTS or ./results. */
export function resultsRoot(root?: string): string {
  return resolve(root ?? process.env.SVLAB_RESULTS ?? "results");
}

/** A readable, sortable, unique run id: 20261128T101502Z_openai-gpt-4.1-mini_ood_3f9a. */
export function makeRunId(model: string, split: string, now = new Date()): string {
  const ts = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  // kind + the model's own name: "openai-compatible:http://host/v1#qwen" → "openai-compatible-qwen"
  const colon = model.indexOf(":");
  const kind = colon > 0 ? model.slice(0, colon) : "";
  let name = colon > 0 ? model.slice(colon + 1) : model;
  if (name.includes("#")) name = name.slice(name.lastIndexOf("#") + 1);
  else if (name.includes("/")) name = name.slice(name.lastIndexOf("/") + 1).replace(/\.gguf$/i, "");
  const slug = `${kind}-${name}`
    .replace(/[^A-Za-z0-9.]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
  const rand = Math.random().toString(16).slice(2, 6).padEnd(4, "0");
  return `${ts}_${slug}_${split}_${rand}`;
}

/** What a run id may be: a plain folder name (letters, digits, ".", "_", "-"), never a path. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Check a run id before it names a folder: no separators, no "..", nothing that escapes the results root. */
export function checkRunId(id: string): string {
  if (typeof id !== "string" || !RUN_ID.test(id) || id.includes("..")) {
    throw new Error(
      `run id ${JSON.stringify(id)}: expected a plain name of letters, digits, ".", "_" and "-" (no "/", "\\" or "..", at most 128 characters), e.g. gpt41-ood-1`,
    );
  }
  return id;
}

/** What must match for a reused run id to resume its run (anything else is refused). */
export type RunIdentity = Pick<RunManifest, "model" | "split" | "templateIds" | "samples" | "generate" | "mode" | "limit" | "pairsSha256" | "task"> & {
  benchmarkSha256?: string;
};

export function runIdentity(m: RunManifest): RunIdentity {
  return {
    model: m.model,
    split: m.split,
    templateIds: m.templateIds,
    samples: m.samples,
    generate: m.generate,
    mode: m.mode,
    limit: m.limit,
    pairsSha256: m.pairsSha256,
    benchmarkSha256: m.benchmark?.sha256,
    ...(m.task !== undefined ? { task: m.task } : {}),
  };
}

const canon = (v: unknown): string =>
  v === undefined
    ? "none"
    : JSON.stringify(v, (_k, x) =>
        x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
      );

/** The options two runs differ in, as "option: earlier → now" (empty when they match). */
export function identityDifferences(earlier: RunIdentity, now: RunIdentity): string[] {
  const out: string[] = [];
  const names: Array<[keyof RunIdentity, string]> = [
    ["model", "model"],
    ["split", "split"],
    ["templateIds", "templates"],
    ["samples", "samples"],
    ["generate", "generation options"],
    ["mode", "mode (api/batch)"],
    ["limit", "limit"],
    ["pairsSha256", "explicit pairs"],
    ["task", "task"],
    ["benchmarkSha256", "benchmark (labels)"],
  ];
  for (const [k, label] of names) {
    // runs written before the benchmark hash was recorded: nothing to compare
    if (k === "benchmarkSha256" && earlier[k] === undefined) continue;
    const a = canon(k === "templateIds" ? [...(earlier[k] as string[])].sort() : earlier[k]);
    const b = canon(k === "templateIds" ? [...(now[k] as string[])].sort() : now[k]);
    if (a !== b) out.push(`${label}: ${a} → ${b}`);
  }
  return out;
}

/** A run folder claimed by this process: the earlier run to resume (or null) and the lock to release. */
export interface ClaimedRun {
  dir: string;
  /** The earlier run with the same id and identity, whose answers this run keeps; null for a new folder. */
  resumed: RunResults | null;
  release(): void;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Take `<dir>/.lock` for this process (a lock left by a killed process is taken over; one held by a live
 * process is refused with `busy(pid)`). Returns the release function. Shared by run and judge folders.
 */
export function lockFolder(dir: string, busy: (pid: number) => string): () => void {
  const lock = join(dir, ".lock");
  for (let tries = 0; ; tries++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || tries > 0) throw err;
      const pid = Number(readFileSync(lock, "utf8").trim());
      if (pidAlive(pid)) throw new Error(busy(pid));
      unlinkSync(lock); // left by a killed run
    }
  }
  return () => {
    try {
      if (readFileSync(lock, "utf8").trim() === String(process.pid)) unlinkSync(lock);
    } catch {
      /* already gone */
    }
  };
}

/**
 * Claim `<root>/<runId>` for a run: a new folder, or an earlier run of the same id that asked exactly
 * the same (model, split, templates, samples, generation options, mode, limit, pairs, benchmark) —
 * which is then resumed, keeping its answers. An earlier run that differs is refused with a message
 * naming the differing options; a folder another live svlab process is writing is refused; a folder
 * that is not a run is refused. Never overwrites.
 */
export async function claimRunFolder(root: string, runId: string, identity: RunIdentity): Promise<ClaimedRun> {
  checkRunId(runId);
  const dir = join(root, runId);
  await mkdir(dir, { recursive: true });
  const release = lockFolder(dir, (pid) => `run id ${runId}: another svlab process (pid ${pid}) is writing ${dir}; wait for it or choose another --run-id`);
  try {
    if (!existsSync(join(dir, "run.json"))) {
      const other = readdirSync(dir).filter((f) => f !== ".lock");
      if (other.length)
        throw new Error(
          `run id ${runId}: ${dir} exists and is not a results folder (no run.json; holds ${other.slice(0, 3).join(", ")}); choose another --run-id`,
        );
      return { dir, resumed: null, release };
    }
    const earlier = await readResults(dir);
    const diff = identityDifferences(runIdentity(earlier.manifest), identity);
    if (diff.length) {
      throw new Error(
        `run id ${runId} already holds a run (${earlier.manifest.status}, started ${earlier.manifest.startedAt}) that differs in ${diff.join("; ")}. ` +
          "A run id is resumed only with the same options; choose another --run-id (or none, for a new one)",
      );
    }
    return { dir, resumed: earlier, release };
  } catch (err) {
    release();
    throw err;
  }
}

/** Write a file so a reader never sees half of it (tmp + rename). */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  // every results file (manifest, predictions, errors) passes the redactor: no API key, no bearer token
  await writeFile(tmp, redact(text));
  await rename(tmp, path);
}

export async function writeManifest(dir: string, manifest: RunManifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, "run.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

function toJsonl(rows: unknown[]): string {
  let out = "";
  for (const r of rows) out += `${JSON.stringify(r)}\n`;
  return out;
}

/** Mark a run failed (with why) and save its manifest: the folder then says what happened. */
export async function markRunFailed(dir: string | null, manifest: RunManifest, err: unknown): Promise<void> {
  manifest.status = "failed";
  manifest.finishedAt = new Date().toISOString();
  manifest.extra = { ...manifest.extra, failure: String((err as Error)?.message ?? err) };
  if (dir) await writeManifest(dir, manifest);
}

export async function writePredictions(dir: string, predictions: Prediction[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, "predictions.jsonl"), toJsonl(predictions));
}

export async function writeErrors(dir: string, errors: RunError[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, "errors.jsonl"), toJsonl(errors));
}

/** Parse a JSONL file; a bad line is an error naming the file and line. */
export function parseJsonl<T>(text: string, file: string): T[] {
  const rows: T[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not a JSON line (${(err as Error).message})`);
    }
  }
  return rows;
}

const PREDICTION_FIELDS: Array<[keyof Prediction, string]> = [
  ["model", "string"],
  ["templateId", "string"],
  ["question", "string"],
  ["subgroup", "string"],
  ["split", "string"],
  ["sample", "number"],
  ["refused", "boolean"],
];

function checkPrediction(p: Prediction, file: string, line: number): void {
  for (const [field, type] of PREDICTION_FIELDS) {
    if (typeof p[field] !== type) {
      throw new Error(`${file}:${line}: field "${field}" should be a ${type}, got ${JSON.stringify(p[field])}`);
    }
  }
  if (p.code !== null && typeof p.code !== "number") {
    throw new Error(`${file}:${line}: field "code" should be a number or null, got ${JSON.stringify(p.code)}`);
  }
}

/** Read one run folder (a runId under the root, or a path). */
export async function readResults(dirOrRunId: string, root?: string): Promise<RunResults> {
  let dir = resolve(dirOrRunId);
  if (!existsSync(join(dir, "run.json")) && existsSync(join(resultsRoot(root), dirOrRunId, "run.json"))) {
    dir = join(resultsRoot(root), dirOrRunId);
  }
  const manifestPath = join(dir, "run.json");
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath}: no run manifest (is ${dirOrRunId} a results folder?)`);
  let manifest: RunManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, "utf8")) as RunManifest;
  } catch (err) {
    throw new Error(`${manifestPath}: not valid JSON (${(err as Error).message})`);
  }
  for (const field of ["runId", "model", "split"] as const) {
    if (typeof manifest[field] !== "string") throw new Error(`${manifestPath}: field "${field}" should be a string`);
  }
  const predPath = join(dir, "predictions.jsonl");
  const predictions = existsSync(predPath) ? parseJsonl<Prediction>(await readFile(predPath, "utf8"), predPath) : [];
  predictions.forEach((p, i) => checkPrediction(p, predPath, i + 1));
  const errPath = join(dir, "errors.jsonl");
  const errors = existsSync(errPath) ? parseJsonl<RunError>(await readFile(errPath, "utf8"), errPath) : [];
  return { dir, manifest, predictions, errors };
}

export interface RunListing {
  runId: string;
  dir: string;
  manifest: RunManifest;
}

/**
 * Every run under the root, oldest first (run ids sort by start time). Folders without run.json are
 * skipped (judge runs among them). Open-ended runs (free text, no codes: judged, not scored) are left
 * out unless `task` asks for them, so scoring, reports and the paper's tables never take them for
 * closed-task runs.
 */
export async function listRuns(root?: string, opts: { task?: "closed" | "open-ended" | "all" } = {}): Promise<RunListing[]> {
  const task = opts.task ?? "closed";
  const base = resultsRoot(root);
  if (!existsSync(base)) return [];
  const out: RunListing[] = [];
  for (const entry of (await readdir(base, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const path = join(base, entry.name, "run.json");
    if (!existsSync(path)) continue;
    try {
      const manifest = JSON.parse(await readFile(path, "utf8")) as RunManifest;
      if (task !== "all" && (manifest.task ?? "closed") !== task) continue;
      out.push({ runId: manifest.runId ?? entry.name, dir: join(base, entry.name), manifest });
    } catch {
      // a manifest being rewritten or damaged: not a readable run
    }
  }
  return out;
}

/** The newest completed run for a model (and split / template when given), or null. */
export async function latestRun(
  filter: { model?: string; split?: string; templateId?: string; includeIncomplete?: boolean },
  root?: string,
): Promise<RunListing | null> {
  const runs = (await listRuns(root)).filter(
    (r) =>
      (filter.includeIncomplete || r.manifest.status === "completed") &&
      (!filter.model || r.manifest.model === filter.model) &&
      // a run over both splits ("all", e.g. an import of every pair) serves either split
      (!filter.split || r.manifest.split === filter.split || r.manifest.split === "all") &&
      (!filter.templateId || r.manifest.templateIds?.includes(filter.templateId)),
  );
  return runs.at(-1) ?? null;
}

/** "complete", "partial" (some requests failed) or the run's status when it did not complete. */
export function runState(res: Pick<RunResults, "manifest" | "errors">): string {
  if (res.manifest.status !== "completed") return res.manifest.status;
  return res.errors.length > 0 || (res.manifest.counts?.errors ?? 0) > 0 ? "partial" : "complete";
}

/**
 * Whether the run was made against the benchmark being scored (run.json benchmark.sha256): null
 * when it was, else the warning (or, with strict, the refusal) text.
 */
export function benchmarkMismatch(res: Pick<RunResults, "manifest">, sha: string): string | null {
  const recorded = res.manifest.benchmark?.sha256;
  if (recorded === undefined) return null; // runs made before the hash was recorded: nothing to compare
  if (recorded === sha) return null;
  return (
    `run ${res.manifest.runId} was made against another benchmark (sha256 ${recorded.slice(0, 12)}…, now ${sha.slice(0, 12)}…): ` +
    "its labels or pairs changed since, so these scores compare answers with labels they were not asked against"
  );
}
