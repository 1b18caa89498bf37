import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listRuns, latestRun, makeRunId, readResults, writeManifest, writePredictions, writeErrors, type RunManifest } from "../src/runner/results";
import type { Prediction } from "../src/runner/types";

function manifest(runId: string, status: RunManifest["status"] = "completed"): RunManifest {
  return {
    formatVersion: 1,
    runId,
    model: "baseline:uniform",
    templateIds: ["system-persona"],
    templateId: "system-persona",
    split: "ood",
    generate: { temperature: 0 },
    samples: 1,
    mode: "api",
    counts: { requests: 2, answered: 2, parsed: 1, refused: 1, unparsed: 0, errors: 0, cached: 0, skipped: 0, retries: 0 },
    usage: { inputTokens: 0, outputTokens: 0 },
    cost: 0,
    costIfUncached: 0,
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
    status,
    svlabVersion: "0.1.0",
    benchmark: { preset: "tan2026" },
  };
}
const preds: Prediction[] = [
  { model: "baseline:uniform", templateId: "system-persona", question: "Q1", subgroup: "sex:Female", split: "train", sample: 0, code: 2, refused: false },
  {
    model: "baseline:uniform",
    templateId: "system-persona",
    question: "Q2",
    subgroup: "sex:Male",
    split: "train",
    sample: 0,
    code: null,
    refused: true,
    reason: "refusal",
  },
];

test("results round-trip: manifest, predictions, errors; listRuns and latestRun", async () => {
  const root = await mkdtemp(join(tmpdir(), "svlab-results-"));
  try {
    const a = join(root, "20260101T000000Z_a_ood_0001");
    await writeManifest(a, manifest("20260101T000000Z_a_ood_0001"));
    await writePredictions(a, preds);
    await writeErrors(
      a,
      [{ ...preds[0], error: "HTTP 500", status: 500, attempts: 4 }].map(({ code, refused, ...r }) => r as any),
    );
    const b = join(root, "20260102T000000Z_a_ood_0002");
    await writeManifest(b, manifest("20260102T000000Z_a_ood_0002", "running"));
    await mkdir(join(root, "not-a-run"));

    const r = await readResults(a);
    assert.equal(r.manifest.runId, "20260101T000000Z_a_ood_0001");
    assert.deepEqual(r.predictions, preds);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].status, 500);
    // by run id under a root
    assert.equal((await readResults("20260101T000000Z_a_ood_0001", root)).predictions.length, 2);
    // running run: no predictions file yet
    assert.deepEqual((await readResults(b)).predictions, []);

    const runs = await listRuns(root);
    assert.deepEqual(
      runs.map((x) => x.runId),
      ["20260101T000000Z_a_ood_0001", "20260102T000000Z_a_ood_0002"],
    );
    assert.equal((await latestRun({ model: "baseline:uniform" }, root))?.runId, "20260101T000000Z_a_ood_0001");
    assert.equal((await latestRun({ model: "baseline:uniform", includeIncomplete: true }, root))?.runId, "20260102T000000Z_a_ood_0002");
    assert.equal(await latestRun({ model: "openai:x" }, root), null);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("readResults names the file and line of a bad row", async () => {
  const root = await mkdtemp(join(tmpdir(), "svlab-results-"));
  try {
    await writeManifest(root, manifest("x"));
    await writeFile(
      join(root, "predictions.jsonl"),
      `${JSON.stringify(preds[0])}\n{"model":"m","templateId":"t","question":"Q1","subgroup":"s","split":"ood","sample":"0","code":1,"refused":false}\n`,
    );
    await assert.rejects(readResults(root), /predictions\.jsonl:2: field "sample" should be a number/);
    await writeFile(join(root, "predictions.jsonl"), `${JSON.stringify(preds[0])}\n{"model":\n`);
    await assert.rejects(readResults(root), /predictions\.jsonl:2: not a JSON line/);
    await assert.rejects(readResults(join(root, "nope")), /no run manifest/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("makeRunId is sortable and readable", () => {
  const id = makeRunId("openai-compatible:http://127.0.0.1:8080/v1#qwen", "ood", new Date("2026-11-28T10:15:02.123Z"));
  assert.match(id, /^20261128T101502Z_openai-compatible-qwen_ood_[0-9a-f]{4}$/);
});
