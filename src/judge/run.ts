/**
 * A judge run: an LLM judge compares a candidate's open-ended answers with a reference's, item by
 * item, twice per item (candidate as A, then as B), through the same runner engine as every run
 * (answer cache, concurrency, retries, 429 backoff, progress). Written to the results root as a
 * judge run folder (files.ts: judge.json + judgements.jsonl). A rerun of the same command reuses the same folder (the default id is a hash of what is judged) and
 * asks only what neither the cache nor the earlier judgements hold, so a killed run resumes.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { loadBenchmark } from "../benchmark/load";
import { type Benchmark, pairKey, type Subgroup } from "../benchmark/types";
import type { Answer, GenerateOptions, Provider, Usage } from "../models/types";
import type { ProviderContext } from "../models/registry";
import { AnswerCache } from "../runner/cache";
import { runJobs, type EngineResult, type Job, type ProgressState } from "../runner/engine";
import { cacheRepairNote, failureOf, runStatusOf, svlabVersion } from "../runner/grid";
import { httpFetch } from "../runner/http-fetch";
import { autoProgress, silentProgress, type ProgressDisplay } from "../runner/progress";
import { priceFor, resolveProvider } from "../runner/provider";
import { checkRunId, readResults, resultsRoot, type RunResults, type RunStatus, writeAtomic } from "../runner/results";
import type { RetryPolicy } from "../runner/retry";
import type { Question } from "../wvs/types";
import {
  claimJudgeFolder,
  JUDGE_FORMAT_VERSION,
  writeJudgeManifest,
  type JudgeCounts,
  type JudgeIdentity,
  type JudgeRunManifest,
  type StoredJudgement,
} from "./files";
import { attributesFrom, scoreJudgements, type JudgeScores } from "./scores";
import { buildJudgePrompt, judgeTemplateId, type JudgeItem } from "./prompt";
import { DEFAULT_RUBRIC, readRubric, rubricSha256, selectCriteria, type Rubric } from "./rubric";
import type { CandidatePosition, Criterion, Judgement } from "./types";
import { parseVerdicts } from "./verdict";

export { JUDGE_FORMAT_VERSION, judgeIdentityOf, listJudgeRuns, readJudgeRun } from "./files";
export type { JudgeCounts, JudgeIdentity, JudgeRun, JudgeRunManifest, StoredJudgement } from "./files";

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

/** The item key of types.ts: the benchmark's pair key, so judgements join predictions and pairs. */
export const itemKey = (question: string, subgroup: string): string => pairKey(question, subgroup);

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
