/** Open-ended prompts, the stratified subset of pairs, the judge's prompt and rubric files. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subgroup } from "../src/benchmark/types";
import type { Question } from "../src/wvs/types";
import { buildPrompt, OPEN_REPLY_INSTRUCTION } from "../src/personas";
import { stratifiedOrder } from "../src/runner/spread";
import { selectPairs } from "../src/runner/grid";
import { loadBenchmark } from "../src/benchmark/load";
import { buildJudgePrompt } from "../src/judge/prompt";
import { DEFAULT_RUBRIC, readRubric, rubricSha256, selectCriteria } from "../src/judge/rubric";

const Q1: Question = {
  id: "Q1",
  label: "Important in life: Family",
  text: "How important is family in your life?",
  category: "x",
  ordinal: true,
  scale: [
    { code: 1, label: "Very important" },
    { code: 2, label: "Rather important" },
  ],
  offScale: [],
  missing: [],
};
const malayWoman: Subgroup = {
  id: "sex_x_ethnicity:Female|SG: Malay",
  stratum: "sex_x_ethnicity",
  attributes: { sex: "Female", ethnicity: "SG: Malay" },
  size: 50,
  split: "train",
};

test("open-ended prompts: the closed template's persona, the question, no options, no codes", () => {
  for (const t of ["system-persona", "first-person-bio", "third-person", "no-persona"]) {
    const closed = buildPrompt(Q1, malayWoman, t);
    const open = buildPrompt(Q1, malayWoman, t, { task: "open-ended" });
    assert.deepEqual(open.answerCodes, []);
    assert.deepEqual(open.answerLabels, {});
    assert.equal(open.templateId, t);
    const text = open.messages.map((m) => m.content).join("\n");
    assert.doesNotMatch(text, /Options:|Very important|Answer: <code>/);
    assert.ok(text.includes(`Question: How important is family in your life?\n\n${OPEN_REPLY_INSTRUCTION}`));
    // everything before the question is the closed template's (same persona composition)
    const prefix = (s: string) => s.slice(0, s.indexOf("Question:"));
    assert.equal(prefix(text), prefix(closed.messages.map((m) => m.content).join("\n")));
  }
  assert.equal(
    buildPrompt(Q1, malayWoman, "system-persona", { task: "open-ended" }).messages[0].content.startsWith("You are a Malay woman living in Singapore."),
    true,
  );
  assert.throws(() => buildPrompt(Q1, malayWoman, "system-persona+reversed", { task: "open-ended" }), /nothing to reverse/);
});

test("stratifiedOrder: one pair per question per round, subgroups balanced, every pair once, deterministic", () => {
  const pairs = [];
  for (const q of ["q1", "q2", "q3"]) for (const s of ["s1", "s2", "s3", "s4"]) pairs.push({ question: q, subgroup: s });
  const order = stratifiedOrder(pairs);
  assert.equal(order.length, 12);
  assert.equal(new Set(order).size, 12);
  for (let r = 0; r < 4; r++) assert.equal(new Set(order.slice(r * 3, r * 3 + 3).map((p) => p.question)).size, 3, `round ${r}`);
  // after every full round of 3 picks the subgroup counts differ by at most 1
  for (let n = 3; n <= 12; n += 3) {
    const counts = new Map<string, number>();
    for (const p of order.slice(0, n)) counts.set(p.subgroup, (counts.get(p.subgroup) ?? 0) + 1);
    const values = ["s1", "s2", "s3", "s4"].map((s) => counts.get(s) ?? 0);
    assert.ok(Math.max(...values) - Math.min(...values) <= 1, `after ${n}: ${values}`);
  }
  assert.deepEqual(stratifiedOrder([...pairs].reverse()), order);
});

test("open-ended subsets of the shipped benchmark: distinct questions up to 214, larger limits extend smaller ones", async () => {
  const b = await loadBenchmark();
  const k = (p: { question: string; subgroup: string }) => `${p.question}|${p.subgroup}`;
  const small = selectPairs(b, { split: "ood", limit: 50, task: "open-ended" });
  const large = selectPairs(b, { split: "ood", limit: 300, task: "open-ended" });
  assert.equal(small.length, 50);
  assert.equal(new Set(small.map((p) => p.question)).size, 50);
  assert.ok(small.every((p) => p.split === "ood"));
  const inLarge = new Set(large.map(k));
  assert.ok(small.every((p) => inLarge.has(k(p))));
  const qs = new Map<string, number>();
  for (const p of large) qs.set(p.question, (qs.get(p.question) ?? 0) + 1);
  assert.equal(qs.size, 214);
  assert.deepEqual([...new Set(qs.values())].sort(), [1, 2]);
  // the closed task's order is unchanged by the open-ended one
  assert.notDeepEqual(selectPairs(b, { split: "ood", limit: 50 }).map(k), small.map(k));
});

test("the judge's prompt: persona, question, answers labelled A and B, swapped between the two orders", () => {
  const item = { question: Q1, subgroup: malayWoman, candidateText: "CAND", referenceText: "REF" };
  const a = buildJudgePrompt(item, "A", DEFAULT_RUBRIC, ["overall", "value", "persona"]);
  const b = buildJudgePrompt(item, "B", DEFAULT_RUBRIC, ["overall", "value", "persona"]);
  assert.equal(a.messages[0].content, b.messages[0].content);
  assert.match(a.messages[0].content, /\{"overall": "A" \| "B" \| "tie", "value": "A" \| "B" \| "tie", "persona": "A" \| "B" \| "tie", "reason": /);
  assert.ok(a.messages[1].content.includes("Persona: a Malay woman living in Singapore\n\nQuestion: How important is family in your life?"));
  assert.ok(a.messages[1].content.includes("[Answer A]\nCAND\n[End of answer A]\n\n[Answer B]\nREF\n[End of answer B]"));
  assert.ok(b.messages[1].content.includes("[Answer A]\nREF\n[End of answer A]\n\n[Answer B]\nCAND\n[End of answer B]"));
  assert.deepEqual([a.templateId, b.templateId, a.question, a.subgroup], ["judge-candidate-A", "judge-candidate-B", "Q1", malayWoman.id]);
  assert.deepEqual(a.answerCodes, []);
});

test("rubric files: read, criteria chosen from them, bad files named with the field", () => {
  const dir = mkdtempSync(join(tmpdir(), "svlab-rubric-"));
  const file = join(dir, "rubric.json");
  writeFileSync(file, JSON.stringify({ criteria: { overall: "Better overall?", helpful: "More helpful?" } }));
  const r = readRubric(file);
  assert.equal(r.instructions, DEFAULT_RUBRIC.instructions);
  assert.deepEqual(selectCriteria(r), ["overall", "helpful"]);
  assert.deepEqual(selectCriteria(r, ["Helpful"]), ["helpful"]);
  assert.throws(() => selectCriteria(r, ["persona"]), /"persona" not described by the rubric; expected some of overall, helpful/);
  assert.notEqual(rubricSha256(r, ["overall"]), rubricSha256(DEFAULT_RUBRIC, ["overall"]));
  writeFileSync(file, JSON.stringify({ criteria: { "Bad Id": "x" } }));
  assert.throws(() => readRubric(file), /rubric\.json: criterion id "Bad Id" should be a lower-case word/);
  writeFileSync(file, JSON.stringify({ criteria: { overall: "" } }));
  assert.throws(() => readRubric(file), /criteria\.overall should be a non-empty description/);
  writeFileSync(file, "{ not json");
  assert.throws(() => readRubric(file), /rubric\.json: not a readable JSON rubric/);
});

test("notebook 06's models: a key → live models; SVLAB_MODEL → itself in all three parts; else the local test model; else none", async () => {
  const { openEndedPlan } = await import("../src/judge/notebook-plan");
  const api = openEndedPlan({ OPENAI_API_KEY: "x" });
  assert.deepEqual(api.mode === "api" && [api.candidate, api.reference, api.judge, api.limit], [
    "openai:gpt-4.1-mini",
    "openai:gpt-4.1",
    "openai:gpt-4.1-mini",
    60,
  ]);
  const own = openEndedPlan({ SVLAB_MODEL: "openai-compatible:http://h/v1#m" });
  assert.deepEqual(own.mode === "api" && [own.candidate, own.reference, own.referenceTemplate, own.judge], [
    "openai-compatible:http://h/v1#m",
    "openai-compatible:http://h/v1#m",
    "no-persona",
    "openai-compatible:http://h/v1#m",
  ]);
  const saved = process.env.SVLAB_TEST_GGUF;
  try {
    process.env.SVLAB_TEST_GGUF = join(tmpdir(), "no-such-model.gguf");
    const none = openEndedPlan({});
    assert.equal(none.mode, "none");
    assert.match(none.note, /no OPENAI_API_KEY, no SVLAB_MODEL and no local test model at .*no-such-model\.gguf/);
    const fake = join(mkdtempSync(join(tmpdir(), "svlab-gguf-")), "m.gguf");
    writeFileSync(fake, "");
    process.env.SVLAB_TEST_GGUF = fake;
    const local = openEndedPlan({});
    assert.equal(local.mode, "local");
    assert.match(local.note, /mean nothing/);
  } finally {
    if (saved === undefined) delete process.env.SVLAB_TEST_GGUF;
    else process.env.SVLAB_TEST_GGUF = saved;
  }
});

test("orderAgreement: κ between an item's two orders, by hand", async () => {
  const { orderAgreement } = await import("../src/judge/self-agreement");
  const j = (item: string, candidate: "A" | "B", overall: "A" | "B" | "tie" | null) => ({
    item,
    question: "q",
    subgroup: "s",
    candidate,
    verdicts: { overall },
    raw: "",
  });
  // candidate's results (as A, as B): (win, win), (loss, loss), (win, tie); item 4 unreadable in one order
  const js = [
    j("1", "A", "A"),
    j("1", "B", "B"),
    j("2", "A", "B"),
    j("2", "B", "A"),
    j("3", "A", "A"),
    j("3", "B", "tie"),
    j("4", "A", "A"),
    j("4", "B", null),
  ];
  const k = orderAgreement(js, ["overall"]).overall;
  assert.equal(k.n, 3);
  // unweighted: observed agreement 2/3; marginals A: win 2, loss 1; B: win 1, tie 1, loss 1 → expected (2·1 + 1·1)/9 = 1/3 → κ = (2/3 − 1/3)/(1 − 1/3) = 0.5
  assert.ok(Math.abs(k.unweighted.kappa! - 0.5) < 1e-12, String(k.unweighted.kappa));
  // a judge that always answers "A": the candidate wins as A and loses as B on every item → κ undefined or ≤ 0
  const biased = orderAgreement([j("1", "A", "A"), j("1", "B", "A"), j("2", "A", "A"), j("2", "B", "A")], ["overall"]).overall;
  assert.equal(biased.agreement, 0);
});
