/**
 * Calibration by simulation, fixed seeds: with no demographic effect at all (every OOD subgroup's
 * labels drawn from the whole sample at its real size, national-mode predictions), the
 * size-adjusted stratified permutation test of religion rejects at nominal 5% within a binomial
 * margin of 5% — on the real OOD religion layout (Roman Catholic 1 subgroup, Muslim 8).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import { attributeGapTest } from "../src/metrics/gap-test";
import { evaluatePredictions } from "../src/metrics/index";
import { nullScoreSampler, sizeMatchedNull } from "../src/metrics/noise-floor";
import { baselinePredictions } from "../src/analysis/sources";

test("religion gap test: rejection rate at 5% under no difference lies within a binomial margin (real OOD layout)", async (t) => {
  const bench = await loadBenchmark();
  const ood = bench.subgroups.filter((s) => s.split === "ood");
  const religion = ood.filter((s) => "religion" in s.attributes);
  // The layout the test must survive: one value of a single subgroup, another of eight.
  const per = new Map<string, number>();
  for (const s of religion) per.set(s.attributes.religion, (per.get(s.attributes.religion) ?? 0) + 1);
  assert.equal(per.get("Roman Catholic"), 1);
  assert.equal(per.get("Muslim"), 8);
  const preds = await baselinePredictions("baseline:population-mode", bench, { split: "ood" });
  const ev = evaluatePredictions(bench, preds, { split: "ood", bootstrap: 0 });
  const nf = sizeMatchedNull(bench, ev.scores, { draws: 400, seed: 11 });
  const moments = new Map(nf.subgroups.map((s) => [s.subgroup, s.accuracy]));
  const draw = nullScoreSampler(bench, ev.scores, 2026);
  const R = 1000;
  let rejected = 0;
  let rejectedPair = 0;
  for (let r = 0; r < R; r++) {
    const sim = draw();
    const input = { scores: sim.accuracy, null: moments, subgroups: ood };
    if (attributeGapTest(input, "religion", { n: 199, seed: r + 1 }).p <= 0.05) rejected++;
    if (attributeGapTest(input, "religion", { n: 199, seed: r + 1, pair: ["Roman Catholic", "Muslim"] }).p <= 0.05) rejectedPair++;
  }
  // 99% binomial margin around 5% for R = 1000: ±2.576·sqrt(0.05·0.95/1000) = ±0.0178.
  const margin = 2.576 * Math.sqrt((0.05 * 0.95) / R);
  for (const [name, k] of [
    ["any religion difference", rejected],
    ["Catholic vs Muslim", rejectedPair],
  ] as const) {
    const rate = k / R;
    t.diagnostic(`${name}: rejection rate ${rate} (${k}/${R})`);
    assert.ok(Math.abs(rate - 0.05) <= margin, `${name}: rejection rate ${rate} outside 0.05 ± ${margin.toFixed(4)}`);
  }
});

test("the gap test finds a real difference: a religion whose subgroups all score 0.1 lower is detected", async (t) => {
  const bench = await loadBenchmark();
  const ood = bench.subgroups.filter((s) => s.split === "ood");
  const preds = await baselinePredictions("baseline:population-mode", bench, { split: "ood" });
  const ev = evaluatePredictions(bench, preds, { split: "ood", bootstrap: 0 });
  const nf = sizeMatchedNull(bench, ev.scores, { draws: 400, seed: 11 });
  const moments = new Map(nf.subgroups.map((s) => [s.subgroup, s.accuracy]));
  const draw = nullScoreSampler(bench, ev.scores, 7);
  let detected = 0;
  for (let r = 0; r < 100; r++) {
    const sim = draw().accuracy;
    for (const s of ood) if (s.attributes.religion === "Muslim") sim.set(s.id, sim.get(s.id)! - 0.1);
    if (attributeGapTest({ scores: sim, null: moments, subgroups: ood }, "religion", { n: 199, seed: r + 1 }).p <= 0.05) detected++;
  }
  t.diagnostic(`power ${detected}/100`);
  assert.ok(detected >= 90, `power ${detected}/100`);
});
