import assert from "node:assert/strict";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { aggregatesPath, readAggregates, serialiseAggregates } from "../src/benchmark/aggregates";
import { buildBenchmark } from "../src/benchmark/build";
import { getSubgroup, loadBenchmark } from "../src/benchmark/load";
import { modalAnswer } from "../src/benchmark/modal";
import { fromPaperCustomId, paperCustomId } from "../src/benchmark/subgroup-id";
import { summarizeBenchmark } from "../src/benchmark/summary";
import { loadRespondents } from "../src/wvs/respondents";
import { needsAllFormats, needsMicrodata, REAL, realFile } from "./support/real-data";
import { smallSyntheticText, writeText } from "./support/synthetic-wvs";

const PAPER = { questions: 214, subgroups: { train: 50, ood: 48 }, pairs: { train: 10700, ood: 10177 } };

test("shipped aggregates give the paper's benchmark: 214 questions, 50+48 subgroups, 10,700+10,177 pairs", async () => {
  const s = summarizeBenchmark(await loadBenchmark());
  assert.deepEqual({ questions: s.questions, subgroups: s.subgroups, pairs: s.pairs }, PAPER);
  assert.equal(s.ties, 365);
  assert.deepEqual(Object.fromEntries(Object.entries(s.strata).map(([k, v]) => [k, v.subgroups])), {
    sex: 2,
    age_group: 6,
    ethnicity: 3,
    religion: 7,
    sex_x_age: 12,
    sex_x_ethnicity: 6,
    sex_x_religion: 14,
    age_x_religion: 27,
    age_x_ethnicity: 13,
    ethnicity_x_religion: 8,
  });
});

test("the real file rebuilds the benchmark exactly and the aggregates bit-for-bit", { skip: needsMicrodata }, async () => {
  const b = buildBenchmark(await loadRespondents(realFile!));
  const s = summarizeBenchmark(b);
  assert.deepEqual({ questions: s.questions, subgroups: s.subgroups, pairs: s.pairs }, PAPER);
  assert.equal(serialiseAggregates(b), readFileSync(aggregatesPath("tan2026"), "utf8"));
  const shipped = readAggregates("tan2026");
  assert.deepEqual(shipped.pairs, b.pairs);
});

test("all three real formats build the same benchmark", { skip: needsAllFormats }, async () => {
  const a = buildBenchmark(await loadRespondents(REAL.singleCountry));
  const b = buildBenchmark(await loadRespondents(REAL.excelExport));
  const shipped = readAggregates("tan2026");
  assert.deepEqual(a.pairs, shipped.pairs);
  assert.deepEqual(b.pairs, shipped.pairs);
});

test("labels: known modes, counts and subgroup sizes", async () => {
  const b = await loadBenchmark();
  const pair = (q: string, s: string) => b.pairs.find((p) => p.question === q && p.subgroup === s)!;
  const muslim65 = getSubgroup(b, "age_x_religion:65 and over|Muslim");
  assert.equal(muslim65.size, 36);
  assert.equal(muslim65.split, "ood");
  assert.deepEqual(muslim65.attributes, { age_group: "65 and over", religion: "Muslim" });
  const p = pair("Q1", "sex:Female");
  assert.equal(p.mode, 1);
  assert.equal(
    p.n,
    Object.values(p.counts).reduce((x, y) => x + y, 0),
  );
  // The OOD split drops 95 (question, subgroup) pairs with fewer than 30 valid answers.
  assert.equal(48 * 214 - b.pairs.filter((x) => x.split === "ood").length, 95);
  assert.ok(b.pairs.every((x) => x.n >= 30));
  assert.throws(() => getSubgroup(b, "age_x_religion:16-24 years|Hindu"), /unknown or empty subgroup .*fewer than 30 respondents/);
});

test("tie policy: lowest by default, highest on request, ties kept beside the label", async () => {
  assert.deepEqual(modalAnswer({ "1": 5, "2": 7, "3": 7 }), { mode: 2, modes: [2, 3] });
  assert.deepEqual(modalAnswer({ "1": 5, "2": 7, "3": 7 }, "highest"), { mode: 3, modes: [2, 3] });
  assert.deepEqual(modalAnswer({ "10": 3, "2": 1 }), { mode: 10, modes: [10] });
  assert.throws(() => modalAnswer({}), /no answers/);
  const low = await loadBenchmark();
  const high = await loadBenchmark({ tiePolicy: "highest" });
  const changed = low.pairs.filter((p, i) => p.mode !== high.pairs[i].mode).length;
  assert.equal(changed, 365);
});

test("paper custom_ids round-trip", async () => {
  assert.equal(paperCustomId("Q1", "sex_x_age:Female|16-24 years"), "Q1_sex_x_age_Female_16-24-years");
  assert.equal(paperCustomId("Q1", "ethnicity:SG: South Asian Indian, Pakistan, etc."), "Q1_ethnicity_SG:-South-Asian-Indian,-Pakistan,-etc.");
  const b = await loadBenchmark();
  const ids = b.subgroups.map((s) => s.id);
  assert.deepEqual(fromPaperCustomId("Q234A_religion_Do-not-belong-to-a-denomination", ids), {
    question: "Q234A",
    subgroup: "religion:Do not belong to a denomination",
  });
  assert.equal(fromPaperCustomId("Q1_sex_Other", ids), null);
});

test("bad input: a file too small for any subgroup", async () => {
  const dir = mkdtempSync(join(tmpdir(), "svlab-bench-"));
  const f = writeText(join(dir, "tiny.csv"), smallSyntheticText(20));
  await assert.rejects(loadBenchmark({ wvs: f }), /tiny\.csv: no subgroup has 30\+ respondents \(20 respondents read\)/);
});

test("bad input: weighted labels need the microdata, and say where to point", async () => {
  const saved = process.env.WVS_CSV;
  process.env.WVS_CSV = "/nonexistent/wvs.csv";
  try {
    await assert.rejects(loadBenchmark({ weighted: true }), /wvs\.csv: file not found \(\/nonexistent\/wvs\.csv\)\. Set WVS_CSV or pass --wvs/);
  } finally {
    if (saved === undefined) delete process.env.WVS_CSV;
    else process.env.WVS_CSV = saved;
  }
});

test("weighted labels from the microdata differ from unweighted on some pairs", { skip: needsMicrodata }, async () => {
  const w = await loadBenchmark({ wvs: realFile!, weighted: true });
  const u = await loadBenchmark();
  assert.equal(w.pairs.length, u.pairs.length);
  const changed = w.pairs.filter((p, i) => p.mode !== u.pairs[i].mode).length;
  assert.ok(changed > 0 && changed < 2000, `weighted labels changed ${changed} pairs`);
});

test("a custom preset: education × ethnicity personas from the microdata", { skip: needsMicrodata }, async () => {
  const { definePreset } = await import("../src/benchmark/presets");
  definePreset({
    name: "education-test",
    strata: [
      { key: "education", attributes: ["education"], split: "train" },
      { key: "education_x_ethnicity", attributes: ["education", "ethnicity"], split: "ood" },
    ],
    questions: ["Q1", "Q57", "Q182"],
  });
  const b = buildBenchmark(await loadRespondents(realFile!), { preset: "education-test" });
  assert.deepEqual(
    b.subgroups.filter((s) => s.split === "train").map((s) => [s.id, s.size]),
    [
      ["education:Lower", 373],
      ["education:Middle", 613],
      ["education:Higher", 1022],
    ],
  );
  assert.equal(b.questions.length, 3);
  assert.ok(b.subgroups.some((s) => s.id === "education_x_ethnicity:Higher|SG: Chinese"));
});
