/** MetricFrame: grouping, disparity numbers, seeded bootstrap, permutation test, run comparison, per-group skill. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Subgroup } from "../src/benchmark/types";
import { compareRuns, disparity, macro, macroMean, MetricFrame, parseSubgroupId, seededRandom, skillByGroup, type PairScore } from "../src/metrics/index";

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `expected ${b}, got ${a}`);

test("disparity numbers (hand-computed, population σ)", () => {
  const d = disparity({ a: 0.5, b: 0.6, c: 0.8 }, { higherIsBetter: true, overall: 0.6 });
  close(d.normalisedRange, 0.3 / 0.8);
  close(d.gap, 0.3);
  close(d.ratio, 0.625);
  close(d.mean, 1.9 / 3);
  const sd = Math.sqrt(((0.5 - 1.9 / 3) ** 2 + (0.6 - 1.9 / 3) ** 2 + (0.8 - 1.9 / 3) ** 2) / 3);
  close(d.sd, sd);
  close(d.cv, sd / (1.9 / 3));
  assert.equal(d.worstGroup, "a");
  close(d.gapToOverall, 0.2);
  // Error metric: the worst group is the highest; NormRange still (max − min)/max as the paper writes it.
  const e = disparity({ a: 0.2, b: 0.25 }, { higherIsBetter: false });
  assert.equal(e.worstGroup, "b");
  close(e.normalisedRange, 0.2);
  assert.ok(Number.isNaN(e.gapToOverall));
  // Equal groups: no disparity.
  const z = disparity({ a: 0.4, b: 0.4 }, { higherIsBetter: true });
  assert.deepEqual([z.gap, z.cv, z.normalisedRange, z.ratio], [0, 0, 0, 1]);
});

const SUBS = [
  "age_x_religion:16-24 years|Muslim",
  "ethnicity_x_religion:SG: Malay|Muslim",
  "age_x_religion:16-24 years|Buddhist",
  "age_x_religion:65 and over|Buddhist",
];

/** 20 questions × 4 subgroups; accuracy pattern set by `rightIf`. */
function makeScores(rightIf: (q: number, s: number) => boolean, model = "m", errOf = (ok: boolean) => (ok ? 0 : 0.5)): PairScore[] {
  const out: PairScore[] = [];
  for (let q = 0; q < 20; q++)
    for (let s = 0; s < SUBS.length; s++) {
      const ok = rightIf(q, s);
      out.push({
        model,
        templateId: "t",
        question: `Q${q}`,
        subgroup: SUBS[s],
        split: "ood",
        label: 1,
        code: ok ? 1 : 2,
        samples: 1,
        correct: ok ? 1 : 0,
        error: errOf(ok),
        parsed: 1,
        refused: 0,
        invalid: 0,
      });
    }
  return out;
}

const subgroups: Subgroup[] = SUBS.map((id, i) => ({ ...parseSubgroupId(id), size: [120, 40, 200, 90][i], split: "ood" }));

test("parseSubgroupId maps age → age_group", () => {
  assert.deepEqual(parseSubgroupId("age_x_religion:65 and over|Muslim").attributes, { age_group: "65 and over", religion: "Muslim" });
  assert.deepEqual(parseSubgroupId("sex:Female").attributes, { sex: "Female" });
});

test("frame: by subgroup, by stratum, by attribute value (pooled), small-group warnings", () => {
  // Subgroup s is right on questions q < 5·(s+1): accuracies .25, .5, .75, 1.
  const f = new MetricFrame(
    makeScores((q, s) => q < 5 * (s + 1)),
    { subgroups },
  );
  close(f.overall("accuracy"), 50 / 80);
  close(f.macro("accuracy"), 0.625);
  const bySub = f.values("accuracy", "subgroup");
  close(bySub.get(SUBS[0])!, 0.25);
  close(bySub.get(SUBS[3])!, 1);
  const byRel = f.byGroup("accuracy", "attribute:religion");
  assert.deepEqual(
    byRel.map((r) => r.group),
    ["Buddhist", "Muslim"],
  );
  close(byRel[0].value, (15 + 20) / 40);
  close(byRel[1].value, (5 + 10) / 40);
  assert.equal(byRel[1].subgroups, 2);
  assert.equal(byRel[1].size, 160);
  const byAge = f.values("accuracy", "attribute:age_group");
  close(byAge.get("16-24 years")!, (5 + 15) / 40); // the ethnicity×religion subgroup has no age
  const byStratum = f.values("accuracy", "stratum");
  close(byStratum.get("ethnicity_x_religion")!, 0.5);
  close(f.overall("nmae"), (30 * 0.5) / 80);
  const d = f.disparity("accuracy", "subgroup");
  close(d.normalisedRange, 0.75);
  assert.equal(d.worstGroup, SUBS[0]);
  // 20 pairs per subgroup < 30, and the Malay×Muslim subgroup has 40 respondents < 50.
  const w = f.warnings("subgroup");
  assert.equal(w.length, 4);
  assert.match(w[1], /SG: Malay\|Muslim": 20 pairs, 40 respondents/);
});

test("bootstrap: clustered by question, seeded, deterministic, covers disparity", () => {
  const f = new MetricFrame(
    makeScores((q, s) => (q * 7 + s * 3) % 5 < 3),
    { subgroups },
  );
  const a = f.bootstrap({ n: 300, seed: 42 });
  const b = new MetricFrame(f.scores, { subgroups }).bootstrap({ n: 300, seed: 42 });
  assert.deepEqual(a, b);
  const c = f.bootstrap({ n: 300, seed: 43 });
  assert.notDeepEqual(a.metrics.accuracy!.overall, c.metrics.accuracy!.overall);
  const acc = a.metrics.accuracy!;
  close(acc.overall.value, f.overall("accuracy"));
  assert.ok(acc.overall.lo <= acc.overall.value && acc.overall.value <= acc.overall.hi);
  assert.ok(acc.overall.hi > acc.overall.lo);
  assert.ok(acc.disparity.normalisedRange.hi >= acc.disparity.normalisedRange.lo);
  assert.equal(Object.keys(acc.groups).length, 4);
  // Every question identical for a group → that group's interval has zero width.
  const g = new MetricFrame(
    makeScores((_q, s) => s < 2),
    { subgroups },
  ).bootstrap({ n: 200, seed: 1 });
  assert.deepEqual([g.metrics.accuracy!.overall.lo, g.metrics.accuracy!.overall.hi], [0.5, 0.5]);
  assert.deepEqual([g.metrics.accuracy!.groups[SUBS[0]].lo, g.metrics.accuracy!.groups[SUBS[0]].hi], [1, 1]);
});

test("permutation test: sign flips within questions", () => {
  // Muslim subgroups right on every question, Buddhist ones never: p ≈ 2/2^20 → (1+hits)/(n+1) with no hits.
  const f = new MetricFrame(
    makeScores((_q, s) => s < 2),
    { subgroups },
  );
  const r = f.permutationTest("accuracy", "attribute:religion", "Muslim", "Buddhist", { n: 2000, seed: 7 });
  assert.equal(r.questions, 20);
  close(r.diff, 1);
  close(r.pairedDiff, 1);
  close(r.p, 1 / 2001);
  close(r.pABetter, 1 / 2001);
  const rev = f.permutationTest("accuracy", "attribute:religion", "Buddhist", "Muslim", { n: 2000, seed: 7 });
  close(rev.pABetter, 1); // B is never better: every flip is ≥ the observed −1
  // Identical groups: every flip gives 0 ≥ 0 → p = 1.
  const same = new MetricFrame(
    makeScores(() => true),
    { subgroups },
  ).permutationTest("nmae", "attribute:religion", "Muslim", "Buddhist", { n: 500 });
  close(same.p, 1);
  assert.throws(() => f.permutationTest("accuracy", "attribute:religion", "Hindu", "Muslim"), /group "Hindu" not found/);
});

test("compareRuns: per-group change, disparity change, gain correlation (fairness paradox)", () => {
  // Before: accuracies .25, .5, .75, 1 (s-dependent). After: everyone +.25 except the best stays 1,
  // so the worst gains and accuracy disparity shrinks.
  const before = new MetricFrame(
    makeScores((q, s) => q < 5 * (s + 1)),
    { subgroups },
  );
  const after = new MetricFrame(
    makeScores((q, s) => q < Math.min(20, 5 * (s + 2))),
    { subgroups },
  );
  const c = compareRuns(before, after, "accuracy", { bootstrap: 200, seed: 3 });
  close(c.overall.change, 0.1875);
  assert.deepEqual(
    c.groups.map((g) => g.change),
    [0.25, 0.25, 0.25, 0],
  );
  close(c.disparity.before.normalisedRange, 0.75);
  close(c.disparity.after.normalisedRange, 0.5);
  close(c.disparity.change.normalisedRange, -0.25);
  assert.ok(c.gainCorrelation.pearson < 0);
  close(c.gainCorrelation.spearman, -Math.sqrt(0.6)); // ranks (1,2,3,4) vs (3,3,3,1)
  assert.ok(c.overall.ci!.lo <= c.overall.change && c.overall.change <= c.overall.ci!.hi);
  assert.equal(c.disparity.ci!.normalisedRange.value, c.disparity.change.normalisedRange);
});

test("skillByGroup: model vs baseline per group", () => {
  const model = new MetricFrame(
    makeScores((q, s) => q < 5 * (s + 1)),
    { subgroups },
  );
  const base = new MetricFrame(
    makeScores((q) => q < 10, "baseline"),
    { subgroups },
  );
  const rows = skillByGroup(model, base, { by: "subgroup" });
  const r0 = rows.find((r) => r.group === SUBS[0])!;
  close(r0.model.accuracy!, 0.25);
  close(r0.baseline.accuracy!, 0.5);
  close(r0.skill.accuracy!, -0.5);
  const r3 = rows.find((r) => r.group === SUBS[3])!;
  close(r3.skill.accuracy!, 1);
  close(r3.skill.nmae!, 1); // model error 0 vs baseline .25
});

test("macro skips groups without the metric, the same in aggregate.macro, frame.macro and the bootstrap", () => {
  const mk = (sg: string, validMass?: number): PairScore => ({
    model: "m",
    templateId: "t",
    question: "Q1",
    subgroup: sg,
    split: "ood",
    label: 1,
    code: 1,
    samples: 1,
    correct: 1,
    error: 0,
    parsed: 1,
    refused: 0,
    invalid: 0,
    ...(validMass !== undefined ? { validMass } : {}),
  });
  const f = new MetricFrame([mk(SUBS[0], 0.9), mk(SUBS[1])]);
  assert.equal(f.macro("validMass"), 0.9); // was NaN: the group without validMass counted as NaN
  assert.equal(macro(f.scores, "validMass"), 0.9);
  assert.equal(f.bootstrap({ metrics: ["validMass"], n: 20 }).metrics.validMass!.macro.value, 0.9);
  assert.ok(Number.isNaN(macroMean([NaN])) && macroMean([0.2, NaN, 0.4]) === (0.2 + 0.4) / 2);
});

test("permutation test with no shared question: p is NaN, not 1/(n+1)", () => {
  const scores = makeScores(() => true).filter((s) => (s.subgroup === SUBS[0] && s.question === "Q0") || (s.subgroup === SUBS[1] && s.question === "Q1"));
  const r = new MetricFrame(scores).permutationTest("accuracy", "subgroup", SUBS[0], SUBS[1], { n: 999 });
  assert.equal(r.questions, 0);
  assert.ok(Number.isNaN(r.p) && Number.isNaN(r.pABetter) && Number.isNaN(r.diff));
});

test("rangeTest: max − min over groups with a within-question permutation null; calibrated when the best and worst are picked from the data", () => {
  const f = new MetricFrame(
    makeScores((_q, s) => s < 2),
    { subgroups },
  );
  const r = f.rangeTest("accuracy", "attribute:religion", { n: 2000, seed: 7 });
  assert.deepEqual([r.best, r.worst, r.valueBest, r.valueWorst, r.range, r.groups, r.questions], ["Muslim", "Buddhist", 1, 0, 1, 2, 20]);
  close(r.p, 1 / 2001); // only the identity or the full swap reach range 1: 2/2^20
  const e = f.rangeTest("nmae", "attribute:religion", { n: 200 });
  assert.deepEqual([e.best, e.worst], ["Muslim", "Buddhist"]); // error metric: best = lowest
  // Equal groups: every permutation reaches the observed range 0 → p = 1.
  close(
    new MetricFrame(
      makeScores(() => true),
      { subgroups },
    ).rangeTest("accuracy", "subgroup", { n: 100 }).p,
    1,
  );
  // Null true (6 exchangeable groups, question difficulty varies): a best-vs-worst sign-flip test
  // rejects ~21% of the time at 5%; the range test stays near 5%.
  const rnd = seededRandom(42);
  let rejected = 0,
    pairwise = 0;
  for (let r = 0; r < 60; r++) {
    const scores: PairScore[] = [];
    for (let q = 0; q < 214; q++) {
      const pq = rnd();
      for (let g = 0; g < 6; g++) {
        const c = rnd() < pq ? 1 : 0;
        scores.push({
          model: "m",
          templateId: "t",
          question: `Q${q}`,
          subgroup: `age:${g}`,
          split: "ood",
          label: 1,
          code: 1,
          samples: 1,
          correct: c,
          error: 1 - c,
          parsed: 1,
          refused: 0,
          invalid: 0,
        });
      }
    }
    const f = new MetricFrame(scores);
    if (f.rangeTest("accuracy", "subgroup", { n: 299, seed: r }).p < 0.05) rejected++;
    const rows = f.byGroup("accuracy", "subgroup");
    const best = rows.reduce((x, y) => (y.value > x.value ? y : x));
    const worst = rows.reduce((x, y) => (y.value < x.value ? y : x));
    if (f.permutationTest("accuracy", "subgroup", best.group, worst.group, { n: 299, seed: r }).p < 0.05) pairwise++;
  }
  assert.deepEqual([rejected, pairwise], [4, 14]); // of 60: 7% vs 23%
});

test("bootstrap with partial coverage: a group missing from a resample is counted, its interval uses the others", () => {
  // SUBS[0] answers only Q0 (a --limit run); the others answer all 20 questions.
  const scores = makeScores((q, s) => q < 5 * (s + 1)).filter((s) => s.subgroup !== SUBS[0] || s.question === "Q0");
  const bs = new MetricFrame(scores, { subgroups }).bootstrap({ n: 200, seed: 5 });
  assert.equal(bs.incomplete, 72); // Q0 is not drawn in (1 − 1/20)^20 ≈ 36% of resamples
  const g0 = bs.metrics.accuracy!.groups[SUBS[0]];
  assert.deepEqual([g0.value, g0.lo, g0.hi], [1, 1, 1]);
  assert.ok(Number.isFinite(bs.metrics.accuracy!.disparity.normalisedRange.lo));
  assert.equal(
    new MetricFrame(
      makeScores(() => true),
      { subgroups },
    ).bootstrap({ n: 50 }).incomplete,
    0,
  );
});

test("compareRuns on different pair sets: compared on the shared pairs (counted), or refused", () => {
  const all = new MetricFrame(
    makeScores((q, s) => (q * 7 + s * 3) % 5 < 3),
    { subgroups },
  );
  // The same answers on a subset (questions 0–9 only): nothing changed, so every change is exactly 0.
  const part = all.restrict(new Set(all.scores.filter((s) => Number(s.question.slice(1)) < 10).map((s) => `${s.question}::${s.subgroup}`)));
  const c = compareRuns(all, part, "accuracy", { bootstrap: 100, seed: 2 });
  assert.deepEqual(c.pairs, { shared: 40, onlyBefore: 40, onlyAfter: 0 });
  assert.equal(c.overall.change, 0);
  assert.deepEqual([c.overall.ci!.lo, c.overall.ci!.hi], [0, 0]);
  assert.deepEqual(
    c.groups.map((g) => g.change),
    [0, 0, 0, 0],
  );
  assert.equal(c.disparity.change.normalisedRange, 0);
  assert.throws(
    () => compareRuns(all, part, "accuracy", { coverage: "same", bootstrap: 0 }),
    /cover different pairs \(40 shared, 40 only before, 0 only after\)/,
  );
  const other = new MetricFrame(
    makeScores(() => true).map((s) => ({ ...s, question: `X${s.question}` })),
    { subgroups },
  );
  assert.throws(() => compareRuns(all, other, "accuracy"), /share no \(question, subgroup\) pair/);
});

test("skillByGroup scores the baseline on the model's pairs only", () => {
  const base = new MetricFrame(
    makeScores((q, s) => (q + s) % 3 !== 0, "baseline"),
    { subgroups },
  );
  // A "model" that copies the baseline's answers on 5 of the 20 questions: skill exactly 0.
  const copy = new MetricFrame(
    base.scores.filter((s) => Number(s.question.slice(1)) < 5).map((s) => ({ ...s, model: "copy" })),
    { subgroups },
  );
  const rows = skillByGroup(copy, base, { by: "subgroup" });
  assert.deepEqual(rows.pairs, { shared: 20, onlyBefore: 0, onlyAfter: 60 });
  assert.deepEqual(
    rows.map((r) => [r.pairs, r.skill.accuracy! + 0, r.skill.nmae! + 0]),
    SUBS.map(() => [5, 0, 0]),
  );
  const overall = skillByGroup(copy, base, { by: () => "all" });
  assert.equal(overall[0].skill.accuracy, 0);
});
