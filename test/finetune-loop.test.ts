/**
 * The fine-tuning loop end to end through the CLI: a base model's and a tuned model's outputs
 * imported, the tuned run linked to its base (`finetune link`, or `import --tuned-from`), `svlab
 * paper` showing base → tuned; `finetune status` printing the tuned model's spec, its base and
 * the next commands (against a local server speaking OpenAI's fine-tuning endpoints).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import { paperCustomId } from "../src/benchmark/subgroup-id";
import { evaluateCommands, llamaFactoryNextSteps, recordTunedFrom } from "../src/finetune/index";
import { readResults } from "../src/runner/results";
import { svlab } from "./support/cli";

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "svlab-ftloop-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("import base and tuned outputs, link them, and svlab paper shows base → tuned", async () => {
  const bench = await loadBenchmark();
  const ps = bench.pairs.filter((p) => p.split === "ood").slice(0, 40);
  const write = (name: string, right: (i: number) => boolean) => {
    const file = join(dir, name);
    const qs = new Map(bench.questions.map((q) => [q.id, q]));
    writeFileSync(
      file,
      ps
        .map((p, i) => {
          const other = qs
            .get(p.question)!
            .scale.map((o) => o.code)
            .find((c) => c !== p.mode)!;
          return JSON.stringify({ custom_id: paperCustomId(p.question, p.subgroup), response: `Answer: ${right(i) ? p.mode : other}` });
        })
        .join("\n") + "\n",
    );
    return file;
  };
  const results = join(dir, "results");
  const base = svlab(["import", write("base.jsonl", (i) => i % 4 === 0), "--model", "qwen-base", "--results", results, "--json"]);
  assert.equal(base.status, 0, base.stderr);
  const tuned = svlab(["import", write("tuned.jsonl", (i) => i % 2 === 0), "--model", "qwen-sft", "--results", results, "--json"]);
  assert.equal(tuned.status, 0, tuned.stderr);
  const runId = tuned.json().runId;

  const link = svlab(["finetune", "link", "--run", runId, "--tuned-from", "qwen-base", "--results", results, "--json"]);
  assert.equal(link.status, 0, link.stderr);
  assert.deepEqual(link.json(), { runId, model: "qwen-sft", tunedFrom: "qwen-base" });
  assert.equal((await readResults(runId, results)).manifest.tunedFrom, "qwen-base");

  const out = join(dir, "paper");
  const paper = svlab(["paper", "--results", results, "--out", out, "--json"]);
  assert.equal(paper.status, 0, paper.stderr);
  assert.deepEqual(paper.json().pairs, [{ base: "qwen-base", tuned: "qwen-sft" }]);
  const main = readFileSync(join(out, "main.csv"), "utf8").split("\n");
  // 10 of 40 right → 20 of 40 right: .25 → .5, Δ +.25
  assert.equal(main[1].split(",").slice(0, 5).join(","), "qwen-base,open,0.25,0.5,0.25");
  assert.match(readFileSync(join(out, "paper.md"), "utf8"), /\| qwen-base \| \.250 \| \.500 \(\+\.250\) \|/);

  await assert.rejects(recordTunedFrom(runId, "qwen-sft", results), /not tuned from itself/);
});

test("the next commands after a job name the tuned spec and its base; LLaMA-Factory's path too", () => {
  const c = evaluateCommands("openai:ft:gpt-4.1-mini:svlab:abc", "openai:gpt-4.1-mini");
  assert.ok(c.some((l) => l.startsWith("svlab run --model openai:ft:gpt-4.1-mini:svlab:abc --split ood")));
  assert.ok(c.some((l) => l.includes("--tuned-from openai:gpt-4.1-mini")));
  assert.ok(llamaFactoryNextSteps("Qwen/Qwen2.5-7B-Instruct").some((l) => l.includes("openai-compatible:http://127.0.0.1:8000/v1#svlab-lora")));
});

test("finetune status prints the tuned model's spec, its base and what to run next", async () => {
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    if (req.url === "/v1/fine_tuning/jobs/ftjob-9") {
      res.end(
        JSON.stringify({
          id: "ftjob-9",
          object: "fine_tuning.job",
          model: "gpt-4.1-mini-2025-04-14",
          status: "succeeded",
          training_file: "file-1",
          created_at: 2,
          fine_tuned_model: "ft:gpt-4.1-mini-2025-04-14:svlab:xyz",
          error: null,
        }),
      );
    } else res.end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
  try {
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ["bin/svlab.mjs", ...args], {
        cwd: process.cwd(),
        env: { ...process.env, OPENAI_API_KEY: "test-key-not-a-secret" },
      });
    const j = JSON.parse((await run(["finetune", "status", "ftjob-9", "--base-url", url, "--json"])).stdout);
    assert.equal(j.evaluateWith, "openai:ft:gpt-4.1-mini-2025-04-14:svlab:xyz");
    assert.equal(j.tunedFrom, "openai:gpt-4.1-mini-2025-04-14");
    assert.ok(j.next.some((l: string) => l.includes("finetune link") && l.includes("--tuned-from openai:gpt-4.1-mini-2025-04-14")));
    const text = (await run(["finetune", "status", "ftjob-9", "--base-url", url])).stdout;
    assert.match(text, /tuned model: openai:ft:gpt-4\.1-mini-2025-04-14:svlab:xyz \(tuned from openai:gpt-4\.1-mini-2025-04-14\)/);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
