/**
 * The grid runner against the local chat-completions server through the real openai-compatible
 * provider: 429 + Retry-After (shared pause), 5xx retried, 400 not retried, malformed / truncated
 * bodies retried then recorded, timeouts, abort keeps answers, errors not cached, samples cached apart.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBenchmark } from "../src/benchmark/load";
import type { Benchmark } from "../src/benchmark/types";
import { runGrid, planGrid, type GridOptions } from "../src/runner/grid";
import { readResults } from "../src/runner/results";
import { startOpenAIServer, type OpenAIServer, type RecordedRequest } from "./support/openai-server";

let server: OpenAIServer;
let benchmark: Benchmark;
let tmp: string;

before(async () => {
  server = await startOpenAIServer();
  benchmark = await loadBenchmark();
  tmp = await mkdtemp(join(tmpdir(), "svlab-grid-"));
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

let runNo = 0;
/** Fresh cache + results folders per test unless given. */
function opts(extra: Partial<GridOptions> = {}): GridOptions {
  runNo++;
  return {
    model: `openai-compatible:${server.baseURL}#test-model`,
    benchmark,
    split: "ood",
    limit: 8,
    concurrency: 4,
    cacheDir: join(tmp, `cache-${runNo}`),
    resultsRoot: join(tmp, "results"),
    progress: "none",
    retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 4, timeoutMs: 5000 },
    ...extra,
  };
}

/** A stable id of a request: its messages (what the cache key is made of, besides params). */
const bodyId = (r: RecordedRequest) => JSON.stringify(r.body?.messages);

/** Counts the attempts at each distinct request: 1 on the first, 2 on its first retry, … */
function attemptCounter(): (r: RecordedRequest) => number {
  const seen = new Map<string, number>();
  return (r) => {
    const n = (seen.get(bodyId(r)) ?? 0) + 1;
    seen.set(bodyId(r), n);
    return n;
  };
}
const question = (r: RecordedRequest) => /\bQ\d+[A-Z]?\b/.exec(JSON.stringify(r.body?.messages))?.[0];

test("429 with Retry-After pauses every request, then all are answered", async () => {
  server.reset();
  let limitedAt = 0;
  const arrivals: number[] = [];
  server.setBehaviour((r) => {
    arrivals.push(Date.now());
    if (r.index === 0) {
      limitedAt = Date.now();
      return { kind: "rate-limit", retryAfterSeconds: 1 };
    }
    return { text: "Answer: 2", latencyMs: 30 };
  });
  const s = await runGrid(opts());
  assert.equal(s.n, 8);
  assert.equal(s.errors, 0);
  assert.equal(s.retries, 1);
  assert.equal(s.rateLimitPauses, 1);
  assert.equal(server.count(), 9);
  // requests 1-3 were already in flight; every request sent after them waited out the Retry-After
  const later = arrivals.slice(4);
  assert.equal(later.length, 5);
  for (const t of later) assert.ok(t - limitedAt >= 990, `request sent ${t - limitedAt} ms after the 429`);
});

test("5xx are retried with backoff; a 400 is never retried and is not cached", async () => {
  server.reset();
  const attempt = attemptCounter();
  server.setBehaviour((r) => {
    const n = attempt(r);
    if (n <= 2) return { kind: "status", status: n === 1 ? 500 : 503 };
    return { text: "Answer: 1" };
  });
  const o = opts();
  const s = await runGrid(o);
  assert.equal(s.n, 8);
  assert.equal(s.retries, 16);
  assert.equal(server.count(), 24);

  // a 400 for one question: asked once, recorded as an error, not cached
  server.reset();
  let badQ: string | undefined;
  server.setBehaviour((r) => {
    badQ ??= question(r);
    if (question(r) === badQ) return { kind: "status", status: 400, body: { error: { message: "bad request", type: "invalid_request_error" } } };
    return { text: "Answer: 1" };
  });
  const o2 = opts();
  const s2 = await runGrid(o2);
  const badRequests = server.requests.filter((r) => question(r) === badQ).length;
  assert.ok(badRequests >= 1);
  assert.equal(s2.errors, badRequests, "each 400 pair asked exactly once");
  assert.equal(s2.n, 8 - badRequests);
  assert.equal(server.count(), 8);
  const r = await readResults(s2.dir!);
  assert.equal(r.errors.length, badRequests);
  assert.equal(r.errors[0].status, 400);
  assert.equal(r.errors[0].attempts, 1);
  assert.match(r.errors[0].error, /^client: .*400/);
  assert.equal(r.manifest.counts.errors, badRequests);

  // rerun with a healthy server: only the failed pairs are asked again
  server.reset();
  server.setBehaviour(() => ({ text: "Answer: 1" }));
  const s3 = await runGrid({ ...o2, cacheDir: o2.cacheDir });
  assert.equal(server.count(), badRequests);
  assert.equal(s3.n, 8);
  assert.equal(s3.cached, 8 - badRequests);
});

test("malformed and truncated bodies are retried, then recorded as errors when they persist", async () => {
  server.reset();
  const attempt = attemptCounter();
  let doomed: string | undefined;
  server.setBehaviour((r) => {
    const id = bodyId(r);
    const n = attempt(r);
    doomed ??= id;
    if (id === doomed) return { kind: "malformed" };
    if (n === 1) return { kind: "malformed" };
    if (n === 2) return { kind: "truncated" };
    return { text: "Answer: 1" };
  });
  const s = await runGrid(opts({ retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3, timeoutMs: 5000 } }));
  assert.equal(s.n, 7);
  assert.equal(s.errors, 1);
  assert.equal(server.requests.filter((r) => bodyId(r) === doomed).length, 3, "the always-malformed prompt got maxAttempts tries");
  assert.equal(server.count(), 7 * 3 + 3);
  assert.match(s.result.errors[0].error, /malformed/);
  assert.equal(s.result.errors[0].attempts, 3);
  for (const p of s.result.predictions) assert.equal(p.code, 1, JSON.stringify(p));
});

test("a request that hangs times out and is retried", async () => {
  server.reset();
  const attempt = attemptCounter();
  server.setBehaviour((r) => {
    const n = attempt(r);
    return n === 1 && r.index === 0 ? { kind: "hang" } : { text: "Answer: 1" };
  });
  const s = await runGrid(opts({ retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3, timeoutMs: 400 } }));
  assert.equal(s.n, 8);
  assert.equal(s.errors, 0);
  assert.equal(s.retries, 1);
  assert.equal(server.count(), 9);
});

test("abort keeps every answer so far; a rerun asks only the rest", async () => {
  server.reset();
  const controller = new AbortController();
  // requests 0-3 answer after 50 ms, later ones hang; when request 5 arrives, 0-3 are all answered
  // (with 2 slots, request 5 starts only after request 3 finished) and 4-5 are in flight
  server.setBehaviour((r) => {
    if (r.index === 5) setTimeout(() => controller.abort(), 20);
    return r.index < 4 ? { text: "Answer: 2", latencyMs: 50 } : { kind: "hang" };
  });
  const o = opts({ limit: 20, concurrency: 2, signal: controller.signal });
  const s = await runGrid(o);
  assert.equal(s.status, "aborted");
  assert.equal(s.n, 4);
  assert.equal(s.errors, 0, "aborted requests are not errors");
  assert.equal(s.n + s.skipped, 20);
  const r = await readResults(s.dir!);
  assert.equal(r.manifest.status, "aborted");
  assert.equal(r.predictions.length, s.n);

  const before = server.count();
  server.setBehaviour(() => ({ text: "Answer: 2" }));
  const s2 = await runGrid({ ...o, signal: undefined });
  assert.equal(s2.n, 20);
  assert.equal(s2.cached, s.n);
  assert.equal(server.count() - before, 20 - s.n, "answered pairs are not asked again");
});

test("repeated samples are cached separately and get distinct seeds; dry run counts the cache", async () => {
  server.reset();
  server.setBehaviour((r) => ({ text: `Answer: ${1 + (Number(r.body.seed) % 2)}` }));
  const o = opts({ limit: 3, samples: 3, generate: { temperature: 1, seed: 10 } });
  const s = await runGrid(o);
  assert.equal(s.n, 9);
  assert.equal(s.pairs, 3);
  assert.equal(server.count(), 9);
  const seeds = server.requests.map((r) => r.body.seed).sort();
  assert.deepEqual([...new Set(seeds)], [10, 11, 12]);
  assert.ok(server.requests.every((r) => r.body.temperature === 1));
  assert.deepEqual(
    s.result.predictions
      .filter((p) => p.question === s.result.predictions[0].question && p.subgroup === s.result.predictions[0].subgroup)
      .map((p) => [p.sample, p.code]),
    [
      [0, 1],
      [1, 2],
      [2, 1],
    ],
  );

  const plan = await planGrid({ ...o, model: o.model as string, limit: 5 });
  assert.equal(plan.requests, 15);
  assert.equal(plan.cached, 9);
  assert.equal(plan.toSend, 6);
  assert.equal(plan.cost, null, "no list price for a compatible server");
  assert.ok(plan.inputTokens > 6 * 50);
  assert.equal(server.count(), 9, "the dry run sent nothing");

  server.reset();
  const again = await runGrid(o);
  assert.equal(again.cached, 9);
  assert.equal(server.count(), 0);
  // dry run with an OpenAI price
  const priced = await planGrid({ ...o, model: "openai:gpt-4.1-mini", limit: 2, samples: 1 });
  assert.equal(priced.cost, (priced.inputTokens * 0.4 + priced.outputTokens * 1.6) / 1e6);
});

test("API keys never reach the cache or the results", async () => {
  const { readdir, readFile } = await import("node:fs/promises");
  const secret = ["sk", "svlab-test-secret-0123456789"].join("-"); // built at run time so no key-shaped string is committed
  process.env.SVLAB_API_KEY = secret;
  try {
    server.reset();
    server.setBehaviour(() => ({ text: "Answer: 1" }));
    const o = opts({ limit: 3 });
    const s = await runGrid(o);
    assert.equal(s.n, 3);
    assert.equal(server.requests[0].headers.authorization, `Bearer ${secret}`, "the key was used");
    const files: string[] = [];
    for (const d of [join(o.cacheDir as string, "answers"), s.dir!]) for (const f of await readdir(d)) files.push(join(d, f));
    for (const f of files) assert.ok(!(await readFile(f, "utf8")).includes(secret), `${f} holds the key`);
  } finally {
    delete process.env.SVLAB_API_KEY;
  }
});

test("a baseline over the whole real OOD split: one prediction per pair, in the results folder", async (t) => {
  const { existsSync } = await import("node:fs");
  const { findWvsFile, dataDir } = await import("../src/paths");
  if (!findWvsFile() && !existsSync(join(dataDir(), "benchmark-tan2026.json"))) {
    t.skip("no WVS microdata and no shipped aggregates (data/benchmark-tan2026.json)");
    return;
  }
  const s = await runGrid({
    model: "baseline:population-mode",
    benchmark,
    split: "ood",
    resultsRoot: join(tmp, "results"),
    cacheDir: join(tmp, "cache-baseline"),
    progress: "none",
  });
  assert.equal(s.n, 10_177);
  assert.equal(s.pairs, 10_177);
  assert.equal(s.parsed, 10_177);
  assert.equal(s.errors, 0);
  const r = await readResults(s.dir!);
  assert.equal(r.predictions.length, 10_177);
  assert.equal(r.manifest.benchmark.preset, "tan2026");
  assert.equal(r.manifest.counts.requests, 10_177);
  assert.ok(r.predictions.every((p) => p.split === "ood" && p.model === "baseline:population-mode"));
});

test("openai: models behind two gateways do not share cache entries; the default endpoint keeps its old keys", async () => {
  const other = await startOpenAIServer({ answer: () => "Answer: 2" });
  const env = process.env.OPENAI_API_KEY;
  process.env.OPENAI_API_KEY = "test-dummy-key";
  try {
    server.reset();
    server.setBehaviour(() => ({ text: "Answer: 1" }));
    const o = opts({ model: "openai:gpt-4.1-mini", limit: 5 });
    const a = await runGrid({ ...o, providerContext: { baseURL: server.baseURL } });
    const b = await runGrid({ ...o, providerContext: { baseURL: other.baseURL } });
    assert.deepEqual(
      a.result.predictions.map((p) => p.code),
      [1, 1, 1, 1, 1],
    );
    assert.equal(b.cached, 0);
    assert.equal(other.count(), 5);
    assert.deepEqual(
      b.result.predictions.map((p) => p.code),
      [2, 2, 2, 2, 2],
    );
    assert.equal((await readResults(b.dir!)).manifest.extra!.endpoint, other.baseURL);
    // the dry run keys the same way: everything is cached for the gateway it ran on
    const plan = await planGrid({ ...o, model: "openai:gpt-4.1-mini", providerContext: { baseURL: other.baseURL } });
    assert.equal(plan.cached, 5);
    // a key for api.openai.com is what it was before endpoints were part of keys
    const { jobKey } = await import("../src/runner/engine");
    const job = {
      prompt: {
        question: "Q1",
        subgroup: "sex:Female",
        templateId: "system-persona",
        answerCodes: [1, 2, 3, 4],
        answerLabels: {},
        messages: [
          { role: "system" as const, content: "You are a woman." },
          { role: "user" as const, content: "How important is family? Answer: <number>" },
        ],
      },
      split: "ood" as const,
      sample: 0,
    };
    assert.equal(jobKey({ id: "openai:gpt-4.1-mini" }, job, {}), "8c2a08b6104522f68d8105aef0546341babb756e26345af4f80fa2e5c1ddaf6d");
    assert.equal(
      jobKey({ id: "openai-compatible:http://127.0.0.1:8000/v1#llama3" }, job, { temperature: 0 }),
      "35ce96692ddc81cfa00e589f75638b0f9a100006eb683a8395109e63ec010a12",
    );
  } finally {
    if (env === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = env;
    await other.close();
  }
});
