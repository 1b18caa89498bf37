/**
 * Abort signals at high concurrency: a run's one stop signal carries at most one listener of ours
 * however many requests are in flight or waiting out a 429 (so Node never prints
 * MaxListenersExceededWarning), the listener is gone when the run ends, and stopping still reaches
 * every request. Against the local chat-completions server through the real provider and CLI.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { getEventListeners } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBenchmark } from "../src/benchmark/load";
import type { Benchmark } from "../src/benchmark/types";
import { projectRoot } from "../src/paths";
import { onAbort } from "../src/runner/abort";
import { runGrid } from "../src/runner/grid";
import { startOpenAIServer, type OpenAIServer } from "./support/openai-server";

let server: OpenAIServer;
let benchmark: Benchmark;
let tmp: string;

before(async () => {
  server = await startOpenAIServer({ latencyMs: 20 });
  benchmark = await loadBenchmark();
  tmp = await mkdtemp(join(tmpdir(), "svlab-signals-"));
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

/** Process warnings emitted while `fn` runs. */
async function warningsDuring<T>(fn: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const on = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on("warning", on);
  try {
    const value = await fn();
    // warnings are emitted on the next tick
    await new Promise((r) => setImmediate(r));
    return { value, warnings };
  } finally {
    process.off("warning", on);
  }
}

/** Run the real CLI without blocking this process's event loop (the server lives here). */
function svlabAsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), "bin", "svlab.mjs"), ...args], { cwd: projectRoot(), env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("svlab run: 64 requests at concurrency 32 print no warning; stderr holds only the progress line", async () => {
  const before = server.count();
  const model = `openai-compatible:${server.baseURL}#m`;
  const r = await svlabAsync(["run", "--model", model, "--split", "ood", "--limit", "64", "--concurrency", "32"], {
    SVLAB_RESULTS: join(tmp, "cli-results"),
    SVLAB_CACHE: join(tmp, "cli-cache"),
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(server.count() - before, 64);
  const lines = r.stderr.split(/[\r\n]+/).filter((l) => l.trim() !== "");
  assert.deepEqual(
    lines.filter((l) => !l.startsWith(`${model} `)),
    [],
    "stderr: only progress lines",
  );
  assert.match(r.stdout, /^done: /);
});

test("the run's stop signal carries one listener however many requests wait (in flight or behind a 429), none after", async () => {
  const controller = new AbortController();
  const seen: number[] = [];
  let n = 0;
  server.setBehaviour(() => {
    seen.push(getEventListeners(controller.signal, "abort").length);
    // the first 32 requests are rate-limited: every request then waits on the shared gate
    return n++ < 32 ? { kind: "rate-limit", retryAfterSeconds: 0.05 } : { text: "Answer: 1" };
  });
  try {
    const { value: s, warnings } = await warningsDuring(() =>
      runGrid({
        model: `openai-compatible:${server.baseURL}#m`,
        benchmark,
        split: "ood",
        limit: 64,
        concurrency: 32,
        cacheDir: null,
        resultsRoot: join(tmp, "results"),
        progress: "none",
        signal: controller.signal,
        retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 4, timeoutMs: 10_000 },
      }),
    );
    assert.deepEqual(warnings, []);
    assert.equal(s.status, "completed");
    assert.equal(s.n, 64);
    assert.equal(s.retries, 32);
    assert.equal(seen.length, 96);
    assert.equal(Math.max(...seen), 1);
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
  } finally {
    server.setBehaviour(undefined);
  }
});

test("stopping a run at concurrency 32 still reaches every request in flight: all skipped, no warning", async () => {
  const controller = new AbortController();
  let arrived = 0;
  server.setBehaviour(() => {
    if (++arrived === 32) setImmediate(() => controller.abort());
    return { kind: "hang" };
  });
  try {
    const { value: s, warnings } = await warningsDuring(() =>
      runGrid({
        model: `openai-compatible:${server.baseURL}#m`,
        benchmark,
        split: "ood",
        limit: 64,
        concurrency: 32,
        cacheDir: null,
        resultsRoot: join(tmp, "results"),
        progress: "none",
        signal: controller.signal,
        retry: { maxAttempts: 1, timeoutMs: 0 },
      }),
    );
    assert.deepEqual(warnings, []);
    assert.equal(s.status, "aborted");
    assert.equal(arrived, 32);
    assert.equal(s.n, 0);
    assert.equal(s.errors, 0);
    assert.equal(s.skipped, 64);
  } finally {
    server.setBehaviour(undefined);
  }
});

test("onAbort: one listener for many subscribers, removed with the last; each subscriber called once; late subscribers at once", () => {
  const c = new AbortController();
  const calls: string[] = [];
  const offs = ["a", "b", "c"].map((k) => onAbort(c.signal, () => calls.push(k)));
  assert.equal(getEventListeners(c.signal, "abort").length, 1);
  offs[1]();
  offs[1]();
  assert.equal(getEventListeners(c.signal, "abort").length, 1);
  offs[0]();
  offs[2]();
  assert.equal(getEventListeners(c.signal, "abort").length, 0);
  onAbort(c.signal, () => calls.push("d"));
  const offE = onAbort(c.signal, () => calls.push("e"));
  offE();
  c.abort();
  c.abort();
  assert.deepEqual(calls, ["d"]);
  assert.equal(getEventListeners(c.signal, "abort").length, 0);
  onAbort(c.signal, () => calls.push("f"));
  assert.deepEqual(calls, ["d", "f"]);
});
