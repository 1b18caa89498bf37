/** MDS and ordinal W1 on hand-made cases whose values can be worked out on paper. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { answerShares, computeLandscape, entropyBits, meanPairwiseW1, modalDiversity, selectStrata, wasserstein1 } from "../src/benchmark/landscape";
import type { Benchmark, Pair, Split, Subgroup } from "../src/benchmark/types";
import type { Question } from "../src/wvs/types";

const close = (a: number | null, b: number, eps = 1e-12) => assert.ok(a !== null && Math.abs(a - b) < eps, `${a} ≠ ${b}`);

test("entropyBits: empty and single-value tables are 0; uniform over 2^k is k bits", () => {
  assert.equal(entropyBits([]), 0);
  assert.equal(entropyBits([7]), 0);
  assert.equal(entropyBits([0, 5, 0]), 0);
  assert.equal(entropyBits([3, 3]), 1);
  assert.equal(entropyBits([1, 1, 1, 1]), 2);
  close(entropyBits([2, 1, 1]), 1.5);
  close(entropyBits([1, 1, 1]), Math.log2(3));
});

test("modalDiversity: consensus 0, full split 1, normaliser min(|S|,|C|), degenerate cases 0", () => {
  assert.equal(modalDiversity([2, 2, 2, 2], 4), 0);
  assert.equal(modalDiversity([1, 2], 4), 1); // 2 subgroups: log2(min(2,4)) = 1
  assert.equal(modalDiversity([1, 1, 2, 2], 4), 0.5); // H = 1 bit over log2(4) = 2
  assert.equal(modalDiversity([1, 2, 3, 4], 4), 1);
  close(modalDiversity([1, 1, 2, 3], 10), 1.5 / 2); // |S| = 4 < |C| = 10 caps the normaliser at log2 4
  close(modalDiversity([1, 2, 3], 10), 1);
  // A 2-option scale: the normaliser is log2(2) = 1 however many subgroups there are.
  assert.equal(modalDiversity([1, 2, 1, 2, 1, 2], 2), 1);
  close(modalDiversity([1, 2, 2], 2), entropyBits([1, 2]));
  close(modalDiversity([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2], 2), entropyBits([5, 9]));
  // min(|S|, |C|) ≤ 1: nothing can diverge.
  assert.equal(modalDiversity([3], 4), 0);
  assert.equal(modalDiversity([], 4), 0);
  // A mode is a choice: |C| is at least the number of distinct modes, so MDS never exceeds 1
  // (an off-scale code as a third mode on a 2-option scale gave 1.585).
  assert.equal(modalDiversity([1, 2], 1), 1);
  close(modalDiversity([1, 2, 4], 2), 1);
  close(modalDiversity([1, 1, 2, 4], 2), 1.5 / Math.log2(3));
});

test("computeLandscape: an off-scale code that is a subgroup's mode counts as a choice", () => {
  const b = handMade();
  // Q2 has 2 on-scale options; make a third sex subgroup whose mode is off-scale code 9.
  b.subgroups.push({ id: "sex:Other", stratum: "sex", attributes: { sex: "Other" }, size: 40, split: "train" } as Subgroup);
  b.pairs.push({ question: "Q2", subgroup: "sex:Other", split: "train", counts: { "9": 30, "1": 10 }, n: 40, mode: 9, modes: [9] } as Pair);
  const cell = computeLandscape(b).cells.find((c) => c.question === "Q2" && c.stratum === "sex")!;
  assert.equal(cell.choices, 3);
  close(cell.mds, 1); // modes 1, 2, 9: H = log2 3 over log2 min(3, 3); was log2(3)/log2(2) = 1.585
});

test("wasserstein1 on ordered positions; meanPairwiseW1 normalised by the span", () => {
  assert.equal(wasserstein1([1, 0, 0], [0, 0, 1]), 2);
  assert.equal(wasserstein1([1, 0, 0], [1, 0, 0]), 0);
  assert.equal(wasserstein1([0.5, 0.5], [1, 0]), 0.5);
  assert.equal(wasserstein1([10, 10], [4, 0]), 0.5); // counts are normalised first
  close(wasserstein1([1, 2, 1], [0, 1, 3]), Math.abs(0.25 - 0) + Math.abs(0.75 - 0.25));
  assert.throws(() => wasserstein1([1, 0], [1, 0, 0]), /2 and 3 positions/);
  assert.throws(() => wasserstein1([0, 0], [1, 0]), /no mass/);
  // A=[1,0,0], B=[0,1,0], C=[0,0,1]: W1 = 1, 2, 1 → mean 4/3, span 2 → 2/3.
  close(
    meanPairwiseW1([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]),
    2 / 3,
  );
  assert.equal(meanPairwiseW1([[1, 0]]), null);
  assert.equal(meanPairwiseW1([[3], [5]]), 0);
  assert.equal(
    meanPairwiseW1([
      [1, 0],
      [0, 1],
    ]),
    1,
  );
});

// ---- a hand-made benchmark ---------------------------------------------------------------

function question(id: string, category: string, codes: number[], offScale: number[] = []): Question {
  return {
    id,
    label: `label ${id}`,
    text: `text ${id}`,
    category,
    scale: codes.map((c) => ({ code: c, label: `opt ${c}` })),
    offScale: offScale.map((c) => ({ code: c, label: `off ${c}` })),
    missing: [{ code: -1, label: "Don't know" }],
    ordinal: true,
  };
}

function subgroup(stratum: string, value: string, split: Split): Subgroup {
  return { id: `${stratum}:${value}`, stratum, attributes: { [stratum]: value }, size: 100, split };
}

function pair(q: string, sg: Subgroup, counts: Record<string, number>, mode?: number): Pair {
  const valid = Object.entries(counts).filter(([c]) => Number(c) >= 0);
  const max = Math.max(...valid.map(([, n]) => n));
  const modes = valid
    .filter(([, n]) => n === max)
    .map(([c]) => Number(c))
    .sort((a, b) => a - b);
  return { question: q, subgroup: sg.id, split: sg.split, counts, n: valid.reduce((a, [, n]) => a + n, 0), mode: mode ?? modes[0], modes };
}

const SEX = [subgroup("sex", "Female", "train"), subgroup("sex", "Male", "train")];
const AGE = [subgroup("age", "young", "train"), subgroup("age", "mid", "train"), subgroup("age", "old", "train"), subgroup("age", "older", "train")];
const OOD = [subgroup("mix", "a", "ood"), subgroup("mix", "b", "ood"), subgroup("mix", "c", "ood")];

function handMade(): Benchmark {
  const q1 = question("Q1", "Cat A", [1, 2, 3, 4]);
  const q2 = question("Q2", "Cat A", [1, 2]); // 2-option scale
  const q3 = question("Q3", "Cat B", [1, 2, 3], [5]); // with an off-scale code
  const pairs: Pair[] = [
    // Q1: sex agrees (both mode 1), age splits 2/2 between modes 1 and 4, mix has 3 different modes.
    pair("Q1", SEX[0], { 1: 30, 2: 10, 3: 0, 4: 0 }),
    pair("Q1", SEX[1], { 1: 20, 2: 20, 3: 0, 4: 0 }), // tie 1/2 → label 1 (lowest)
    pair("Q1", AGE[0], { 1: 40 }),
    pair("Q1", AGE[1], { 1: 40 }),
    pair("Q1", AGE[2], { 4: 40 }),
    pair("Q1", AGE[3], { 4: 40 }),
    pair("Q1", OOD[0], { 1: 40 }),
    pair("Q1", OOD[1], { 2: 40 }),
    pair("Q1", OOD[2], { 3: 40 }),
    // Q2: sex splits; only one age subgroup has a pair; no mix pairs.
    pair("Q2", SEX[0], { 1: 31, 2: 9 }),
    pair("Q2", SEX[1], { 1: 9, 2: 31 }),
    pair("Q2", AGE[0], { 1: 40 }),
    // Q3: sex agrees on 2; the off-scale answers (5) are ignored by W1.
    pair("Q3", SEX[0], { 2: 30, 5: 10 }),
    pair("Q3", SEX[1], { 2: 30, 3: 30, 5: 100 }, 2),
  ];
  return {
    options: { preset: "test", minSubgroupSize: 30, minValidAnswers: 30, weighted: false, tiePolicy: "lowest" },
    questions: [q1, q2, q3],
    subgroups: [...SEX, ...AGE, ...OOD],
    pairs,
    population: {},
    provenance: { source: "hand-made" },
  };
}

test("computeLandscape: exact cells, question means over strata, category means over questions", () => {
  const L = computeLandscape(handMade());
  const cell = (q: string, s: string) => L.cells.find((c) => c.question === q && c.stratum === s)!;
  // Q1
  assert.equal(cell("Q1", "sex").mds, 0);
  assert.deepEqual(cell("Q1", "sex").modes, { 1: 2 });
  close(cell("Q1", "sex").w1, (0.25 + 0 + 0) / 3); // F: (.75,1,1) vs (.5,1,1)
  assert.equal(cell("Q1", "age").mds, 0.5); // H = 1, log2 min(4, 4) = 2
  // age W1: pairs (1,1)=0, (4,4)=0, four cross pairs of 3 → 12/6 = 2, /span 3
  close(cell("Q1", "age").w1, 2 / 3);
  close(cell("Q1", "mix").mds, 1); // 3 distinct modes, log2 min(3, 4)
  close(cell("Q1", "mix").w1, 4 / 3 / 3);
  assert.equal(cell("Q1", "mix").split, "ood");
  // Q2 (2 options): sex 1 vs 2 → 1; age has one subgroup → MDS 0, W1 null.
  assert.equal(cell("Q2", "sex").mds, 1);
  close(cell("Q2", "sex").w1, Math.abs(31 / 40 - 9 / 40));
  assert.equal(cell("Q2", "age").subgroups, 1);
  assert.equal(cell("Q2", "age").mds, 0);
  assert.equal(cell("Q2", "age").w1, null);
  assert.equal(
    L.cells.some((c) => c.question === "Q2" && c.stratum === "mix"),
    false,
  );
  // Q3: on-scale shares (0,1,0) vs (0,.5,.5): W1 = 0.5 over span 2.
  assert.equal(cell("Q3", "sex").mds, 0);
  close(cell("Q3", "sex").w1, 0.25);

  const q = (id: string) => L.questions.find((x) => x.question === id)!;
  close(q("Q1").mds, (0 + 0.5 + 1) / 3);
  close(q("Q1").w1, (1 / 12 + 2 / 3 + 4 / 9) / 3);
  close(q("Q2").mds, 0.5); // mean over the 2 strata that have pairs
  close(q("Q2").w1, 22 / 40); // the null age cell is left out
  assert.equal(q("Q2").strata, 2);
  const cat = (c: string) => L.categories.find((x) => x.category === c)!;
  close(cat("Cat A").mds, (0.5 + 0.5) / 2);
  assert.equal(cat("Cat A").questions, 2);
  assert.equal(cat("Cat B").mds, 0);
  assert.deepEqual(
    L.categories.map((c) => c.category),
    ["Cat A", "Cat B"],
  );
  close(L.overall.mds, (0.5 + 0.5 + 0) / 3);
  assert.deepEqual(
    L.strata.map((s) => [s.stratum, s.questions]),
    [
      ["sex", 3],
      ["age", 2],
      ["mix", 1],
    ],
  );
});

test("computeLandscape: strata option (train-only, explicit list) and choices with off-scale options", () => {
  const b = handMade();
  assert.deepEqual(selectStrata(b), ["sex", "age", "mix"]);
  assert.deepEqual(selectStrata(b, "train"), ["sex", "age"]);
  assert.deepEqual(selectStrata(b, "ood"), ["mix"]);
  assert.throws(() => selectStrata(b, ["sex", "nope"]), /unknown strata nope/);
  const train = computeLandscape(b, { strata: "train" });
  assert.equal(
    train.cells.some((c) => c.stratum === "mix"),
    false,
  );
  close(train.questions.find((q) => q.question === "Q1")!.mds, 0.25);
  const onlySex = computeLandscape(b, { strata: ["sex"] });
  assert.deepEqual(
    onlySex.categories.map((c) => [c.category, c.mds]),
    [
      ["Cat A", 0.5],
      ["Cat B", 0],
    ],
  );
  const withOff = computeLandscape(b, { choices: "scale+offscale" });
  assert.equal(withOff.cells.find((c) => c.question === "Q3")!.choices, 4);
  assert.equal(computeLandscape(b).cells.find((c) => c.question === "Q3")!.choices, 3);
});

test("MDS uses the benchmark label on ties (lowest code), not every tied code", () => {
  const b = handMade();
  const tied = b.pairs.find((p) => p.question === "Q1" && p.subgroup === "sex:Male")!;
  assert.deepEqual(tied.modes, [1, 2]);
  assert.equal(computeLandscape(b).cells.find((c) => c.question === "Q1" && c.stratum === "sex")!.mds, 0);
  tied.mode = 2; // the "highest" tie policy would label it 2 → the two sexes now disagree
  assert.equal(computeLandscape(b).cells.find((c) => c.question === "Q1" && c.stratum === "sex")!.mds, 1); // H = 1 bit over log2 min(2, 4) = 1
});

test("answerShares: percent of on-scale answers per subgroup, in scale order; unknown question is a clear error", () => {
  const s = answerShares(handMade(), "Q3");
  assert.deepEqual(s.subgroups, ["sex:Female", "sex:Male"]);
  assert.deepEqual(s.codes, [1, 2, 3]);
  assert.deepEqual(s.shares, [
    [0, 100, 0],
    [0, 50, 50],
  ]);
  assert.deepEqual(s.modes, [2, 2]);
  assert.deepEqual(answerShares(handMade(), "Q1", ["mix"]).subgroups, ["mix:a", "mix:b", "mix:c"]);
  assert.throws(() => answerShares(handMade(), "Q999"), /unknown question "Q999"/);
});
