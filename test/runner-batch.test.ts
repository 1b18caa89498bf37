/**
 * Batch mode: custom_ids, the JSONL, and the whole submit → poll → collect loop against a small
 * files + batches front (in this file) that answers each batch line through the local chat server,
 * so the same behaviours (answers, failures) apply. Answers land in the same cache as online runs.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBenchmark } from "../src/benchmark/load";
import type { Benchmark } from "../src/benchmark/types";
import { batchCustomId, buildBatchInput, batchTarget, runBatchGrid, pendingBatches } from "../src/runner/batch";
import { AnswerCache } from "../src/runner/cache";
import { buildJobs, runGrid, selectPairs } from "../src/runner/grid";
import { readResults } from "../src/runner/results";
import { startOpenAIServer, type OpenAIServer } from "./support/openai-server";

let chat: OpenAIServer;
let front: Server;
let frontURL: string;
let benchmark: Benchmark;
let tmp: string;
const files = new Map<string, string>();
const batches = new Map<
  string,
  {
    id: string;
    input: string;
    polls: number;
    status: string;
    output_file_id?: string;
    error_file_id?: string;
    counts: { total: number; completed: number; failed: number };
  }
>();
let batchesCreated = 0;
/** custom_ids the front fails (as an error line) instead of answering. */
const failIds = new Set<string>();

async function answerBatch(b: NonNullable<ReturnType<typeof batches.get>>): Promise<void> {
  const out: string[] = [];
  const err: string[] = [];
  for (const line of files.get(b.input)!.split("\n").filter(Boolean)) {
    const req = JSON.parse(line);
    if (failIds.has(req.custom_id)) {
      err.push(
        JSON.stringify({
          id: `r-${req.custom_id}`,
          custom_id: req.custom_id,
          response: { status_code: 400, body: { error: { message: "bad line" } } },
          error: null,
        }),
      );
      b.counts.failed++;
      continue;
    }
    const res = await fetch(`${chat.url}${req.url}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(req.body) });
    out.push(
      JSON.stringify({
        id: `r-${req.custom_id}`,
        custom_id: req.custom_id,
        response: { status_code: res.status, request_id: "x", body: await res.json() },
        error: null,
      }),
    );
    b.counts.completed++;
  }
  const oid = `file-out-${b.id}`;
  files.set(oid, out.join("\n") + "\n");
  b.output_file_id = oid;
  if (err.length) {
    files.set(`file-err-${b.id}`, err.join("\n") + "\n");
    b.error_file_id = `file-err-${b.id}`;
  }
}

function batchJson(b: NonNullable<ReturnType<typeof batches.get>>) {
  return {
    id: b.id,
    object: "batch",
    endpoint: "/v1/chat/completions",
    input_file_id: b.input,
    completion_window: "24h",
    status: b.status,
    output_file_id: b.output_file_id ?? null,
    error_file_id: b.error_file_id ?? null,
    created_at: 1,
    request_counts: b.counts,
  };
}

before(async () => {
  chat = await startOpenAIServer({ answer: () => "Answer: 1" });
  benchmark = await loadBenchmark();
  tmp = await mkdtemp(join(tmpdir(), "svlab-batch-"));
  front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const send = (status: number, body: unknown) => {
        const text = typeof body === "string" ? body : JSON.stringify(body);
        res.writeHead(status, { "content-type": typeof body === "string" ? "application/octet-stream" : "application/json" });
        res.end(text);
      };
      const url = req.url ?? "";
      if (req.method === "POST" && url === "/v1/files") {
        // multipart: take the part named "file"
        const boundary = /boundary=(.+)$/.exec(req.headers["content-type"] ?? "")![1];
        const part = raw.split(`--${boundary}`).find((p) => /name="file"/.test(p))!;
        const content = part.slice(part.indexOf("\r\n\r\n") + 4).replace(/\r\n$/, "");
        const id = `file-${files.size + 1}`;
        files.set(id, content);
        return send(200, { id, object: "file", bytes: content.length, created_at: 1, filename: "in.jsonl", purpose: "batch", status: "processed" });
      }
      if (req.method === "POST" && url === "/v1/batches") {
        const body = JSON.parse(raw);
        const id = `batch_${++batchesCreated}`;
        const total = files.get(body.input_file_id)!.split("\n").filter(Boolean).length;
        const b = { id, input: body.input_file_id, polls: 0, status: "validating", counts: { total, completed: 0, failed: 0 } };
        batches.set(id, b);
        return send(200, batchJson(b));
      }
      let m = /^\/v1\/batches\/([^/]+)$/.exec(url);
      if (req.method === "GET" && m) {
        const b = batches.get(m[1])!;
        b.polls++;
        if (b.polls === 1) b.status = "in_progress";
        else if (b.status !== "completed") {
          await answerBatch(b);
          b.status = "completed";
        }
        return send(200, batchJson(b));
      }
      m = /^\/v1\/files\/([^/]+)\/content$/.exec(url);
      if (req.method === "GET" && m) return send(200, files.get(m[1])!);
      send(404, { error: { message: `no route ${req.method} ${url}` } });
    });
  });
  await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
  frontURL = `http://127.0.0.1:${(front.address() as AddressInfo).port}/v1`;
});
after(async () => {
  await chat.close();
  front.closeAllConnections();
  await new Promise((r) => front.close(r));
  await rm(tmp, { recursive: true, force: true });
});

test("custom_ids follow the authors' shape, made unique by template and sample", () => {
  const job = (subgroup: string, templateId = "system-persona", sample = 0) => ({ prompt: { question: "Q1", subgroup, templateId }, sample });
  assert.equal(batchCustomId(job("sex:Female")), "Q1_sex_Female__system-persona");
  assert.equal(batchCustomId(job("sex_x_age:Female|16-24 years")), "Q1_sex_x_age_Female_16-24-years__system-persona");
  assert.equal(batchCustomId(job("ethnicity:SG: South Asian Indian, Pakistan, etc.")), "Q1_ethnicity_SG:-South-Asian-Indian,-Pakistan,-etc.__system-persona");
  assert.equal(
    batchCustomId(job("religion:Do not belong to a denomination", "third-person+reversed", 2)),
    "Q1_religion_Do-not-belong-to-a-denomination__third-person+reversed__s2",
  );
});

test("batch input: one line per job with the online request's parameters", () => {
  const pairs = selectPairs(benchmark, { split: "ood", limit: 3 });
  const jobs = buildJobs(benchmark, pairs, ["system-persona"], 2);
  const target = batchTarget("openai:gpt-4.1-mini");
  const built = buildBatchInput("openai:gpt-4.1-mini", target, jobs, { temperature: 0.5, seed: 7, maxTokens: 8, distribution: true });
  const lines = built.jsonl
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 6);
  assert.equal(new Set(lines.map((l) => l.custom_id)).size, 6);
  assert.deepEqual(Object.keys(lines[0]).sort(), ["body", "custom_id", "method", "url"]);
  assert.equal(lines[0].url, "/v1/chat/completions");
  assert.deepEqual([lines[0].body.seed, lines[1].body.seed], [7, 8], "sample i uses seed + i");
  assert.equal(lines[0].body.max_completion_tokens, 8);
  assert.equal(lines[0].body.logprobs, true);
  assert.equal(lines[0].body.top_logprobs, 20);
  assert.deepEqual(lines[0].body.messages, jobs[0].prompt.messages);
  assert.throws(() => buildBatchInput("x", target, [jobs[0], jobs[0]], {}), /duplicate custom_id/);
});

test("submit → poll → collect into the cache; failed lines become errors; online runs then reuse the answers", async () => {
  const cacheDir = join(tmp, "cache");
  const model = `openai-compatible:${frontURL}#batch-model`;
  const common = {
    model,
    benchmark,
    split: "ood" as const,
    limit: 6,
    cacheDir,
    resultsRoot: join(tmp, "results"),
    progress: "none" as const,
    pollIntervalMs: 5,
  };
  const pairs = selectPairs(benchmark, { split: "ood", limit: 6 });
  const jobs = buildJobs(benchmark, pairs, ["system-persona"], 1);
  failIds.add(batchCustomId(jobs[2]));
  const s = await runBatchGrid(common);
  assert.equal(batchesCreated, 1);
  assert.equal(s.n, 5);
  assert.equal(s.errors, 1);
  assert.equal(s.cached, 0);
  assert.match(s.result.errors[0].error, /HTTP 400: bad line/);
  assert.equal(s.result.errors[0].question, jobs[2].prompt.question);
  assert.ok(s.result.predictions.every((p) => p.code === 1 && p.cached === false));
  assert.equal(AnswerCache.open(cacheDir, { readOnly: true }).size, 5);
  assert.equal(pendingBatches(AnswerCache.open(cacheDir, { readOnly: true }), model).length, 0);

  // rerun: only the failed line is submitted again
  failIds.clear();
  const s2 = await runBatchGrid(common);
  assert.equal(batchesCreated, 2);
  assert.equal(files.get(batches.get("batch_2")!.input)!.trim().split("\n").length, 1);
  assert.equal(s2.n, 6);
  assert.equal(s2.cached, 5);

  // the online runner uses the same cache keys: nothing is asked
  chat.reset();
  const online = await runGrid({ ...common, model, retry: { maxAttempts: 1 } });
  assert.equal(online.n, 6);
  assert.equal(online.cached, 6);
  assert.equal(chat.count(), 0);
});

test("a run stopped while the batch is pending does not pay twice: the rerun collects it", async () => {
  const cacheDir = join(tmp, "cache-pending");
  const model = `openai-compatible:${frontURL}#pending-model`;
  const controller = new AbortController();
  const common = {
    model,
    benchmark,
    split: "train" as const,
    limit: 4,
    cacheDir,
    resultsRoot: join(tmp, "results"),
    progress: "none" as const,
    pollIntervalMs: 200,
  };
  const before = batchesCreated;
  setTimeout(() => controller.abort(), 50); // during the first wait between polls
  const s = await runBatchGrid({ ...common, signal: controller.signal });
  assert.equal(s.status, "aborted");
  assert.equal(s.n, 0);
  assert.equal(s.errors, 0);
  assert.equal(s.skipped, 4);
  assert.equal(batchesCreated, before + 1);
  assert.equal(pendingBatches(AnswerCache.open(cacheDir, { readOnly: true }), model).length, 1);

  const s2 = await runBatchGrid({ ...common, pollIntervalMs: 5 });
  assert.equal(batchesCreated, before + 1, "no second batch");
  assert.equal(s2.n, 4);
  assert.equal(s2.status, "completed");
  assert.equal(pendingBatches(AnswerCache.open(cacheDir, { readOnly: true }), model).length, 0);
});

test("maxWaitMs reached while the batch runs: status pending (not completed), nothing recorded as an error, the rerun collects", async () => {
  const cacheDir = join(tmp, "cache-maxwait");
  const model = `openai-compatible:${frontURL}#wait-model`;
  const common = {
    model,
    benchmark,
    split: "train" as const,
    limit: 4,
    cacheDir,
    resultsRoot: join(tmp, "results"),
    progress: "none" as const,
    pollIntervalMs: 5,
  };
  const before = batchesCreated;
  const s = await runBatchGrid({ ...common, maxWaitMs: 0, runId: "maxwait-1" });
  assert.equal(s.status, "pending");
  assert.deepEqual([s.n, s.errors, s.skipped], [0, 0, 4]);
  const r = await readResults("maxwait-1", join(tmp, "results"));
  assert.equal(r.manifest.status, "pending");
  assert.equal(r.errors.length, 0);
  assert.match(
    String(r.manifest.extra!.stopped),
    /^maxWaitMs \(0 ms\) reached while 1 batch\(es\) still ran \(batch_\d+\); rerun the same command to collect them$/,
  );
  assert.equal(pendingBatches(AnswerCache.open(cacheDir, { readOnly: true }), model).length, 1);
  const s2 = await runBatchGrid(common);
  assert.equal(batchesCreated, before + 1, "no second batch");
  assert.deepEqual([s2.status, s2.n, s2.cached], ["completed", 4, 0]);
});

test("an exception mid-run marks the manifest failed (like runGrid) and rethrows", async () => {
  const refuse = createServer((_req, res) => {
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "files are not supported here" } }));
  });
  await new Promise<void>((r) => refuse.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${(refuse.address() as AddressInfo).port}/v1`;
    await assert.rejects(
      runBatchGrid({
        model: `openai-compatible:${url}#m`,
        benchmark,
        split: "ood",
        limit: 2,
        cacheDir: join(tmp, "cache-fail"),
        resultsRoot: join(tmp, "results"),
        runId: "batch-fail",
        progress: "none",
      }),
      /files are not supported here/,
    );
    const r = await readResults("batch-fail", join(tmp, "results"));
    assert.equal(r.manifest.status, "failed");
    assert.match(String(r.manifest.extra!.failure), /files are not supported here/);
    assert.ok(r.manifest.finishedAt);
  } finally {
    refuse.closeAllConnections();
    await new Promise((r) => refuse.close(r));
  }
});

test("batch selection validates like runGrid (shared prepareGrid)", async () => {
  const common = { model: `openai-compatible:${frontURL}#m`, benchmark, cacheDir: join(tmp, "cache-bad"), write: false, progress: "none" as const };
  await assert.rejects(runBatchGrid({ ...common, samples: 0 }), /samples: expected a whole number ≥ 1, got 0/);
  await assert.rejects(runBatchGrid({ ...common, split: "dev" as any }), /split: expected train, ood or all, got "dev"/);
});
