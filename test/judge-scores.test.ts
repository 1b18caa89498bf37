/** Win rates, intervals, position consistency, group disparity and base-vs-tuned of the pairwise judge. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { attributesFrom, compareScores, scoreJudgements } from "../src/judge/scores";
import type { CandidatePosition, Judgement, Verdict } from "../src/judge/types";
import { pairKey } from "../src/benchmark/types";

/** One judgement of item (question, subgroup) with the candidate at `candidate`. */
function j(question: string, subgroup: string, candidate: CandidatePosition, verdicts: Record<string, Verdict | null>): Judgement {
  return { item: pairKey(question, subgroup), question, subgroup, candidate, verdicts, raw: JSON.stringify(verdicts) };
}

/** Both orders of an item, the verdicts given as [candidate as A, candidate as B] per criterion. */
function both(question: string, subgroup: string, v: Record<string, [Verdict | null, Verdict | null]>): Judgement[] {
  const first = Object.fromEntries(Object.entries(v).map(([c, [x]]) => [c, x]));
  const second = Object.fromEntries(Object.entries(v).map(([c, [, y]]) => [c, y]));
  return [j(question, subgroup, "A", first), j(question, subgroup, "B", second)];
}

const QUESTIONS = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"];
const SUBGROUPS = ["sex:Female", "sex:Male"];

/** Every question × subgroup judged by `judge` (given the candidate's position, returns the verdict). */
function grid(judge: (pos: CandidatePosition, q: string, sg: string) => Verdict | null, criteria = ["overall", "value", "persona"]): Judgement[] {
  const out: Judgement[] = [];
  for (const q of QUESTIONS) {
    for (const sg of SUBGROUPS) {
      for (const pos of ["A", "B"] as const) out.push(j(q, sg, pos, Object.fromEntries(criteria.map((c) => [c, judge(pos, q, sg)]))));
    }
  }
  return out;
}

test("a judge that always prefers the candidate gives WR exactly 1.0, consistency 1, no ties", () => {
  const s = scoreJudgements(
    grid((pos) => pos),
    { bootstrap: 200 },
  );
  assert.deepEqual(Object.keys(s.criteria), ["overall", "value", "persona"]);
  for (const c of ["overall", "value", "persona"]) {
    const r = s.criteria[c];
    assert.equal(r.winRate, 1);
    assert.equal(r.n, 12);
    assert.equal(r.unparsed, 0);
    assert.equal(r.tieRate, 0);
    assert.equal(r.positionConsistency, 1);
    assert.equal(r.aRate, 0.5);
    assert.deepEqual(r.ci, [1, 1]);
    assert.equal(r.questions, 6);
  }
  assert.equal(s.judgements, 24);
});

test('a judge that always answers "A" gives WR exactly 0.5 (the swap cancels it) and consistency 0', () => {
  const s = scoreJudgements(
    grid(() => "A"),
    { bootstrap: 200 },
  );
  const r = s.criteria.overall;
  assert.equal(r.winRate, 0.5);
  assert.equal(r.positionConsistency, 0);
  assert.equal(r.aRate, 1);
  assert.equal(r.tieRate, 0);
  assert.deepEqual(r.itemScores, { "0.00": 0, "0.25": 0, "0.50": 12, "0.75": 0, "1.00": 0 });
  // Every item scores 0.5, so every resample does too.
  assert.deepEqual(r.ci, [0.5, 0.5]);
});

test("ties score 0.5 and count in the tie rate; two ties are position-consistent", () => {
  const r = scoreJudgements(
    grid(() => "tie"),
    { bootstrap: 0 },
  ).criteria.overall;
  assert.equal(r.winRate, 0.5);
  assert.equal(r.tieRate, 1);
  assert.equal(r.positionConsistency, 1);
  assert.equal(r.aRate, 0);
  assert.deepEqual(r.ci.map(Number.isNaN), [true, true]); // no bootstrap asked
});

test("position consistency, tie rate and WR on a constructed example", () => {
  // [candidate as A, candidate as B] → s1, s2 → item score; consistent when s1 = s2.
  //   Q1: A, B     → 1, 1     → 1     consistent (candidate wins both)
  //   Q2: B, A     → 0, 0     → 0     consistent (reference wins both)
  //   Q3: A, A     → 1, 0     → 0.5   not consistent (always "A")
  //   Q4: tie, B   → 0.5, 1   → 0.75  not consistent
  // WR = (1 + 0 + 0.5 + 0.75) / 4 = 0.5625; consistency 2/4; ties 1 of 8 verdicts; "A" 4 of 8.
  const js = [
    ...both("Q1", "sex:Female", { overall: ["A", "B"] }),
    ...both("Q2", "sex:Female", { overall: ["B", "A"] }),
    ...both("Q3", "sex:Female", { overall: ["A", "A"] }),
    ...both("Q4", "sex:Female", { overall: ["tie", "B"] }),
  ];
  const r = scoreJudgements(js, { bootstrap: 0 }).criteria.overall;
  assert.equal(r.winRate, 0.5625);
  assert.equal(r.positionConsistency, 0.5);
  assert.equal(r.tieRate, 0.125);
  assert.equal(r.aRate, 0.5);
  assert.deepEqual(r.itemScores, { "0.00": 1, "0.25": 0, "0.50": 1, "0.75": 1, "1.00": 1 });
});

test("unparsed verdicts leave the item out of WR and are counted, never scored as ties; one-order items are incomplete", () => {
  const js = [
    ...both("Q1", "sex:Female", { overall: ["A", "B"], persona: ["A", "B"] }), // win, win
    ...both("Q2", "sex:Female", { overall: ["B", null], persona: ["B", "A"] }), // overall unparsed in order 2
    ...both("Q3", "sex:Female", { overall: ["B", "A"], persona: [null, null] }), // persona unparsed in both orders
    j("Q4", "sex:Female", "A", { overall: "A", persona: "A" }), // only one order: incomplete
    { ...j("Q5", "sex:Female", "A", { overall: null, persona: null }), error: "HTTP 500" }, // failed call
    j("Q5", "sex:Female", "B", { overall: "B", persona: "B" }),
  ];
  const s = scoreJudgements(js, { bootstrap: 0 });
  // overall: scored Q1 (1) and Q3 (0) → 0.5; Q2 and Q5 unparsed; Q4 incomplete.
  assert.deepEqual(
    {
      winRate: s.criteria.overall.winRate,
      n: s.criteria.overall.n,
      unparsed: s.criteria.overall.unparsed,
      failed: s.criteria.overall.failed,
      incomplete: s.criteria.overall.incomplete,
    },
    { winRate: 0.5, n: 2, unparsed: 2, failed: 1, incomplete: 1 },
  );
  // persona: scored Q1 (1) and Q2 (0) → 0.5; Q3 and Q5 unparsed. Had the nulls been ties, WR would differ.
  assert.deepEqual(
    { winRate: s.criteria.persona.winRate, n: s.criteria.persona.n, unparsed: s.criteria.persona.unparsed, incomplete: s.criteria.persona.incomplete },
    { winRate: 0.5, n: 2, unparsed: 2, incomplete: 1 },
  );
  assert.equal(s.items.find((x) => x.question === "Q2")!.scores.overall, null);
  assert.equal(s.items.find((x) => x.question === "Q2")!.scores.persona, 0);
});

test("the same item judged twice in one order is an error naming the item", () => {
  const js = [...both("Q1", "sex:Female", { overall: ["A", "B"] }), j("Q1", "sex:Female", "A", { overall: "B" })];
  assert.throws(() => scoreJudgements(js), /item "Q1::sex:Female" is judged twice with the candidate as A/);
});

test("bootstrap over questions: deterministic for a seed, contains the estimate", () => {
  // Candidate wins Q1–Q3 and loses Q4–Q6 (both subgroups): WR 0.5 with real spread between questions.
  const js = grid((pos, q) => (["Q1", "Q2", "Q3"].includes(q) ? pos : pos === "A" ? "B" : "A"));
  const a = scoreJudgements(js, { bootstrap: 500, seed: 7 });
  const b = scoreJudgements(js, { bootstrap: 500, seed: 7 });
  const c = scoreJudgements(js, { bootstrap: 500, seed: 8 });
  assert.equal(a.criteria.overall.winRate, 0.5);
  assert.deepEqual(a.criteria.overall.ci, b.criteria.overall.ci);
  assert.deepEqual(a.bySubgroup, b.bySubgroup);
  const [lo, hi] = a.criteria.overall.ci;
  assert.ok(lo <= 0.5 && 0.5 <= hi, `[${lo}, ${hi}] contains 0.5`);
  // A resample's WR is k/6 for k won questions among the 6 drawn (k ~ Binomial(6, 1/2)): P(k = 0) =
  // P(k = 6) = 1/64 < 2.5%, so the 95% percentile interval is [1/6, 5/6] for any reasonable seed.
  assert.deepEqual([lo, hi], [1 / 6, 5 / 6]);
  assert.deepEqual(c.criteria.overall.ci, [1 / 6, 5 / 6]);
  assert.deepEqual(a.bootstrap, { draws: 500, seed: 7, level: 0.95, cluster: "question", method: a.bootstrap.method });
});

test("per subgroup and per attribute value: pooled win rates and the closed task's disparity numbers", () => {
  // Female wins everything (1.0); Male ties everything (0.5). A pair subgroup (Female, 18-29) wins
  // on Q1, Q2 only; attributes come from a caller-given function here.
  const attrs: Record<string, Record<string, string>> = {
    F: { sex: "Female" },
    M: { sex: "Male" },
    "F+young": { sex: "Female", age: "18-29" },
    "M+old": { sex: "Male", age: "65+" },
  };
  const js: Judgement[] = [];
  for (const q of ["Q1", "Q2", "Q3", "Q4"]) {
    js.push(...both(q, "F", { overall: ["A", "B"] }));
    js.push(...both(q, "M", { overall: ["tie", "tie"] }));
  }
  js.push(...both("Q1", "F+young", { overall: ["A", "B"] }), ...both("Q2", "F+young", { overall: ["A", "B"] }));
  js.push(...both("Q1", "M+old", { overall: ["B", "A"] }), ...both("Q2", "M+old", { overall: ["B", "A"] }));
  const s = scoreJudgements(js, { bootstrap: 300, seed: 3, subgroupAttributes: (sg) => attrs[sg] });
  // overall: 4 + 2 wins (1), 4 ties (0.5), 2 losses (0) over 12 items → 8/12
  assert.equal(s.criteria.overall.winRate, 8 / 12);
  assert.deepEqual(Object.fromEntries(Object.entries(s.bySubgroup.overall).map(([k, v]) => [k, [v.winRate, v.n]])), {
    F: [1, 4],
    "F+young": [1, 2],
    M: [0.5, 4],
    "M+old": [0, 2],
  });
  const sex = s.byAttribute.overall.sex;
  // Female pools F and F+young: 6 wins → 1. Male pools M and M+old: (4 × 0.5 + 2 × 0) / 6 = 1/3.
  assert.deepEqual([sex.values.Female.winRate, sex.values.Female.n], [1, 6]);
  assert.deepEqual([sex.values.Male.winRate, sex.values.Male.n], [1 / 3, 6]);
  // NormRange = (1 − 1/3)/1 = 2/3; mean 2/3, population σ = 1/3 → CV = 0.5.
  assert.equal(sex.disparity.normalisedRange, 1 - 1 / 3); // (max − min)/max with max = 1, computed as written
  assert.ok(Math.abs(sex.disparity.cv - 0.5) < 1e-15);
  assert.equal(sex.disparity.worstGroup, "Male");
  assert.equal(sex.disparity.groups, 2);
  const [lo, hi] = sex.disparity.intervals.normalisedRange;
  assert.ok(lo <= 1 - 1 / 3 && 1 - 1 / 3 <= hi && lo >= 0 && hi <= 1, `[${lo}, ${hi}]`);
  // age: 18-29 → 1 (2 items), 65+ → 0 (2 items): NormRange 1, CV 1.
  assert.deepEqual([s.byAttribute.overall.age.values["18-29"].winRate, s.byAttribute.overall.age.values["65+"].winRate], [1, 0]);
  assert.equal(s.byAttribute.overall.age.disparity.normalisedRange, 1);
  assert.equal(s.byAttribute.overall.age.disparity.cv, 1);
  // Four subgroups 1, 1, 0.5, 0: range (1 − 0)/1 = 1; mean 0.625, σ² = (0.140625·2 + 0.015625 + 0.390625)/4 = 0.171875.
  assert.equal(s.subgroupDisparity.overall.normalisedRange, 1);
  assert.ok(Math.abs(s.subgroupDisparity.overall.cv - Math.sqrt(0.171875) / 0.625) < 1e-12);
});

test("by default, attributes come from subgroup ids (stratum:value)", () => {
  const s = scoreJudgements(
    grid((pos, _q, sg) => (sg === "sex:Female" ? pos : "tie")),
    { bootstrap: 0 },
  );
  assert.deepEqual(Object.keys(s.byAttribute.overall), ["sex"]);
  assert.equal(s.byAttribute.overall.sex.values.Female.winRate, 1);
  assert.equal(s.byAttribute.overall.sex.values.Male.winRate, 0.5);
  assert.equal(s.byAttribute.overall.sex.disparity.normalisedRange, 0.5);
  // From a benchmark's subgroups instead: their attribute names win over the id's.
  const f = attributesFrom([{ id: "sex:Female", attributes: { gender: "F" } }]);
  assert.deepEqual([f("sex:Female"), f("sex:Male")], [{ gender: "F" }, { sex: "Male" }]);
  const t = scoreJudgements(
    grid((pos) => pos),
    { bootstrap: 0, subgroupAttributes: f },
  );
  assert.deepEqual(Object.keys(t.byAttribute.overall).sort(), ["gender", "sex"]);
});

test("base vs tuned: difference on the shared items with a paired bootstrap over questions", () => {
  // Base ties everything (0.5). Tuned wins Q1, Q2 and ties the rest: on 12 items, 4 wins and 8 ties → 8/12.
  const base = scoreJudgements(
    grid(() => "tie"),
    { bootstrap: 0 },
  );
  const tuned = scoreJudgements(
    grid((pos, q) => (q === "Q1" || q === "Q2" ? pos : "tie")),
    { bootstrap: 0 },
  );
  const cmp = compareScores(base, tuned, { bootstrap: 400, seed: 5 });
  const o = cmp.criteria.overall;
  assert.equal(o.base, 0.5);
  assert.equal(o.tuned, 8 / 12);
  assert.equal(o.difference, 8 / 12 - 0.5);
  assert.equal(o.items, 12);
  assert.deepEqual([o.onlyBase, o.onlyTuned], [0, 0]);
  const [lo, hi] = o.ci;
  assert.ok(lo <= o.difference && o.difference <= hi && lo >= 0, `[${lo}, ${hi}]`);
  assert.deepEqual(compareScores(base, tuned, { bootstrap: 400, seed: 5 }).criteria.overall.ci, o.ci);
  // Only shared items are compared: drop Q6 from tuned and the base side loses its Q6 items too.
  const tunedLess = scoreJudgements(
    grid((pos, q) => (q === "Q1" || q === "Q2" ? pos : "tie")).filter((x) => x.question !== "Q6"),
    { bootstrap: 0 },
  );
  const c2 = compareScores(base, tunedLess, { bootstrap: 0 }).criteria.overall;
  assert.deepEqual([c2.items, c2.onlyBase, c2.onlyTuned, c2.tuned], [10, 2, 0, 0.7]);
  // Several models: the mean of their differences (here 1/6 and 0).
  const many = compareScores([base, base], [tuned, base], { bootstrap: 0 }).criteria.overall;
  assert.ok(Math.abs(many.difference - (8 / 12 - 0.5) / 2) < 1e-15, String(many.difference));
  assert.equal(compareScores([base, base], [tuned, base], { bootstrap: 0 }).pairs, 2);
});

test("no judgements: NaN win rates (null in JSON) and zero counts, no throw", () => {
  const s = scoreJudgements([], { criteria: ["overall"] });
  const r = s.criteria.overall;
  assert.deepEqual([r.n, r.unparsed, r.incomplete, r.questions], [0, 0, 0, 0]);
  assert.ok(Number.isNaN(r.winRate) && Number.isNaN(r.ci[0]));
  assert.deepEqual(s.bySubgroup.overall, {});
  assert.equal(JSON.parse(JSON.stringify(s)).criteria.overall.winRate, null);
});
