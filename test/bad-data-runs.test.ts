/**
 * A run never escapes, overwrites or loses (issue 8, cases 4 and 5): run ids are plain names; a
 * reused id resumes its run when the options match (keeping its answers, even without the cache) and
 * is refused otherwise, naming the differing option; a folder another live process writes is refused.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import type { Benchmark } from "../src/benchmark/types";
import { runGrid, type GridOptions } from "../src/runner/grid";
import { checkRunId, readResults } from "../src/runner/results";
import { svlab } from "./support/cli";
import { startOpenAIServer, type OpenAIServer } from "./support/openai-server";

let server: OpenAIServer;
let benchmark: Benchmark;
let tmp: string;

before(async () => {
  server = await startOpenAIServer();
  benchmark = await loadBenchmark();
  tmp = await mkdtemp(join(tmpdir(), "svlab-runs-"));
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

function opts(extra: Partial<GridOptions> = {}): GridOptions {
  return {
    model: `openai-compatible:${server.baseURL}#test-model`,
    benchmark,
    split: "ood",
    limit: 6,
    concurrency: 2,
    cacheDir: null,
    resultsRoot: join(tmp, "results"),
    progress: "none",
    retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 2, timeoutMs: 5000 },
    ...extra,
  };
}

test("case 4: a run id with a separator or .. is refused before anything is written", async () => {
  for (const bad of ["../../escape", "a/b", "..", "a\\b", "/abs", ".hidden", ""]) {
    assert.throws(() => checkRunId(bad), /run id .*: expected a plain name of letters, digits/, bad);
  }
  assert.equal(checkRunId("gpt41-ood_1.2"), "gpt41-ood_1.2");
  await assert.rejects(runGrid(opts({ runId: "../../escape" })), /run id "\.\.\/\.\.\/escape": expected a plain name/);
  assert.equal(existsSync(join(tmp, "escape")), false);
  assert.equal(existsSync(join(tmp, "results")), false);
  const r = svlab(["run", "--model", "baseline:population-mode", "--limit", "2", "--run-id", "../../escape", "--results", join(tmp, "cli-results")]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^svlab: run id "\.\.\/\.\.\/escape": expected a plain name/);
  assert.equal(existsSync(join(tmp, "escape")), false);
});

test("case 5: the same id with the same options resumes, keeping the earlier answers even with no cache", async () => {
  const first = await runGrid(opts({ runId: "same" }));
  assert.equal(first.answered, 6);
  assert.equal(server.count(), 6);
  const again = await runGrid(opts({ runId: "same", limit: 6 }));
  assert.equal(server.count(), 6, "nothing asked twice");
  assert.equal(again.answered, 6);
  assert.equal(again.cached, 6);
  const res = await readResults(join(tmp, "results", "same"));
  assert.equal(res.predictions.length, 6);
  assert.equal(res.manifest.startedAt, (await readResults(first.dir!)).manifest.startedAt);
  assert.equal((res.manifest.extra?.resumed as string[] | undefined)?.length, 1);
  assert.deepEqual(readdirSync(join(tmp, "results", "same")).sort(), ["errors.jsonl", "predictions.jsonl", "run.json"]);
});

test("case 5: the same id with another template, model, limit or split is refused, naming the option; the earlier run is intact", async () => {
  await runGrid(opts({ runId: "keep" }));
  const dir = join(tmp, "results", "keep");
  const before = readFileSync(join(dir, "predictions.jsonl"), "utf8");
  await assert.rejects(runGrid(opts({ runId: "keep", templates: ["first-person-bio"] })), (e: Error) =>
    /^run id keep already holds a run \(completed, started .*\) that differs in templates: \["system-persona"\] → \["first-person-bio"\]\. A run id is resumed only with the same options/.test(
      e.message,
    ),
  );
  await assert.rejects(runGrid(opts({ runId: "keep", limit: 7 })), /differs in limit: 6 → 7/);
  await assert.rejects(runGrid(opts({ runId: "keep", split: "train" })), /differs in split: "ood" → "train"/);
  await assert.rejects(runGrid(opts({ runId: "keep", generate: { temperature: 0.5 } })), /differs in generation options: \{\} → \{"temperature":0\.5\}/);
  await assert.rejects(
    runGrid(opts({ runId: "keep", model: "baseline:population-mode" })),
    /differs in model: "openai-compatible:.*#test-model" → "baseline:population-mode"/,
  );
  assert.equal(readFileSync(join(dir, "predictions.jsonl"), "utf8"), before);
});

test("a folder another live process is writing, or one that is not a run, is refused", async () => {
  await runGrid(opts({ runId: "busy" }));
  // our parent (the test runner) is alive: its pid stands for a concurrent svlab run
  writeFileSync(join(tmp, "results", "busy", ".lock"), `${process.ppid}\n`);
  await assert.rejects(runGrid(opts({ runId: "busy" })), new RegExp(`run id busy: another svlab process \\(pid ${process.ppid}\\) is writing`));
  // a lock left by a killed run (no such process) is taken over
  writeFileSync(join(tmp, "results", "busy", ".lock"), "999999999\n");
  assert.equal((await runGrid(opts({ runId: "busy" }))).answered, 6);
  assert.equal(existsSync(join(tmp, "results", "busy", ".lock")), false);
  const notRun = join(tmp, "results", "notes");
  await import("node:fs").then((fs) => {
    fs.mkdirSync(notRun, { recursive: true });
    fs.writeFileSync(join(notRun, "mine.txt"), "keep me");
  });
  await assert.rejects(runGrid(opts({ runId: "notes" })), /run id notes: .*notes exists and is not a results folder \(no run\.json; holds mine\.txt\)/);
  assert.equal(readFileSync(join(notRun, "mine.txt"), "utf8"), "keep me");
});
