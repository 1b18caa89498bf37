/**
 * A judge run's folder: what run.ts writes and reports read.
 *
 *   <root>/<judgeRunId>/judge.json        JudgeRunManifest (rewritten at start and at the end)
 *   <root>/<judgeRunId>/judgements.jsonl  one StoredJudgement per judge call (failed calls included, with `error`)
 *
 * No run.json: a judge run is not a model run, so listRuns, evaluate and report never take it for one.
 * A folder is claimed by one process at a time (.lock) and resumed only by the same judge run.
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { GenerateOptions, Usage } from "../models/types";
import { checkRunId, lockFolder, parseJsonl, writeAtomic, resultsRoot, type RunStatus } from "../runner/results";
import type { Rubric } from "./rubric";
import type { Criterion, Judgement } from "./types";

export const JUDGE_FORMAT_VERSION = 1;

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

export async function writeJudgeManifest(dir: string, m: JudgeRunManifest): Promise<void> {
  await writeAtomic(join(dir, "judge.json"), `${JSON.stringify(m, null, 2)}\n`);
}

/** Claim the judge run folder: new, or the same judge run to resume; anything else is refused. */
export async function claimJudgeFolder(
  root: string,
  id: string,
  identity: JudgeIdentity,
): Promise<{ dir: string; earlier: JudgeRun | null; release: () => void }> {
  checkRunId(id);
  const dir = join(root, id);
  await mkdir(dir, { recursive: true });
  const release = lockFolder(dir, (pid) => `judge run ${id}: another svlab process (pid ${pid}) is writing ${dir}; wait for it or choose another --judge-id`);
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
