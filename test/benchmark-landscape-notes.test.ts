/**
 * The landscape's worked example, strata-choice table and notes, and the W1 contrast
 * (src/benchmark/landscape-notes.ts), on the shipped aggregates: exact numbers.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readAggregates } from "../src/benchmark/aggregates";
import { computeLandscape } from "../src/benchmark/landscape";
import {
  categoryChoiceNotes,
  categoryChoiceTable,
  contrastNote,
  contrastQuestions,
  mdsSteps,
  modalAnswers,
  singleAttributeStrata,
} from "../src/benchmark/landscape-notes";

const bench = readAggregates("tan2026");
const all = computeLandscape(bench);
const choices = { "all strata": all, "train strata": computeLandscape(bench, { strata: "train" }), "OOD strata": computeLandscape(bench, { strata: "ood" }) };
const paper = { "Religious Values": 0.318, "Social Capital & Trust": 0.084 };

test("modalAnswers: Q6's label for each religion subgroup", () => {
  assert.deepEqual(modalAnswers(bench, "Q6", "religion"), [
    { subgroup: "Do not belong to a denomination", answers: 468, "modal answer": "3 Not very important" },
    { subgroup: "Roman Catholic", answers: 126, "modal answer": "1 Very important" },
    { subgroup: "Protestant", answers: 347, "modal answer": "1 Very important" },
    { subgroup: "Muslim", answers: 275, "modal answer": "1 Very important" },
    { subgroup: "Hindu", answers: 111, "modal answer": "1 Very important" },
    { subgroup: "Buddhist", answers: 524, "modal answer": "2 Rather important" },
    { subgroup: "Other", answers: 152, "modal answer": "2 Rather important" },
  ]);
  assert.throws(() => modalAnswers(bench, "Q6", "education"), /no stratum "education"/);
});

test("mdsSteps: Q6 within religion — modes 4/2/1 of 7 subgroups, 4 choices", () => {
  const H = -[4, 2, 1].reduce((a, k) => a + (k / 7) * Math.log2(k / 7), 0);
  const steps = mdsSteps(bench, "Q6", "religion");
  assert.deepEqual(
    steps.map((s) => s.step),
    [
      "subgroups |S|",
      "answer choices |C|",
      "subgroups per modal answer",
      "entropy of the modes (bits)",
      "log2 min(|S|, |C|) = log2 4",
      "MDS = entropy / log2 min(|S|, |C|)",
    ],
  );
  assert.equal(steps[0].value, 7);
  assert.equal(steps[1].value, 4);
  assert.equal(steps[2].value, "1 Very important: 4; 2 Rather important: 2; 3 Not very important: 1");
  assert.ok(Math.abs((steps[3].value as number) - H) < 1e-12);
  assert.equal(steps[4].value, 2);
  assert.ok(Math.abs((steps[5].value as number) - H / 2) < 1e-12);
  assert.equal((steps[5].value as number).toFixed(4), "0.6894");
});

test("categoryChoiceTable: categories most divisive first, one column per strata choice, the paper where it reports", () => {
  const rows = categoryChoiceTable(choices, paper);
  assert.equal(rows.length, 12);
  const fmt = (r: Record<string, string | number>) => Object.values(r).map((v) => (typeof v === "number" ? v.toFixed(4) : v));
  assert.deepEqual(fmt(rows[0]), ["Religious Values", "0.3177", "0.2550", "0.4641", "0.3180"]);
  assert.deepEqual(fmt(rows[10]), ["Social Capital & Trust", "0.1112", "0.0828", "0.1774", "0.0840"]);
  assert.deepEqual(fmt(rows[11]), ["Ethical Values & Norms", "0.1090", "0.0943", "0.1434", ""]);
});

test("categoryChoiceNotes: extremes per choice, which paper numbers each reproduces, OOD vs train", () => {
  assert.deepEqual(categoryChoiceNotes(choices, paper, { compare: ["OOD strata", "train strata"] }), [
    "**all strata**: most divisive Religious Values (0.318), most consensual Ethical Values & Norms (0.109); within 0.005 of the paper for Religious Values (0.318).",
    "**train strata**: most divisive Science & Technology (0.283), most consensual Social Capital & Trust (0.083); within 0.005 of the paper for Social Capital & Trust (0.084).",
    "**OOD strata**: most divisive Religious Values (0.464), most consensual Ethical Values & Norms (0.143); within 0.005 of the paper for no category.",
    "**OOD strata** score higher than **train strata** in 12 of 12 categories.",
  ]);
});

test("contrastQuestions: among the ten most divisive by MDS, Q241 has the closest distributions and Q15 the farthest", () => {
  const c = contrastQuestions(all, 10);
  assert.equal(c.closest.question, "Q241");
  assert.equal(c.farthest.question, "Q15");
  assert.deepEqual(c.w1Rank, { closest: 174, farthest: 2, of: 214 });
  assert.equal(
    contrastNote(c),
    "Among the 10 most divisive questions by MDS, the subgroups' answer distributions are closest for Q241 (*Democracy: Governments tax the rich and subsidize the poor*: MDS 0.732, W1 / span 0.040, 174th largest W1 of 214) " +
      "and farthest apart for Q15 (*Important child qualities: Religious faith*: MDS 0.606, W1 / span 0.185, 2nd largest W1 of 214).",
  );
  assert.deepEqual(singleAttributeStrata(bench), ["sex", "age_group", "ethnicity", "religion"]);
});
