/**
 * A judge run: an LLM judge compares a candidate's open-ended answers with a reference's, item by
 * item, twice per item (candidate as A, then as B), through the same runner engine as every run
 * (answer cache, concurrency, retries, 429 backoff, progress). Written to the results root as
 *
 *   <root>/<judgeRunId>/judge.json        JudgeRunManifest (rewritten at start and at the end)
 *   <root>/<judgeRunId>/judgements.jsonl  one StoredJudgement per judge call (failed calls included, with `error`)
 *
 * No run.json: a judge run is not a model run, so listRuns, evaluate and report never take it for one.
 * A rerun of the same command reuses the same folder (the default id is a hash of what is judged) and
 * asks only what neither the cache nor the earlier judgements hold, so a killed run resumes.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { mkdir, readFile, readdir, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadBenchmark } from "../benchmark/load";
import type { Benchmark, Subgroup } from "../benchmark/types";
import type { Answer, GenerateOptions, Provider, Usage } from "../models/types";
import type { ProviderContext } from "../models/registry";
import { redact } from "../models/secrets";
import { AnswerCache } from "../runner/cache";
import { runJobs, type EngineResult, type Job, type ProgressState } from "../runner/engine";
import { cacheRepairNote, failureOf, runStatusOf, svlabVersion } from "../runner/grid";
import { httpFetch } from "../runner/http-fetch";
import { autoProgress, silentProgress, type ProgressDisplay } from "../runner/progress";
import { priceFor, resolveProvider } from "../runner/provider";
import { checkRunId, parseJsonl, readResults, resultsRoot, type RunResults, type RunStatus } from "../runner/results";
import type { RetryPolicy } from "../runner/retry";
import type { Question } from "../wvs/types";
import { attributesFrom, scoreJudgements, type JudgeScores } from "./scores";
import { buildJudgePrompt, judgeTemplateId, type JudgeItem } from "./prompt";
import { DEFAULT_RUBRIC, readRubric, rubricSha256, selectCriteria, type Rubric } from "./rubric";
import type { CandidatePosition, Criterion, Judgement } from "./types";
import { parseVerdicts } from "./verdict";

export const JUDGE_FORMAT_VERSION = 1;

/** Generation options of the judge unless given: greedy, room for a short reason, JSON mode. */
export const DEFAULT_JUDGE_GENERATE: GenerateOptions = { temperature: 0, maxTokens: 400, json: true };

export interface JudgeOptions {
  /** The candidate's open-ended run: a run id under the results root, or a folder. */
  candidate: string;
  /** The reference's open-ended run (the paper: GPT-4.1), likewise. */
  reference: string;
  /** The judge: a provider spec (openai:, openai-compatible:, llama:, …) or a Provider. */
  judge: string | Provider;
  /** Criterion ids (default: the rubric's; for the default rubric overall, value, persona). */
  criteria?: string[];
  /** A rubric file (JSON, see rubric.ts) or a Rubric (default DEFAULT_RUBRIC). */
  rubric?: string | Rubric;
  /** Judge generation options (default DEFAULT_JUDGE_GENERATE; given fields override). */
  generate?: GenerateOptions;
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Cache folder (default SVLAB_CACHE or .cache/svlab); null = no cache. */
  cacheDir?: string | null;
  /** Results root (default SVLAB_RESULTS or ./results): where the two runs are found and the judge run is written. */
  resultsRoot?: string;
  /** Folder name of the judge run (default: judge_<candidate>_vs_<reference>_<hash of the options>). */
  judgeRunId?: string;
  /** Write the judge run folder (default true). */
  write?: boolean;
  benchmark?: Benchmark;
  signal?: AbortSignal;
  onProgress?: (p: ProgressState) => void;
  progress?: "auto" | "none" | ProgressDisplay;
  providerContext?: ProviderContext;
  /** Bootstrap draws for the win-rate intervals (default 1000; 0 = none) and their seed (default 1). */
  bootstrap?: number;
  seed?: number;
}

/** What must match for a judge run id to be resumed. */
export interface JudgeIdentity {
  candidate: string;
  reference: string;
  judge: string;
  endpoint?: string;
  criteria: Criterion[];
  rubricSha256: string;
  generate: GenerateOptions;
}

export interface JudgeCounts {
  /** Items judged: pairs both runs answered. */
  items: number;
  /** Judge calls asked: 2 × items. */
  requests: number;
  /** Judgements written (calls answered or failed for good). */
  judgements: number;
  /** Judgements with a reply but no readable verdict for at least one criterion. */
  unparsed: number;
  /** Judge calls that failed for good (after retries): judgements with `error`, every verdict null. */
  errors: number;
  cached: number;
  /** Calls not made because the run stopped. */
  skipped: number;
  retries: number;
}

export interface JudgeRunManifest {
  formatVersion: number;
  kind: "judge";
  judgeRunId: string;
  /** tunedFrom: the candidate run's base model (run.json tunedFrom), so reports pair base and tuned judge runs. */
  candidate: { runId: string; model: string; dir: string; tunedFrom?: string };
  reference: { runId: string; model: string; dir: string };
  judge: string;
  endpoint?: string;
  criteria: Criterion[];
  rubric: Rubric;
  rubricSha256: string;
  generate: GenerateOptions;
  /** Pairs one run answered and the other did not (not judged). */
  missing: { candidate: number; reference: number };
  counts: JudgeCounts;
  usage: Usage;
  cost: number;
  costIfUncached: number;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  svlabVersion: string;
  extra?: Record<string, unknown>;
}

/** A judgement as stored: the shared Judgement plus what the call cost. */
export interface StoredJudgement extends Judgement {
  split?: string;
  cached?: boolean;
  usage?: Usage;
  cost?: number;
}

export interface JudgeSummary extends JudgeCounts {
  judgeRunId: string;
  dir: string | null;
  candidate: { runId: string; model: string };
  reference: { runId: string; model: string };
  judge: string;
  criterionIds: Criterion[];
  /** Items judged (= counts.items): the paper's n. */
  n: number;
  /** Per criterion: the candidate's win rate against the reference (bootstrap interval over questions), ties, position consistency (src/judge/scores.ts). */
  criteria: JudgeScores["criteria"];
  /** Win rate per attribute value, with its disparity across values (open-ended fairness). */
  byAttribute: JudgeScores["byAttribute"];
  /** Disparity of the win rate across subgroups. */
  subgroupDisparity: JudgeScores["subgroupDisparity"];
  missing: { candidate: number; reference: number };
  cost: number;
  costIfUncached: number;
  usage: Usage;
  elapsedMs: number;
  status: RunStatus;
  failure?: string;
  notes?: string[];
  /** The judgements, in item order (candidate as A, then as B). */
  rows: StoredJudgement[];
}

/** `${question}|${subgroup}`: the item key of types.ts. */
export const itemKey = (question: string, subgroup: string): string => `${question}|${subgroup}`;

/** An open-ended run's answer texts by item (first template, sample 0), in the run's order. */
export function answerTexts(run: RunResults): Map<string, { question: string; subgroup: string; split: string; text: string }> {
  const m = run.manifest;
  if (m.task !== "open-ended") {
    throw new Error(
      `run ${m.runId} (${run.dir}) is not an open-ended run (its answers are option codes); the judge compares free-text answers: make them with svlab run --task open-ended --model SPEC`,
    );
  }
  const template = m.templateIds?.[0];
  const out = new Map<string, { question: string; subgroup: string; split: string; text: string }>();
  for (const p of run.predictions) {
    if (p.sample !== 0 || (template !== undefined && p.templateId !== template)) continue;
    const text = p.text?.trim();
    if (!text) continue; // an empty reply is no answer to compare
    out.set(itemKey(p.question, p.subgroup), { question: p.question, subgroup: p.subgroup, split: p.split, text });
  }
  return out;
}

const slug = (s: string, n: number) =>
  s
    .replace(/[^A-Za-z0-9.-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, n);

/** The default judge run id: readable, and a hash of everything that changes the judgements. */
export function defaultJudgeRunId(id: JudgeIdentity): string {
  const h = createHash("sha256").update(JSON.stringify(id)).digest("hex").slice(0, 10);
  return `judge_${slug(id.candidate, 45)}_vs_${slug(id.reference, 45)}_${h}`;
}

const canon = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );

export function judgeIdentityOf(m: JudgeRunManifest): JudgeIdentity {
  return {
    candidate: m.candidate.runId,
    reference: m.reference.runId,
    judge: m.judge,
    ...(m.endpoint !== undefined ? { endpoint: m.endpoint } : {}),
    criteria: m.criteria,
    rubricSha256: m.rubricSha256,
    generate: m.generate,
  };
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, redact(text));
  await rename(tmp, path);
}

async function writeJudgeManifest(dir: string, m: JudgeRunManifest): Promise<void> {
  await writeAtomic(join(dir, "judge.json"), `${JSON.stringify(m, null, 2)}\n`);
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

/** Claim the judge run folder: new, or the same judge run to resume; anything else is refused. */
async function claimJudgeFolder(root: string, id: string, identity: JudgeIdentity): Promise<{ dir: string; earlier: JudgeRun | null; release: () => void }> {
  checkRunId(id);
  const dir = join(root, id);
  await mkdir(dir, { recursive: true });
  const lock = join(dir, ".lock");
  try {
    writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const pid = Number(readFileSync(lock, "utf8").trim());
    if (pidAlive(pid)) throw new Error(`judge run ${id}: another svlab process (pid ${pid}) is writing ${dir}; wait for it or choose another --judge-id`);
    writeFileSync(lock, `${process.pid}\n`); // left by a killed run
  }
  const release = () => {
    try {
      if (readFileSync(lock, "utf8").trim() === String(process.pid)) unlinkSync(lock);
    } catch {
      /* already gone */
    }
  };
  try {
    if (!existsSync(join(dir, "judge.json"))) {
      const other = readdirSync(dir).filter((f) => f !== ".lock");
      if (other.length)
        throw new Error(
          `judge run ${id}: ${dir} exists and is not a judge run (no judge.json; holds ${other.slice(0, 3).join(", ")}); choose another --judge-id`,
        );
      return { dir, earlier: null, release };
    }
    const earlier = await readJudgeRun(dir);
    const a = judgeIdentityOf(earlier.manifest);
    const diff = (Object.keys({ ...a, ...identity }) as Array<keyof JudgeIdentity>).filter((k) => canon(a[k] ?? null) !== canon(identity[k] ?? null));
    if (diff.length)
      throw new Error(
        `judge run ${id} already holds a judge run that differs in ${diff.join(", ")}; a judge run id is resumed only with the same options: choose another --judge-id (or none)`,
      );
    return { dir, earlier, release };
  } catch (err) {
    release();
    throw err;
  }
}

export interface JudgeRun {
  dir: string;
  manifest: JudgeRunManifest;
  judgements: StoredJudgement[];
}

/** Read a judge run folder (a judge run id under the root, or a path). */
export async function readJudgeRun(dirOrId: string, root?: string): Promise<JudgeRun> {
  let dir = resolve(dirOrId);
  if (!existsSync(join(dir, "judge.json")) && existsSync(join(resultsRoot(root), dirOrId, "judge.json"))) dir = join(resultsRoot(root), dirOrId);
  const path = join(dir, "judge.json");
  if (!existsSync(path)) throw new Error(`${path}: no judge manifest (is ${dirOrId} a judge run folder?)`);
  let manifest: JudgeRunManifest;
  try {
    manifest = JSON.parse(await readFile(path, "utf8")) as JudgeRunManifest;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (manifest.kind !== "judge" || !Array.isArray(manifest.criteria)) throw new Error(`${path}: field "kind" should be "judge" with a "criteria" list`);
  const jpath = join(dir, "judgements.jsonl");
  const judgements = existsSync(jpath) ? parseJsonl<StoredJudgement>(await readFile(jpath, "utf8"), jpath) : [];
  judgements.forEach((j, i) => {
    if (typeof j.item !== "string" || (j.candidate !== "A" && j.candidate !== "B") || !j.verdicts || typeof j.verdicts !== "object") {
      throw new Error(`${jpath}:${i + 1}: expected a judgement with "item", "candidate" ("A" or "B") and "verdicts"`);
    }
  });
  return { dir, manifest, judgements };
}

/** Every judge run under the root, oldest first. */
export async function listJudgeRuns(root?: string): Promise<Array<{ judgeRunId: string; dir: string; manifest: JudgeRunManifest }>> {
  const base = resultsRoot(root);
  if (!existsSync(base)) return [];
  const out: Array<{ judgeRunId: string; dir: string; manifest: JudgeRunManifest }> = [];
  for (const e of (await readdir(base, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(base, e.name, "judge.json");
    if (!e.isDirectory() || !existsSync(path)) continue;
    try {
      const manifest = JSON.parse(await readFile(path, "utf8")) as JudgeRunManifest;
      if (manifest.kind === "judge") out.push({ judgeRunId: manifest.judgeRunId ?? e.name, dir: join(base, e.name), manifest });
    } catch {
      // being rewritten or damaged: not a readable judge run
    }
  }
  return out.sort((a, b) => a.manifest.startedAt.localeCompare(b.manifest.startedAt));
}

/** A judge reply (or a failed call) as a Judgement. Uses the answer's text only, never a parsed code. */
export function judgementOf(
  job: { question: string; subgroup: string; candidate: CandidatePosition },
  criteria: Criterion[],
  answer: Answer | null,
  error?: string,
): StoredJudgement {
  const base = { item: itemKey(job.question, job.subgroup), question: job.question, subgroup: job.subgroup, candidate: job.candidate };
  if (!answer) return { ...base, verdicts: Object.fromEntries(criteria.map((c) => [c, null])), raw: "", error: error ?? "no reply" };
  const parsed = parseVerdicts(answer.text ?? "", criteria);
  const j: StoredJudgement = { ...base, verdicts: parsed.verdicts, raw: answer.text ?? "" };
  if (parsed.reason !== undefined) j.reason = parsed.reason;
  j.cached = answer.cached === true;
  if (answer.usage) j.usage = answer.usage;
  if (answer.cost !== undefined) j.cost = answer.cost;
  return j;
}

/** The scores of a judge run's judgements (src/judge/scores.ts), attributes named as the benchmark names them. */
export function judgeScores(
  judgements: Judgement[],
  criteria: Criterion[],
  benchmark?: Pick<Benchmark, "subgroups">,
  opts: { bootstrap?: number; seed?: number } = {},
): JudgeScores {
  return scoreJudgements(judgements, { criteria, ...(benchmark ? { subgroupAttributes: attributesFrom(benchmark.subgroups) } : {}), ...opts });
}

/** Judge a candidate's open-ended run against a reference's and write the judge run. */
export async function runJudge(opts: JudgeOptions): Promise<JudgeSummary> {
  const root = resultsRoot(opts.resultsRoot);
  const [cand, ref] = await Promise.all([readResults(opts.candidate, root), readResults(opts.reference, root)]);
  const candTexts = answerTexts(cand);
  const refTexts = answerTexts(ref);
  const rubric = typeof opts.rubric === "string" ? readRubric(opts.rubric) : (opts.rubric ?? DEFAULT_RUBRIC);
  const criteria = selectCriteria(rubric, opts.criteria);
  const generate: GenerateOptions = { ...DEFAULT_JUDGE_GENERATE, ...opts.generate };
  const benchmark = opts.benchmark ?? (await loadBenchmark());
  const questions = new Map<string, Question>(benchmark.questions.map((q) => [q.id, q]));
  const subgroups = new Map<string, Subgroup>(benchmark.subgroups.map((s) => [s.id, s]));

  // the items: pairs both runs answered, in the candidate's order
  const items: Array<JudgeItem & { split: string }> = [];
  for (const [key, c] of candTexts) {
    const r = refTexts.get(key);
    if (!r) continue;
    const question = questions.get(c.question);
    const subgroup = subgroups.get(c.subgroup);
    if (!question || !subgroup) {
      throw new Error(
        `run ${cand.manifest.runId}: pair (${c.question}, ${c.subgroup}) is not in the benchmark (${!question ? "no such question" : "no such subgroup"}); was the run made against another benchmark?`,
      );
    }
    items.push({ question, subgroup, candidateText: c.text, referenceText: r.text, split: c.split });
  }
  const missing = {
    candidate: [...refTexts.keys()].filter((k) => !candTexts.has(k)).length,
    reference: [...candTexts.keys()].filter((k) => !refTexts.has(k)).length,
  };
  if (!items.length) {
    throw new Error(
      `runs ${cand.manifest.runId} and ${ref.manifest.runId} share no answered pair (${candTexts.size} and ${refTexts.size} answers): run both with the same --split and --limit`,
    );
  }

  const provider = await resolveProvider(opts.judge, {
    benchmark,
    fetch: httpFetch,
    ...(opts.retry?.timeoutMs ? { timeoutMs: opts.retry.timeoutMs } : {}),
    ...opts.providerContext,
  });
  const ownsProvider = typeof opts.judge === "string";
  const closeProvider = async () => {
    if (ownsProvider) await provider.close?.();
  };
  if (provider.id.startsWith("baseline:")) {
    await closeProvider();
    throw new Error(`judge ${provider.id}: baselines give answer codes, not text; the judge must be a language model (openai:, openai-compatible:, llama:)`);
  }
  const identity: JudgeIdentity = {
    candidate: cand.manifest.runId,
    reference: ref.manifest.runId,
    judge: provider.id,
    ...(provider.endpoint !== undefined ? { endpoint: provider.endpoint } : {}),
    criteria,
    rubricSha256: rubricSha256(rubric, criteria),
    generate,
  };
  const judgeRunId = opts.judgeRunId !== undefined ? checkRunId(opts.judgeRunId) : defaultJudgeRunId(identity);
  let claim: Awaited<ReturnType<typeof claimJudgeFolder>> | null = null;
  try {
    claim = (opts.write ?? true) ? await claimJudgeFolder(root, judgeRunId, identity) : null;
  } catch (err) {
    await closeProvider();
    throw err;
  }
  const dir = claim?.dir ?? null;

  const jobs: Job[] = [];
  const jobInfo: Array<{ question: string; subgroup: string; candidate: CandidatePosition }> = [];
  for (const item of items) {
    for (const pos of ["A", "B"] as const) {
      jobs.push({ prompt: buildJudgePrompt(item, pos, rubric, criteria), split: item.split as Job["split"], sample: 0 });
      jobInfo.push({ question: item.question.id, subgroup: item.subgroup.id, candidate: pos });
    }
  }
  // a resumed judge run serves its earlier replies like cache hits (also when the cache is off)
  const earlier = new Map<string, StoredJudgement>();
  for (const j of claim?.earlier?.judgements ?? []) if (!j.error) earlier.set(`${j.item}|${j.candidate}`, j);

  const cache = opts.cacheDir === null ? null : AnswerCache.open(opts.cacheDir);
  const notes: string[] = [];
  const cacheNote = cache ? cacheRepairNote(cache) : undefined;
  if (cacheNote) notes.push(cacheNote);
  const display = opts.progress === "none" ? silentProgress : opts.progress && opts.progress !== "auto" ? opts.progress : autoProgress(`judge ${provider.id} `);
  const manifest: JudgeRunManifest = {
    formatVersion: JUDGE_FORMAT_VERSION,
    kind: "judge",
    judgeRunId,
    candidate: {
      runId: cand.manifest.runId,
      model: cand.manifest.model,
      dir: cand.dir,
      ...(cand.manifest.tunedFrom ? { tunedFrom: cand.manifest.tunedFrom } : {}),
    },
    reference: { runId: ref.manifest.runId, model: ref.manifest.model, dir: ref.dir },
    judge: provider.id,
    ...(provider.endpoint !== undefined ? { endpoint: provider.endpoint } : {}),
    criteria,
    rubric: { instructions: rubric.instructions, criteria: Object.fromEntries(criteria.map((c) => [c, rubric.criteria[c]])) },
    rubricSha256: identity.rubricSha256,
    generate,
    missing,
    counts: { items: items.length, requests: jobs.length, judgements: 0, unparsed: 0, errors: 0, cached: 0, skipped: 0, retries: 0 },
    usage: { inputTokens: 0, outputTokens: 0 },
    cost: 0,
    costIfUncached: 0,
    status: "running",
    startedAt: claim?.earlier?.manifest.startedAt ?? new Date().toISOString(),
    svlabVersion: svlabVersion(),
    extra: { capabilities: provider.capabilities, cacheDir: cache?.dir ?? null },
  };
  if (dir) await writeJudgeManifest(dir, manifest);

  const answers: Array<Answer | undefined> = new Array(jobs.length);
  let result: EngineResult;
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
              const j = earlier.get(`${itemKey(job.prompt.question, job.prompt.subgroup)}|${job.prompt.templateId === judgeTemplateId("A") ? "A" : "B"}`);
              return j
                ? {
                    text: j.raw,
                    code: null,
                    refused: false,
                    latencyMs: 0,
                    cached: true,
                    ...(j.usage ? { usage: j.usage } : {}),
                    ...(j.cost !== undefined ? { cost: j.cost } : {}),
                  }
                : undefined;
            },
          }
        : {}),
      onAnswer: (_job, a, i) => {
        answers[i] = a;
      },
      onProgress: (p) => {
        display.update(p);
        opts.onProgress?.(p);
      },
    });
  } catch (err) {
    manifest.status = "failed";
    manifest.finishedAt = new Date().toISOString();
    manifest.extra = { ...manifest.extra, failure: String((err as Error)?.message ?? err) };
    if (dir) await writeJudgeManifest(dir, manifest);
    claim?.release();
    throw err;
  } finally {
    display.stop();
    cache?.close();
    await closeProvider();
  }

  const failed = new Map(result.errors.map((e) => [`${e.templateId}|${e.question}|${e.subgroup}`, e.error]));
  const rows: StoredJudgement[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const a = answers[i];
    const info = jobInfo[i];
    const err = failed.get(`${jobs[i].prompt.templateId}|${info.question}|${info.subgroup}`);
    if (!a && err === undefined) continue; // not asked: the run stopped
    const row = judgementOf(info, criteria, a ?? null, err);
    row.split = jobs[i].split;
    rows.push(row);
  }
  const status = runStatusOf(result);
  const counts: JudgeCounts = {
    items: items.length,
    requests: jobs.length,
    judgements: rows.length,
    unparsed: rows.filter((r) => !r.error && criteria.some((c) => r.verdicts[c] === null)).length,
    errors: result.counts.errors,
    cached: result.counts.cached,
    skipped: result.counts.skipped,
    retries: result.counts.retries,
  };
  const failure = failureOf(result);
  Object.assign(manifest, {
    counts,
    usage: result.usage,
    cost: result.cost,
    costIfUncached: result.costIfUncached,
    status,
    finishedAt: new Date().toISOString(),
  });
  manifest.extra = { ...manifest.extra, elapsedMs: Math.round(result.elapsedMs), rateLimitPauses: result.rateLimitPauses };
  if (failure) manifest.extra.failure = failure;
  if (notes.length) manifest.extra.notes = notes;
  if (dir) {
    try {
      await writeAtomic(join(dir, "judgements.jsonl"), rows.map((r) => `${JSON.stringify(r)}\n`).join(""));
      await writeJudgeManifest(dir, manifest);
    } finally {
      claim?.release();
    }
  }
  const scores = judgeScores(rows, criteria, benchmark, {
    ...(opts.bootstrap !== undefined ? { bootstrap: opts.bootstrap } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });
  return {
    ...counts,
    judgeRunId,
    dir,
    candidate: { runId: cand.manifest.runId, model: cand.manifest.model },
    reference: { runId: ref.manifest.runId, model: ref.manifest.model },
    judge: provider.id,
    criterionIds: criteria,
    n: items.length,
    criteria: scores.criteria,
    byAttribute: scores.byAttribute,
    subgroupDisparity: scores.subgroupDisparity,
    missing,
    cost: result.cost,
    costIfUncached: result.costIfUncached,
    usage: result.usage,
    elapsedMs: result.elapsedMs,
    status,
    ...(failure ? { failure } : {}),
    ...(notes.length ? { notes } : {}),
    rows,
  };
}
