/**
 * Errors are outcomes and scores never silently change (issue 8, cases 6, 8, 9, 11): failed requests
 * are scored wrong by default (--exclude-failed leaves them out and says so); conflicting duplicate
 * predictions are an error naming the pair, identical ones count once; evaluating against another
 * benchmark than the run's warns (--strict refuses); an unknown --by attribute is an error.
 */
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import type { Benchmark } from "../src/benchmark/types";
import { evaluatePredictions, scorePredictions, withFailures } from "../src/metrics/index";
import { runGrid, type RunSummary } from "../src/runner/grid";
import { scoreRunsTable } from "../src/notebook/runs";
import { readResults } from "../src/runner/results";
import type { Prediction } from "../src/runner/types";
import { svlab } from "./support/cli";
import { startOpenAIServer, type OpenAIServer } from "./support/openai-server";

let server: OpenAIServer;
let benchmark: Benchmark;
let tmp: string;
let runDir: string;
let half: RunSummary;

before(async () => {
  server = await startOpenAIServer();
  benchmark = await loadBenchmark();
  tmp = await mkdtemp(join(tmpdir(), "svlab-scoring-"));
  // 6 requests, one at a time: the 1st and 4th fail for good (400), the others answer "Answer: 1"
  let n = 0;
  server.setBehaviour(() => (n++ % 3 === 0 ? { kind: "status", status: 400, body: { error: { message: "bad request" } } } : { text: "Answer: 1" }));
  const s = await runGrid({
    model: `openai-compatible:${server.baseURL}#m`,
    benchmark,
    split: "ood",
    limit: 6,
    concurrency: 1,
    cacheDir: null,
    resultsRoot: join(tmp, "results"),
    runId: "half",
    progress: "none",
  });
  assert.deepEqual([s.status, s.answered, s.errors], ["completed", 4, 2]);
  runDir = s.dir!;
  half = s;
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

test("case 6: failed pairs are scored wrong by default; --exclude-failed leaves them out and says so", async () => {
  const res = await readResults(runDir);
  const preds = withFailures(res.predictions, res.errors);
  assert.equal(preds.length, 6);
  assert.equal(preds.filter((p) => p.failed).length, 2);
  const answeredRight = res.predictions.filter((p) => benchmark.pairs.find((q) => q.question === p.question && q.subgroup === p.subgroup)!.mode === 1).length;
  const wrong = evaluatePredictions(benchmark, preds, { split: "ood", bootstrap: 0 });
  assert.equal(wrong.n, 6);
  assert.equal(wrong.accuracy, answeredRight / 6);
  assert.deepEqual(wrong.failed, { requests: 2, pairs: 2, policy: "scored wrong" });
  assert.equal(wrong.failedPairs, 2);
  assert.equal(wrong.unparsedPairs, 0);
  const excluded = evaluatePredictions(benchmark, preds, { split: "ood", bootstrap: 0, excludeFailed: true });
  assert.equal(excluded.n, 4);
  assert.equal(excluded.accuracy, answeredRight / 4);
  assert.deepEqual(excluded.failed, { requests: 2, pairs: 2, policy: "excluded" });
  // before: errors were not scored at all, so the run scored as if it had only asked the 4 answered pairs
  const old = evaluatePredictions(benchmark, res.predictions, { split: "ood", bootstrap: 0 });
  assert.equal(old.n, 4);

  const cli = svlab(["evaluate", "--run", runDir, "--bootstrap", "0"]);
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /· 6 pairs \(of 6 subgroups × 6 questions = 36: not every subgroup has every question\) · partial run\n/);
  assert.match(cli.stdout, /\nfailed requests: 2 \(2 pairs\), scored wrong, error 1 \(--exclude-failed leaves them out\)\n/);
  const cliEx = svlab(["evaluate", "--run", runDir, "--bootstrap", "0", "--exclude-failed"]);
  assert.match(cliEx.stdout, /\nfailed requests: 2 \(2 pairs\) EXCLUDED from these scores \(--exclude-failed\); the scores cover answered pairs only\n/);
  const row = scoreRunsTable(benchmark, [half], "ood")[0];
  assert.deepEqual([row.failed, row.state, row.accuracy], [2, "partial", +(answeredRight / 6).toFixed(3)]);
  const json = svlab(["evaluate", "--run", runDir, "--bootstrap", "0", "--json", "--exclude-failed"]).json();
  assert.deepEqual([json.n, json.failed, json.source.state], [4, { requests: 2, pairs: 2, policy: "excluded" }, "partial"]);
});

test("case 9: identical repeated predictions count once; conflicting ones name the pair", async () => {
  const res = await readResults(runDir);
  const p = res.predictions[0];
  const twice = scorePredictions(benchmark, [...res.predictions, { ...p }], { split: "ood" });
  assert.equal(twice.coverage.duplicates, 1);
  assert.deepEqual(twice.scores, scorePredictions(benchmark, res.predictions, { split: "ood" }).scores);
  const other: Prediction = { ...p, code: 4 };
  assert.throws(
    () => scorePredictions(benchmark, [...res.predictions, other]),
    new RegExp(
      `^Error: conflicting predictions for \\(${p.question}, ${p.subgroup.replace(/[|()]/g, "\\$&")}\\), template system-persona, sample 0 of .*#m: code 1 and code 4\\.`,
    ),
  );
  // through the CLI, on a results file with a conflicting repeated line
  const copy = join(tmp, "results", "dup");
  const { cpSync } = await import("node:fs");
  cpSync(runDir, copy, { recursive: true });
  appendFileSync(join(copy, "predictions.jsonl"), `${JSON.stringify(other)}\n`);
  const r = svlab(["evaluate", "--run", copy, "--bootstrap", "0"]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^svlab: conflicting predictions for \(.*\), template system-persona, sample 0 of .*: code 1 and code 4\./);
  writeFileSync(join(copy, "predictions.jsonl"), readFileSync(join(runDir, "predictions.jsonl"), "utf8") + `${JSON.stringify(p)}\n`);
  const ok = svlab(["evaluate", "--run", copy, "--bootstrap", "0", "--json"]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.json().coverage.duplicates, 1);
  assert.equal(ok.json().n, 6);
});

test("case 8: a run made against another benchmark warns; --strict refuses", async () => {
  const res = await readResults(runDir);
  assert.match(String(res.manifest.benchmark.sha256), /^[0-9a-f]{64}$/);
  const { cpSync } = await import("node:fs");
  const copy = join(tmp, "results", "other-bench");
  cpSync(runDir, copy, { recursive: true });
  const m = JSON.parse(readFileSync(join(copy, "run.json"), "utf8"));
  m.benchmark.sha256 = "0".repeat(64);
  writeFileSync(join(copy, "run.json"), JSON.stringify(m));
  const same = svlab(["evaluate", "--run", runDir, "--bootstrap", "0", "--json"]);
  assert.equal(same.stderr, "");
  assert.equal(same.json().source.benchmark, "same as the run's");
  const warn = svlab(["evaluate", "--run", copy, "--bootstrap", "0", "--json"]);
  assert.equal(warn.status, 0, warn.stderr);
  assert.match(
    warn.stderr,
    /^svlab: warning: run half was made against another benchmark \(sha256 000000000000…, now [0-9a-f]{12}…\): its labels or pairs changed since/,
  );
  assert.equal(warn.json().source.benchmark, "differs from the run's");
  assert.match(warn.json().warnings.at(-1), /^run half was made against another benchmark/);
  const strict = svlab(["evaluate", "--run", copy, "--bootstrap", "0", "--strict"]);
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /^svlab: run half was made against another benchmark .*\. Rerun the model, or drop --strict to score anyway\n$/);
});

test("case 11: --by attribute:nosuch is an error naming the attributes", () => {
  const r = svlab(["evaluate", "--model", "baseline:population-mode", "--bootstrap", "0", "--by", "attribute:nosuch"]);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /^svlab: --by: unknown grouping "attribute:nosuch": the subgroups' attributes are age_group, .*religion.*\(e\.g\. attribute:age_group\)\n$/,
  );
  assert.equal(r.stdout, "");
});
