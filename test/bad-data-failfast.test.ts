/**
 * A dead endpoint is not retried for ever (issue 8, case 7), and a run whose every request failed is
 * "failed" (case 6): it exits non-zero, says why, keeps what it has, and is never picked as the newest
 * completed run. Only ever 127.0.0.1.
 */
import { unusedPort } from "./support/ports";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import type { Benchmark } from "../src/benchmark/types";
import { runGrid } from "../src/runner/grid";
import { latestRun, readResults } from "../src/runner/results";
import { spawn } from "node:child_process";
import { projectRoot } from "../src/paths";
import type { CliResult } from "./support/cli";
import { startOpenAIServer, type OpenAIServer } from "./support/openai-server";

let server: OpenAIServer;
let benchmark: Benchmark;
let tmp: string;

/** The real svlab command, without blocking this process (the test server lives in it). */
function svlab(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), "bin", "svlab.mjs"), ...args], { cwd: projectRoot(), env: process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}

before(async () => {
  server = await startOpenAIServer();
  benchmark = await loadBenchmark();
  tmp = await mkdtemp(join(tmpdir(), "svlab-failfast-"));
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

test("case 7: svlab run against a closed local port stops after the first attempts, exit 1, naming the endpoint", async () => {
  const port = await unusedPort();
  const url = `http://127.0.0.1:${port}/v1`;
  const results = join(tmp, "dead");
  // the default retry policy (6 attempts, backoff from 500 ms): before, 64 requests took minutes and exited 0
  const r = await svlab([
    "run",
    "--model",
    `openai-compatible:${url}#m`,
    "--limit",
    "64",
    "--no-cache",
    "--results",
    results,
    "--run-id",
    "dead",
    "--concurrency",
    "8",
  ]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `(^|\n)svlab: run failed: cannot reach ${url.replace(/[.]/g, "\\.")}: the first \\d+ attempts all failed \\(connection error \\(fetch failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)\\)\\. Is the server running and the URL right\\?`,
    ),
  );
  assert.match(r.stdout, /^failed: openai-compatible:/);
  // the last progress line does not say "done"
  assert.match(r.stderr, /64\/64 \(100%\) · .* · stopped after \d+:\d\d\n/);
  const res = await readResults(join(results, "dead"));
  assert.equal(res.manifest.status, "failed");
  assert.match(String(res.manifest.extra?.failure), /^cannot reach http:\/\/127\.0\.0\.1:\d+\/v1/);
  // what it has is kept: the requests that failed are recorded, the rest were not asked
  assert.equal(res.manifest.counts.errors + res.manifest.counts.skipped, 64);
  assert.ok(res.manifest.counts.skipped >= 56, `skipped ${res.manifest.counts.skipped}`);
  assert.equal(res.errors.length, res.manifest.counts.errors);
});

test("case 7: a refused key (401) stops the run at its first answer", async () => {
  server.reset();
  server.setBehaviour(() => ({ kind: "status", status: 401, body: { error: { message: "Incorrect API key provided", type: "invalid_request_error" } } }));
  try {
    const s = await runGrid({
      model: `openai-compatible:${server.baseURL}#m`,
      benchmark,
      split: "ood",
      limit: 20,
      concurrency: 1,
      cacheDir: null,
      resultsRoot: join(tmp, "auth"),
      runId: "auth",
      progress: "none",
      retry: { baseDelayMs: 5, maxDelayMs: 10, maxAttempts: 3, timeoutMs: 5000 },
    });
    assert.equal(server.count(), 1);
    assert.equal(s.status, "failed");
    assert.equal(
      s.failure,
      `${server.baseURL} refused the credentials (HTTP 401: Incorrect API key provided); check the API key (SVLAB_API_KEY for openai-compatible:). Stopped without sending more`,
    );
    assert.deepEqual([s.errors, s.skipped, s.answered], [1, 19, 0]);
  } finally {
    server.setBehaviour(undefined);
  }
});

test("case 6: every request failed → status failed, exit 1; never picked over an older completed run", async () => {
  const root = join(tmp, "newest");
  const model = `openai-compatible:${server.baseURL}#m`;
  const good = await runGrid({ model, benchmark, split: "ood", limit: 4, cacheDir: null, resultsRoot: root, runId: "a-good", progress: "none" });
  assert.equal(good.status, "completed");
  server.setBehaviour(() => ({ kind: "status", status: 400, body: { error: { message: "bad request" } } }));
  try {
    const r = await svlab(["run", "--model", model, "--limit", "4", "--no-cache", "--results", root, "--run-id", "b-bad", "--json"]);
    assert.equal(r.status, 1);
    assert.equal(r.json().status, "failed");
    assert.equal(r.json().failure, `every request failed (4); the first: client: ${model}: HTTP 400: bad request`);
    assert.equal(JSON.parse(readFileSync(join(root, "b-bad", "run.json"), "utf8")).status, "failed");
    assert.equal((await latestRun({ model, split: "ood" }, root))?.runId, "a-good");
    const ev = await svlab(["evaluate", "--model", model, "--results", root, "--json", "--bootstrap", "0"]);
    assert.equal(ev.status, 0, ev.stderr);
    assert.equal(ev.json().source.runId, "a-good");
  } finally {
    server.setBehaviour(undefined);
  }
});

test("case 6: a run with some failed requests says partial", async () => {
  let n = 0;
  server.setBehaviour(() => (n++ % 2 === 0 ? { kind: "status", status: 400, body: { error: { message: "bad request" } } } : { text: "Answer: 1" }));
  try {
    const r = await svlab([
      "run",
      "--model",
      `openai-compatible:${server.baseURL}#m`,
      "--limit",
      "4",
      "--concurrency",
      "1",
      "--no-cache",
      "--results",
      join(tmp, "partial"),
      "--run-id",
      "p",
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^partial: openai-compatible:/);
    assert.match(
      r.stdout,
      /\n {2}partial: 2 of 4 requests failed \(scored wrong by evaluate unless --exclude-failed\); rerun the same command to retry only those\n/,
    );
  } finally {
    server.setBehaviour(undefined);
  }
});

test("case 7: with --max-attempts 1 the first unreachable request stops the run too", async () => {
  const port = await unusedPort();
  const s = await runGrid({
    model: `openai-compatible:http://127.0.0.1:${port}/v1#m`,
    benchmark,
    split: "ood",
    limit: 30,
    concurrency: 1,
    cacheDir: null,
    write: false,
    progress: "none",
    retry: { maxAttempts: 1 },
  });
  assert.equal(s.status, "failed");
  assert.deepEqual([s.errors, s.skipped, s.answered], [1, 29, 0]);
  assert.match(s.failure!, new RegExp(`^cannot reach http://127\\.0\\.0\\.1:${port}/v1: the first 1 attempts all failed`));
});

test("isUnreachable and classifyError: refused, unknown host and TLS are unreachable; a reset is not", async () => {
  const { isUnreachable } = await import("../src/models/openai-chat");
  const { classifyError } = await import("../src/runner/retry");
  const { ProviderError } = await import("../src/models/types");
  const chain = (code: string) =>
    Object.assign(new Error("Connection error."), { cause: Object.assign(new TypeError(`fetch failed: ${code}`), { cause: { code } }) });
  assert.deepEqual(
    ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "CERT_HAS_EXPIRED", "ERR_TLS_CERT_ALTNAME_INVALID", "ECONNRESET"].map((c) => isUnreachable(chain(c))),
    [true, true, true, true, true, false],
  );
  assert.equal(classifyError(new ProviderError("x: connection error", undefined, undefined, true, true)).unreachable, true);
  assert.equal(classifyError(new ProviderError("x: connection error", undefined, undefined, true, false)).unreachable, undefined);
  assert.equal(classifyError(new ProviderError("x: HTTP 403: forbidden", 403)).auth, true);
  assert.equal(classifyError(Object.assign(new Error("getaddrinfo ENOTFOUND nosuch.invalid"), { code: "ENOTFOUND" })).unreachable, true);
});
