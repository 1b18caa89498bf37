/**
 * svlab import: files in every format generated here (no real model outputs committed), mapped
 * onto benchmark pairs, parsed with the live parser, written as a run that evaluate scores.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import { paperCustomId } from "../src/benchmark/subgroup-id";
import type { Benchmark } from "../src/benchmark/types";
import { importOutputs } from "../src/import/index";
import { PairMatcher } from "../src/import/match";
import { parseCsv } from "../src/import/read";
import { batchCustomId } from "../src/runner/batch";
import { readResults } from "../src/runner/results";

let bench: Benchmark;
let dir: string;
const root = process.cwd();

before(async () => {
  bench = await loadBenchmark();
  dir = mkdtempSync(join(tmpdir(), "svlab-import-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function svlab(args: string[]): { out: string; code: number } {
  try {
    return {
      out: execFileSync(process.execPath, [join(root, "bin/svlab.mjs"), ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
      code: 0,
    };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; status?: number };
    return { out: `${e.stdout ?? ""}${e.stderr ?? ""}`, code: e.status ?? 1 };
  }
}

describe("matching rows onto pairs", () => {
  test("all 20,877 of our batch custom_ids round-trip onto the same pairs (template and sample too)", () => {
    const m = new PairMatcher(bench);
    assert.equal(bench.pairs.length, 20877);
    let same = 0;
    for (const [i, p] of bench.pairs.entries()) {
      const sample = i % 3;
      const id = batchCustomId({ sample, prompt: { question: p.question, subgroup: p.subgroup, templateId: "system-persona" } });
      const r = m.customId(id);
      assert.ok(!("reason" in r), `${id}: ${"reason" in r ? r.reason : ""}`);
      assert.equal(r.question, p.question);
      assert.equal(r.subgroup, p.subgroup);
      assert.equal(r.templateId, "system-persona");
      assert.equal(r.sample ?? 0, sample);
      same++;
    }
    assert.equal(same, 20877);
  });

  test("…and through importOutputs: an OpenAI Batch output file of all 20,877 lands every answer on its own pair", async () => {
    const qs = new Map(bench.questions.map((q) => [q.id, q.scale.map((o) => o.code)]));
    const codeOf = (i: number, q: string) => qs.get(q)![i % qs.get(q)!.length];
    let text = "";
    bench.pairs.forEach((p, i) => {
      const custom_id = batchCustomId({ sample: 0, prompt: { question: p.question, subgroup: p.subgroup, templateId: "system-persona" } });
      text += `${JSON.stringify({ id: `r${i}`, custom_id, response: { status_code: 200, body: { choices: [{ message: { content: `Answer: ${codeOf(i, p.question)}` } }] } }, error: null })}\n`;
    });
    const file = join(dir, "all-batch.jsonl");
    writeFileSync(file, text);
    const results = join(dir, "results-all");
    const s = await importOutputs({ file, model: "all-pairs", benchmark: bench, results });
    assert.equal(s.n, 20877);
    assert.equal(s.matched, 20877);
    assert.equal(s.unmatched, 0);
    assert.equal(s.pairs, 20877);
    assert.deepEqual(s.splits, { train: 10700, ood: 10177 });
    assert.equal(s.split, "all");
    const byPair = new Map(s.result.predictions.map((p) => [`${p.question}::${p.subgroup}`, p]));
    bench.pairs.forEach((p, i) => {
      const got = byPair.get(`${p.question}::${p.subgroup}`);
      assert.ok(got && got.code === codeOf(i, p.question) && got.split === p.split && got.templateId === "system-persona", `${p.question}::${p.subgroup}`);
    });
    // a run over both splits is the newest completed run for either split (what evaluate --model looks up)
    const { latestRun } = await import("../src/runner/results");
    assert.equal((await latestRun({ model: "all-pairs", split: "ood" }, results))?.runId, s.runId);
    assert.equal((await latestRun({ model: "all-pairs", split: "train" }, results))?.runId, s.runId);
  });

  test("the authors' shape round-trips for every pair, and the examples from their release match", () => {
    const m = new PairMatcher(bench);
    for (const p of bench.pairs) {
      const r = m.customId(paperCustomId(p.question, p.subgroup));
      assert.ok(!("reason" in r) && r.question === p.question && r.subgroup === p.subgroup, paperCustomId(p.question, p.subgroup));
    }
    const examples: Record<string, string> = {
      Q1_sex_Female: "sex:Female",
      "Q1_age_group_16-24-years": "age_group:16-24 years",
      "Q1_sex_x_ethnicity_Female_SG:-Chinese": "sex_x_ethnicity:Female|SG: Chinese",
      "Q1_ethnicity_SG:-South-Asian-Indian,-Pakistan,-etc.": "ethnicity:SG: South Asian Indian, Pakistan, etc.",
      "Q1_religion_Do-not-belong-to-a-denomination": "religion:Do not belong to a denomination",
      "Q1_sex_x_age_Female_16-24-years": "sex_x_age:Female|16-24 years",
    };
    for (const [id, sub] of Object.entries(examples)) {
      const r = m.customId(id);
      assert.ok(!("reason" in r), `${id}: ${"reason" in r ? r.reason : ""}`);
      assert.equal(r.subgroup, sub, id);
    }
  });

  test("leniently: age or age_group, either attribute order, spaces or hyphens, any case, svlab's ids", () => {
    const m = new PairMatcher(bench);
    const target = bench.subgroups.find((s) => s.stratum === "age_x_religion")!;
    const [age, rel] = [target.attributes.age_group, target.attributes.religion];
    const h = (s: string) => s.replace(/ /g, "-");
    for (const spelled of [
      `age_x_religion_${h(age)}_${h(rel)}`,
      `age_group_x_religion_${h(age)}_${h(rel)}`,
      `religion_x_age_${h(rel)}_${h(age)}`,
      `religion_x_age_group_${rel}_${age}`,
      `AGE_X_RELIGION_${age.toUpperCase()}_${rel}`,
      target.id,
      `religion_x_age:${rel}|${age}`,
    ]) {
      assert.equal(m.subgroup(spelled), target.id, spelled);
      const r = m.pair("q1", spelled);
      assert.ok(!("reason" in r), spelled);
    }
    assert.equal(m.subgroup("age_x_religion_200-years_Muslim"), null);
    assert.match((m.customId("hello") as { reason: string }).reason, /not shaped/);
    assert.match((m.customId("Q9999_sex_Female") as { reason: string }).reason, /unknown question/);
  });

  test("CSV: quoted fields with commas, doubled quotes and newlines", () => {
    const rows = parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\n3,\n');
    assert.deepEqual(rows, [
      { a: "x, y", b: 'say "hi"\nthere' },
      { a: "3", b: "" },
    ]);
  });
});

describe("importing files", () => {
  test("the authors' shape as JSONL through the CLI, then evaluate scores it (hand-checked accuracy)", () => {
    const ood = bench.pairs.filter((p) => p.split === "ood");
    const qs = new Map(bench.questions.map((q) => [q.id, q]));
    // the modal code for every 4th OOD pair, another valid code otherwise: accuracy = 1/4 exactly (rounded up)
    const lines: string[] = [];
    let right = 0;
    ood.forEach((p, i) => {
      const other = qs
        .get(p.question)!
        .scale.map((o) => o.code)
        .find((c) => c !== p.mode)!;
      const code = i % 4 === 0 ? p.mode : other;
      if (code === p.mode) right++;
      lines.push(JSON.stringify({ custom_id: paperCustomId(p.question, p.subgroup), response: `Answer: ${code}` }));
    });
    lines.push(JSON.stringify({ custom_id: "Q1_martian_Green", response: "Answer: 1" }));
    lines.push(JSON.stringify({ custom_id: "not-an-id", response: "Answer: 1" }));
    const file = join(dir, "tan2026.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const results = join(dir, "results-cli");
    const imp = svlab(["import", file, "--model", "tan-model", "--results", results, "--json"]);
    assert.equal(imp.code, 0, imp.out);
    const s = JSON.parse(imp.out);
    assert.equal(s.n, ood.length + 2);
    assert.equal(s.matched, ood.length);
    assert.equal(s.unmatched, 2);
    assert.equal(s.unmatchedRows.length, 2);
    assert.equal(s.unmatchedRows[0].row, ood.length + 1);
    assert.match(s.unmatchedRows[0].reason, /unknown subgroup/);
    assert.equal(s.split, "ood");
    assert.equal(s.parsed, ood.length);
    assert.ok(s.runId);

    const m = JSON.parse(readFileSync(join(results, s.runId, "run.json"), "utf8"));
    assert.equal(m.status, "completed");
    assert.equal(m.mode, "import");
    assert.equal(m.imported.sha256, createHash("sha256").update(readFileSync(file)).digest("hex"));
    assert.equal(m.imported.file, "tan2026.jsonl");
    assert.equal(m.counts.answered, ood.length);

    const ev = svlab(["evaluate", "--model", "tan-model", "--split", "ood", "--results", results, "--json", "--bootstrap", "0"]);
    assert.equal(ev.code, 0, ev.out);
    const e = JSON.parse(ev.out);
    assert.equal(e.n, ood.length);
    assert.equal(e.source.runId, s.runId);
    assert.ok(Math.abs(e.accuracy - right / ood.length) < 1e-12, `${e.accuracy} vs ${right / ood.length}`);
  });

  test("OpenAI Batch output: error lines and non-2xx lines are failed pairs; an answer beats a failure; usage summed", async () => {
    const ps = bench.pairs.filter((p) => p.split === "ood").slice(0, 6);
    const id = (i: number) => batchCustomId({ sample: 0, prompt: { question: ps[i].question, subgroup: ps[i].subgroup, templateId: "system-persona" } });
    const ok = (i: number, content: string) =>
      JSON.stringify({
        id: `r${i}`,
        custom_id: id(i),
        response: { status_code: 200, body: { choices: [{ message: { role: "assistant", content } }], usage: { prompt_tokens: 10, completion_tokens: 2 } } },
        error: null,
      });
    const lines = [
      ok(0, "Answer: 1"),
      JSON.stringify({ id: "r1", custom_id: id(1), response: null, error: { code: "server_error", message: "boom" } }),
      JSON.stringify({ id: "r2", custom_id: id(2), response: { status_code: 429, body: { error: { message: "slow down" } } }, error: null }),
      JSON.stringify({ id: "r3", custom_id: id(3), response: null, error: { code: "server_error", message: "first try" } }),
      ok(3, "Answer: 2"),
      ok(4, "I'm sorry, as an AI I cannot share opinions."),
      ok(5, "Answer: 99"),
      ok(5, "Answer: 1"), // a duplicate answer: the first wins
    ];
    const file = join(dir, "batch_output.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const s = await importOutputs({ file, model: "batch-model", results: join(dir, "results-batch"), benchmark: bench, format: "openai-batch" });
    assert.equal(s.n, 8);
    assert.equal(s.matched, 8);
    assert.equal(s.failed, 2);
    assert.equal(s.predictions, 4);
    assert.equal(s.duplicates, 2); // the failure of r3 replaced by its answer, and the second r5
    assert.equal(s.refused, 1);
    assert.equal(s.parsed, 2);
    assert.equal(s.unparsed, 1);
    const res = await readResults(s.dir!);
    assert.equal(res.errors.length, 2);
    assert.deepEqual(res.errors.map((e) => e.error).sort(), ["HTTP 429: slow down", "server_error: boom"]);
    assert.equal(res.manifest.counts.errors, 2);
    assert.deepEqual(res.manifest.usage, { inputTokens: 40, outputTokens: 8 });
    const p5 = res.predictions.find((p) => p.subgroup === ps[5].subgroup && p.question === ps[5].question)!;
    assert.equal(p5.code, null);
    assert.match(p5.reason!, /out of range: 99/);
    assert.equal(res.manifest.templateIds[0], "system-persona");
  });

  test("CSV with configured column names: question + the authors' subgroup spelling + answer codes (commas inside quotes)", async () => {
    const ps = bench.pairs.filter((p) => p.subgroup.includes("South Asian")).slice(0, 5);
    const rows = ["qid,who,ans,note"];
    for (const p of ps)
      rows.push(
        [p.question, csvField(paperCustomId(p.question, p.subgroup).replace(/^Q\d+[A-Z]?_/, "")), String(p.mode), csvField('a "note", with commas')].join(","),
      );
    const file = join(dir, "outputs.csv");
    writeFileSync(file, `${rows.join("\r\n")}\r\n`);
    const s = await importOutputs({
      file,
      model: "csv-model",
      results: join(dir, "results-csv"),
      benchmark: bench,
      columns: { question: "qid", subgroup: "who", code: "ans" },
      templateId: "tan2026",
    });
    assert.equal(s.fileKind, "csv");
    assert.equal(s.matched, 5);
    assert.equal(s.parsed, 5);
    const res = await readResults(s.dir!);
    for (const [i, p] of ps.entries()) {
      assert.equal(res.predictions[i].subgroup, p.subgroup);
      assert.equal(res.predictions[i].code, p.mode);
      assert.equal(res.predictions[i].templateId, "tan2026");
    }
    await assert.rejects(importOutputs({ file, model: "x", benchmark: bench, write: false, columns: { question: "nope" } }), /column "nope"/);
  });

  test("Parquet written by hyparquet-writer, with a tunedFrom; a re-import under the same run id of another file is refused", async () => {
    const { parquetWriteBuffer } = await import("hyparquet-writer");
    const ps = bench.pairs.filter((p) => p.split === "ood").slice(0, 50);
    const buf = parquetWriteBuffer({
      columnData: [
        { name: "custom_id", data: ps.map((p) => paperCustomId(p.question, p.subgroup)), type: "STRING" },
        { name: "response", data: ps.map((p) => `Answer: ${p.mode}`), type: "STRING" },
        { name: "latency", data: ps.map((_p, i) => BigInt(i)), type: "INT64" },
      ],
    });
    const file = join(dir, "outputs.parquet");
    writeFileSync(file, Buffer.from(buf));
    const results = join(dir, "results-parquet");
    const s = await importOutputs({ file, model: "tuned-model", tunedFrom: "base-model", runId: "pq1", results, benchmark: bench });
    assert.equal(s.fileKind, "parquet");
    assert.equal(s.matched, 50);
    assert.equal(s.parsed, 50);
    const res = await readResults(s.dir!);
    assert.equal(res.manifest.tunedFrom, "base-model");
    assert.equal(res.manifest.imported?.fileKind, "parquet");
    assert.ok(res.predictions.every((p, i) => p.code === ps[i].mode));
    // the same file again under the same id: the same run, rewritten; another file: refused
    await importOutputs({ file, model: "tuned-model", tunedFrom: "base-model", runId: "pq1", results, benchmark: bench });
    const other = join(dir, "other.jsonl");
    writeFileSync(other, `${JSON.stringify({ custom_id: paperCustomId(ps[0].question, ps[0].subgroup), response: "Answer: 1" })}\n`);
    await assert.rejects(importOutputs({ file: other, model: "tuned-model", runId: "pq1", results, benchmark: bench }), /already holds/);
  });

  test("nested JSON fields by dotted path (an lm-eval-like dump); gzip Parquet pages; a codec this Node lacks is named", async () => {
    const ps = bench.pairs.filter((p) => p.split === "ood").slice(0, 3);
    const file = join(dir, "samples.jsonl");
    writeFileSync(file, ps.map((p) => JSON.stringify({ doc: { q: p.question, who: p.subgroup }, resps: [[`Answer: ${p.mode}`]] })).join("\n") + "\n");
    const s = await importOutputs({
      file,
      model: "lm-eval",
      benchmark: bench,
      write: false,
      columns: { question: "doc.q", subgroup: "doc.who", response: "resps.0.0" },
    });
    assert.equal(s.matched, 3);
    assert.ok(s.result.predictions.every((p, i) => p.code === ps[i].mode));

    const zlib = await import("node:zlib");
    const { parquetWriteBuffer } = await import("hyparquet-writer");
    const columnData = [
      { name: "custom_id", data: ps.map((p) => paperCustomId(p.question, p.subgroup)), type: "STRING" as const },
      { name: "response", data: ps.map((p) => `Answer: ${p.mode}`), type: "STRING" as const },
    ];
    const gz = join(dir, "gzip.parquet");
    writeFileSync(
      gz,
      Buffer.from(parquetWriteBuffer({ columnData, codec: "GZIP", compressors: { GZIP: (b: Uint8Array) => new Uint8Array(zlib.gzipSync(b)) } })),
    );
    const g = await importOutputs({ file: gz, model: "gz", benchmark: bench, write: false });
    assert.equal(g.parsed, 3);
    if (typeof (zlib as Record<string, unknown>).zstdDecompressSync !== "function") {
      const zs = join(dir, "zstd.parquet");
      writeFileSync(zs, Buffer.from(parquetWriteBuffer({ columnData, codec: "ZSTD", compressors: { ZSTD: (b: Uint8Array) => b } })));
      await assert.rejects(
        importOutputs({ file: zs, model: "zs", benchmark: bench, write: false }),
        /ZSTD-compressed, which this Node cannot decompress; rewrite it with snappy/,
      );
    }
  });

  test("nothing matched: a failed run, not an error; rows without a pair column are refused clearly", async () => {
    const file = join(dir, "nothing.jsonl");
    writeFileSync(file, `${JSON.stringify({ custom_id: "Q1_nobody_x", response: "Answer: 1" })}\n`);
    const s = await importOutputs({ file, model: "none", results: join(dir, "results-none"), benchmark: bench });
    assert.equal(s.unmatched, 1);
    assert.equal((await readResults(s.dir!)).manifest.status, "failed");
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, `${JSON.stringify({ foo: 1, response: "Answer: 1" })}\n`);
    await assert.rejects(importOutputs({ file: bad, model: "none", benchmark: bench, write: false }), /no custom_id column/);
  });
});
