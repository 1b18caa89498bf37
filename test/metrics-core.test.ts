/** Hand-computed checks of the per-item metrics, scoring policies, averages and skill. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pair } from "../src/benchmark/types";
import type { Prediction } from "../src/runner/types";
import type { Question } from "../src/wvs/types";
import {
  expectedError,
  itemError,
  jsDivergence,
  macro,
  micro,
  scaleOf,
  scorePair,
  scorePredictions,
  skill,
  summarise,
  w1Normalised,
} from "../src/metrics/index";

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `expected ${b}, got ${a}`);

function q(id: string, codes: number[], offScale: number[] = []): Question {
  return {
    id,
    label: id,
    text: id,
    category: "Test",
    ordinal: true,
    scale: codes.map((c) => ({ code: c, label: `opt ${c}` })),
    offScale: offScale.map((c) => ({ code: c, label: `off ${c}` })),
    missing: [{ code: -1, label: "Don't know" }],
  };
}

const Q4 = scaleOf(q("Q4", [1, 2, 3, 4]));
const Q56 = scaleOf(q("Q56", [1, 3, 2])); // ordinal order differs from code order
const Q2 = scaleOf(q("Q2", [1, 2]));
const Q10 = scaleOf(q("Q10", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
const Q254 = scaleOf(q("Q254", [1, 2, 3, 4], [5]));

test("itemError: distance on the ordinal scale / (K − 1)", () => {
  close(itemError(Q4, 1, 4), 1);
  close(itemError(Q4, 2, 4), 2 / 3);
  close(itemError(Q4, 3, 3), 0);
  close(itemError(Q4, null, 3), 1);
  // Q56 lists 1, 3, 2: code 2 is the far end.
  close(itemError(Q56, 2, 1), 1);
  close(itemError(Q56, 3, 1), 0.5);
  close(itemError(Q2, 1, 2), 1);
  close(itemError(Q2, 2, 2), 0);
  close(itemError(Q10, 3, 7), 4 / 9);
  close(itemError(Q10, 10, 1), 1);
  // Off-scale codes: 0 when equal, else 1.
  close(itemError(Q254, 5, 4), 1);
  close(itemError(Q254, 5, 5), 0);
  close(itemError(Q254, 1, 5), 1);
  // A code that is no option at all has no position either.
  close(itemError(Q4, 9, 4), 1);
});

test("W1 normalised by span, off-scale mass dropped", () => {
  close(w1Normalised(Q4, { "1": 1 }, { "4": 1 }), 1);
  close(w1Normalised(Q4, { "1": 0.5, "2": 0.5 }, { "2": 10 }), 1 / 6);
  close(w1Normalised(Q4, { "1": 0.5, "2": 0.5 }, { "2": 5, "5": 5 }), 1 / 6);
  close(w1Normalised(Q4, { "3": 2 }, { "3": 7 }), 0);
  close(w1Normalised(Q10, { "1": 1 }, { "2": 1 }), 1 / 9);
  // Ordinal order, not code order: on Q56, 1 → 2 is the whole span.
  close(w1Normalised(Q56, { "1": 1 }, { "2": 1 }), 1);
  assert.ok(Number.isNaN(w1Normalised(Q4, {}, { "1": 1 })));
});

test("JSD base 2, no square root", () => {
  close(jsDivergence(Q4, { "1": 1 }, { "2": 1 }), 1);
  close(jsDivergence(Q4, { "1": 0.5, "2": 0.5 }, { "1": 3 }), 1.5 - 0.75 * Math.log2(3));
  close(jsDivergence(Q4, { "1": 0.25, "4": 0.75 }, { "1": 1, "4": 3 }), 0);
  // Off-scale codes take part (JSD is nominal).
  close(jsDivergence(Q254, { "5": 1 }, { "1": 1 }), 1);
});

test("expected error under a distribution", () => {
  close(expectedError(Q4, { "1": 0.5, "4": 0.5 }, 2), 0.5);
  close(expectedError(Q2, { "1": 0.25, "2": 0.75 }, 1), 0.75);
  close(expectedError(Q254, { "5": 0.5, "4": 0.5 }, 4), 0.5);
  // Several targets: E[min_t err], not min_t E[err]. Tied modes {1, 4}, P = ½/½ → every draw hits one.
  close(expectedError(Q4, { "1": 0.5, "4": 0.5 }, [1, 4]), 0);
  close(expectedError(Q4, { "2": 0.5, "3": 0.5 }, [1, 4]), 1 / 3);
});

test("ties: any — expected NMAE scores each sampled code against its nearest tied mode", () => {
  const p = pair("Q4", A, 1, { "1": 5, "3": 5 }, [1, 3]);
  const r = scorePair(p, Q4, [pred("Q4", A, 1, { distribution: { "1": 0.5, "3": 0.5 } })], "any");
  assert.equal(r.expectedError, 0); // was min(E[err→1], E[err→3]) = 1/3
  const lab = scorePair(p, Q4, [pred("Q4", A, 1, { distribution: { "1": 0.5, "3": 0.5 } })], "label");
  close(lab.expectedError!, 1 / 3);
});

function pair(question: string, subgroup: string, mode: number, counts: Record<string, number>, modes = [mode]): Pair {
  const n = Object.values(counts).reduce((a, b) => a + b, 0);
  return { question, subgroup, split: "ood", counts, n, mode, modes };
}
function pred(question: string, subgroup: string, code: number | null, extra: Partial<Prediction> = {}): Prediction {
  return { model: "m", templateId: "t", question, subgroup, split: "ood", sample: 0, code, refused: false, ...extra };
}

const questions = [q("Q4", [1, 2, 3, 4]), q("Q2", [1, 2]), q("Q10", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])];
const A = "age_x_religion:16-24 years|Muslim";
const B = "age_x_religion:65 and over|Buddhist";
const pairs: Pair[] = [
  pair("Q4", A, 2, { "2": 5, "3": 5, "1": 1 }, [2, 3]), // tie 2/3, label 2
  pair("Q2", A, 1, { "1": 6, "2": 4 }),
  pair("Q10", A, 7, { "7": 9, "1": 1 }),
  pair("Q4", B, 4, { "4": 8 }),
  pair("Q2", B, 2, { "2": 8 }),
  pair("Q10", B, 1, { "1": 8 }),
];
const bench = { pairs, questions };

test("scorePredictions: accuracy, NMAE, refusals, ties and macro vs micro (hand-computed)", () => {
  const preds = [
    pred("Q4", A, 3), // tied mode but not the label: wrong, error 1/3
    pred("Q2", A, 1), // right
    pred("Q10", A, 3), // wrong, error 4/9
    pred("Q4", B, null, { refused: true, reason: "refusal" }), // refused → error 1
    pred("Q2", B, 2), // right
    pred("Q10", B, null, { reason: "no code found" }), // unparseable → error 1
  ];
  const { scores, coverage } = scorePredictions(bench, preds);
  assert.equal(coverage.scored, 6);
  assert.equal(coverage.missing, 0);
  const s = summarise(scores);
  assert.equal(s.n, 6);
  close(s.accuracy, 2 / 6);
  close(s.nmae, (1 / 3 + 0 + 4 / 9 + 1 + 0 + 1) / 6);
  close(s.parsed, 4 / 6);
  close(s.refused, 1 / 6);
  assert.equal(s.unparsedPairs, 2);
  assert.equal(s.refusedPairs, 1);
  close(s.macro.accuracy, (1 / 3 + 1 / 3) / 2);
  assert.equal(s.distribution, undefined);

  // Tie policy "any": code 3 is a tied mode → right, error 0.
  const any = summarise(scorePredictions(bench, preds, { ties: "any" }).scores);
  close(any.accuracy, 3 / 6);
  close(any.nmae, (0 + 0 + 4 / 9 + 1 + 0 + 1) / 6);
});

test("all right, all wrong; micro vs macro on unequal groups", () => {
  const right = pairs.map((p) => pred(p.question, p.subgroup, p.mode));
  const r = summarise(scorePredictions(bench, right).scores);
  assert.equal(r.accuracy, 1);
  assert.equal(r.nmae, 0);
  // The farthest option each time: NMAE 1.
  const far: Record<string, number> = { "Q4:2": 4, "Q2:1": 2, "Q10:7": 1, "Q4:4": 1, "Q2:2": 1, "Q10:1": 10 };
  const wrong = pairs.map((p) => pred(p.question, p.subgroup, far[`${p.question}:${p.mode}`]));
  const w = summarise(scorePredictions(bench, wrong).scores);
  assert.equal(w.accuracy, 0);
  close(w.nmae, (2 / 3 + 1 + 6 / 9 + 1 + 1 + 1) / 6);
  // Group A all 3 right, group B only 1 of its 3 pairs predicted (and wrong).
  const partial = [...right.slice(0, 3), pred("Q4", B, 1)];
  const res = scorePredictions(bench, partial);
  assert.equal(res.coverage.missing, 2);
  close(micro(res.scores, "accuracy"), 3 / 4);
  close(macro(res.scores, "accuracy"), (1 + 0) / 2);
});

test("invalid codes, unknown pairs, samples and distributions", () => {
  const preds = [
    pred("Q2", A, 7), // parsed but not an option: wrong, error 1, invalid
    pred("Q9", A, 1), // not a benchmark pair
    pred("Q4", B, 4, { sample: 0 }),
    pred("Q4", B, 1, { sample: 1 }), // 2 samples: 1 right, 1 wrong
    pred("Q10", B, 1, { distribution: { "1": 0.5, "10": 0.5 }, validMass: 0.9 }),
  ];
  const { scores, coverage } = scorePredictions(bench, preds);
  assert.equal(coverage.unknown, 1);
  assert.equal(coverage.scored, 3);
  const q2 = scores.find((s) => s.question === "Q2")!;
  assert.deepEqual([q2.correct, q2.error, q2.parsed, q2.invalid], [0, 1, 1, 1]);
  const q4 = scores.find((s) => s.question === "Q4")!;
  assert.deepEqual([q4.samples, q4.correct, q4.error], [2, 0.5, 0.5]);
  const q10 = scores.find((s) => s.question === "Q10")!;
  close(q10.w1!, 0.5); // half the mass 9 steps away / 9
  // P = {1: .5, 10: .5} vs Q = {1: 1}: same JSD as the 2-point hand case.
  close(q10.jsd!, 1.5 - 0.75 * Math.log2(3));
  close(q10.jsDistance!, Math.sqrt(1.5 - 0.75 * Math.log2(3)));
  close(q10.expectedError!, 0.5);
  close(q10.validMass!, 0.9);
  const s = summarise(scores);
  assert.equal(s.distribution!.n, 1);
  close(s.distribution!.w1, 0.5);
});

test("skill vs a baseline", () => {
  close(skill(0.6, 0.5, "accuracy"), 0.2);
  close(skill(0.2, 0.25, "nmae"), 0.2);
  close(skill(0.5, 0.5, "accuracy"), 0);
  close(skill(0.3, 0.25, "nmae"), -0.2);
  assert.ok(Number.isNaN(skill(1, 1, "accuracy")));
});
