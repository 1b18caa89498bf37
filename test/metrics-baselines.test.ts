/**
 * Pinned OOD scores of the baselines on the real benchmark (Singapore WVS-7, tan2026 preset:
 * 10,177 OOD pairs). They are exact functions of the data, so any change in labels, scoring or the
 * baselines shows up here. Runs on the shipped aggregates (always present) and, when the microdata
 * is found, on the benchmark rebuilt from it (same numbers expected).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import type { Benchmark } from "../src/benchmark/types";
import { evaluatePredictions } from "../src/metrics/index";
import { findWvsFile } from "../src/paths";
import { baselinePredictions } from "../src/analysis/sources";

const N = 10177;
const PINNED = {
  "baseline:population-mode": { correct: 8380, errorSum: 67205 / 84 },
  "baseline:attribute-product": { correct: 9163, errorSum: 51557 / 126 },
};

async function check(bench: Benchmark) {
  const results: Record<string, ReturnType<typeof evaluatePredictions>> = {};
  for (const [spec, pin] of Object.entries(PINNED)) {
    const e = evaluatePredictions(bench, await baselinePredictions(spec, bench, { split: "ood" }), { split: "ood", bootstrap: 0 });
    assert.equal(e.n, N, spec);
    assert.equal(e.accuracy, pin.correct / N, `${spec} accuracy`);
    assert.ok(Math.abs(e.nmae - pin.errorSum / N) < 1e-12, `${spec} NMAE ${e.nmae} vs ${pin.errorSum / N}`);
    assert.equal(e.parsed, 1);
    assert.equal(e.refused, 0);
    results[spec] = e;
  }
  // The per-group pattern the data alone produces: the national mode fits Chinese personas better
  // than Malay or Indian ones, and the youngest age group worst.
  const pm = results["baseline:population-mode"].frame;
  const eth = pm.values("accuracy", "attribute:ethnicity");
  assert.equal(eth.get("SG: Chinese"), 2061 / 2354);
  assert.equal(eth.get("SG: Malay"), 858 / 1068);
  assert.equal(eth.get("SG: South Asian Indian, Pakistan, etc."), 858 / 1062);
  const age = pm.byGroup("accuracy", "attribute:age_group");
  assert.equal(age.reduce((a, b) => (b.value < a.value ? b : a)).group, "16-24 years");
  assert.equal(age[0].value, 607 / 834);
  const d = pm.disparity("accuracy");
  assert.ok(Math.abs(d.normalisedRange - 0.275) < 1e-12);
  assert.equal(d.worstGroup, "age_x_religion:16-24 years|Do not belong to a denomination");
}

test("baselines on the shipped aggregates: pinned OOD accuracy and NMAE", async () => {
  await check(await loadBenchmark());
});

test("baselines on the WVS-7 microdata: the same pinned numbers", async (t) => {
  const file = findWvsFile();
  if (!file) {
    const reason = "WVS-7 microdata not found (set WVS_CSV or put it in ../shared/wvs-real)";
    console.log(`skipping: ${reason}`);
    t.skip(reason);
    return;
  }
  await check(await loadBenchmark({ wvs: file }));
});
