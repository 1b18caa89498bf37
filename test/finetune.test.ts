import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import { buildSftDataset, createFineTuneJob, expandCounts, getFineTuneJob, toJsonl, waitForFineTuneJob, writeSftDataset } from "../src/finetune";
import { svlab } from "./support/cli";

test("expandCounts: largest remainder, deterministic, exactly k examples", () => {
  assert.deepEqual(expandCounts({ "1": 6, "2": 3, "3": 1 }, 10), [1, 1, 1, 1, 1, 1, 2, 2, 2, 3]);
  assert.deepEqual(expandCounts({ "1": 1, "2": 1, "3": 1 }, 4), [1, 1, 2, 3]);
  assert.deepEqual(expandCounts({ "4": 2 }, 3), [4, 4, 4]);
});

test("SFT data from the train split: one example per pair, OOD subgroups never present", async () => {
  const b = await loadBenchmark();
  const ds = buildSftDataset(b);
  assert.equal(ds.train.length, 10700);
  assert.equal(ds.validation.length, 0);
  const ood = new Set(b.subgroups.filter((s) => s.split === "ood").map((s) => s.id));
  assert.ok(ds.train.every((e) => !ood.has(e.metadata.subgroup)));
  const ex = ds.train.find((e) => e.metadata.question === "Q1" && e.metadata.subgroup === "sex:Female")!;
  assert.equal(ex.messages.at(-1)!.role, "assistant");
  assert.equal(ex.messages.at(-1)!.content, "Answer: 1");
  assert.ok(ex.messages[0].content.length > 0);
  // OpenAI's format: only "messages" at the top level.
  assert.deepEqual(Object.keys(JSON.parse(toJsonl([ex]).trim())), ["messages"]);
});

test("SFT data: subgroup hold-out, expanded soft targets, two templates", async () => {
  const b = await loadBenchmark();
  const ds = buildSftDataset(b, { validationShare: 0.1, target: "expanded", k: 5, templates: ["system-persona", "third-person"] });
  assert.equal(ds.validationSubgroups.length, 5);
  const valSubs = new Set(ds.validation.map((e) => e.metadata.subgroup));
  assert.deepEqual([...valSubs].sort(), ds.validationSubgroups);
  assert.ok(ds.train.every((e) => !valSubs.has(e.metadata.subgroup)));
  assert.equal(ds.train.length + ds.validation.length, 10700 * 2 * 5);
  const dist = buildSftDataset(b, { target: "distribution" }).train[0];
  const total = Object.values(dist.target_distribution!).reduce((a, c) => a + c, 0);
  assert.ok(Math.abs(total - 1) < 1e-5);
  assert.throws(() => buildSftDataset(b, { validationShare: 1 }), /validationShare: expected a number in \[0, 1\)/);
});

test("svlab finetune data writes JSONL and a LLaMA-Factory job with the paper's learning rate", () => {
  const dir = mkdtempSync(join(tmpdir(), "svlab-ft-"));
  const r = svlab(["finetune", "data", "--out", dir, "--validation", "0.1", "--llamafactory", "Qwen/Qwen2.5-7B-Instruct", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ["dataset_info.json", "sft.yaml", "train.jsonl", "train.meta.jsonl", "validation.jsonl", "validation.meta.jsonl"]);
  const yaml = readFileSync(join(dir, "sft.yaml"), "utf8");
  assert.match(yaml, /^learning_rate: 1\.0e-6$/m);
  assert.match(yaml, /^num_train_epochs: 1$/m);
  assert.match(yaml, /^finetuning_type: lora$/m);
  const lines = readFileSync(join(dir, "train.jsonl"), "utf8").trim().split("\n");
  assert.equal(lines.length, r.json().train);
  // Writing again without a hold-out removes the old validation files (never uploaded by mistake).
  assert.equal(svlab(["finetune", "data", "--out", dir, "--json"]).status, 0);
  assert.ok(!readdirSync(dir).some((f) => f.startsWith("validation")));
});

/** A local server speaking OpenAI's files + fine_tuning endpoints. */
async function fakeFineTuneServer(): Promise<{ url: string; seen: { path: string; auth?: string; body: string }[]; close: () => Promise<void> }> {
  const seen: { path: string; auth?: string; body: string }[] = [];
  let polls = 0;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    for await (const c of req) body += c;
    seen.push({ path: `${req.method} ${req.url}`, auth: req.headers.authorization, body });
    const send = (x: unknown): void => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(x));
    };
    if (req.url === "/v1/files")
      return send({ id: `file-${seen.length}`, object: "file", bytes: body.length, created_at: 1, filename: "train.jsonl", purpose: "fine-tune" });
    if (req.url === "/v1/fine_tuning/jobs" && req.method === "POST") {
      const j = JSON.parse(body);
      return send({
        id: "ftjob-1",
        object: "fine_tuning.job",
        model: j.model,
        status: "queued",
        training_file: j.training_file,
        created_at: 2,
        fine_tuned_model: null,
        error: null,
      });
    }
    if (req.url === "/v1/fine_tuning/jobs/ftjob-1") {
      polls++;
      return send({
        id: "ftjob-1",
        object: "fine_tuning.job",
        model: "gpt-4.1-mini",
        status: polls > 1 ? "succeeded" : "running",
        training_file: "file-1",
        created_at: 2,
        fine_tuned_model: polls > 1 ? "ft:gpt-4.1-mini:svlab:abc" : null,
        error: null,
      });
    }
    res.writeHead(404).end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/v1`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

test("OpenAI fine-tuning job: upload, create (supervised, paper's 1 epoch), poll to the model spec", async () => {
  const srv = await fakeFineTuneServer();
  try {
    const dir = mkdtempSync(join(tmpdir(), "svlab-ftjob-"));
    const b = await loadBenchmark();
    writeSftDataset(buildSftDataset(b, { validationShare: 0.1 }), dir);
    const env = { OPENAI_API_KEY: "test-key-not-a-secret" };
    const job = await createFineTuneJob({
      model: "gpt-4.1-mini",
      trainingFile: join(dir, "train.jsonl"),
      validationFile: join(dir, "validation.jsonl"),
      epochs: 1,
      baseURL: srv.url,
      env,
    });
    assert.equal(job.id, "ftjob-1");
    assert.equal(job.status, "queued");
    const create = JSON.parse(srv.seen.find((s) => s.path === "POST /v1/fine_tuning/jobs")!.body);
    assert.deepEqual(create.method, { type: "supervised", supervised: { hyperparameters: { n_epochs: 1 } } });
    assert.equal(create.training_file, "file-1");
    assert.equal(create.validation_file, "file-2");
    assert.equal(srv.seen.filter((s) => s.path === "POST /v1/files").length, 2);
    assert.equal((await getFineTuneJob("ftjob-1", { baseURL: srv.url, env })).status, "running");
    const statuses: string[] = [];
    const done = await waitForFineTuneJob("ftjob-1", { baseURL: srv.url, env, intervalMs: 1, onStatus: (j) => statuses.push(j.status) });
    assert.deepEqual(statuses, ["succeeded"]);
    assert.equal(done.evaluateWith, "openai:ft:gpt-4.1-mini:svlab:abc");
    assert.equal(srv.seen[0].auth, "Bearer test-key-not-a-secret");
    await assert.rejects(createFineTuneJob({ model: "m", trainingFile: join(dir, "nope.jsonl"), baseURL: srv.url, env }), /nope\.jsonl: file not found/);
    await assert.rejects(createFineTuneJob({ model: "m", trainingFile: join(dir, "train.jsonl"), baseURL: srv.url, env: {} }), /OPENAI_API_KEY is not set/);
  } finally {
    await srv.close();
  }
});
