/**
 * Coverage by simulation with a known truth, fixed seed: 12 groups with true accuracies spread like
 * the national mode's (0.55 … 0.75, normalised range 0.267), 214 questions per sample, answers
 * correlated across groups through a shared per-question draw. The truth is exact: group g's
 * accuracy is θ_g and its expected error E|U − θ_g| = (θ_g² + (1 − θ_g)²)/2 for U uniform.
 * Intervals: percentile bootstrap over questions for overall accuracy and NMAE (MetricFrame's), the
 * basic interval widened to contain the estimate for the CV and the normalised range (noise-floor.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { estimate } from "../src/metrics/bootstrap";
import { basicIntervalWithEstimate, dispersion, questionBootstrapDispersion } from "../src/metrics/noise-floor";
import { seededRandom } from "../src/metrics/stats";

test("coverage of the 95% intervals is near nominal for accuracy, NMAE and the accuracy CV; above 0.85 and above the percentile interval's for the NMAE CV and the normalised range (known truth, fixed seed)", (t) => {
  const G = 12,
    Q = 214,
    B = 400,
    R = 300;
  const theta = Array.from({ length: G }, (_, g) => 0.55 + (0.2 * g) / (G - 1));
  const truthErr = theta.map((x) => (x * x + (1 - x) * (1 - x)) / 2);
  const truth = {
    accuracy: theta.reduce((a, x) => a + x, 0) / G,
    nmae: truthErr.reduce((a, x) => a + x, 0) / G,
    cv: dispersion(theta).cv,
    normalisedRange: dispersion(theta).normalisedRange,
    nmaeCv: dispersion(truthErr).cv,
  };
  const rnd = seededRandom(20260);
  const hits = { accuracy: 0, nmae: 0, cv: 0, normalisedRange: 0, nmaeCv: 0 };
  // The plain percentile interval of the same draws, for comparison (not asserted near nominal).
  const percentile = { cv: 0, normalisedRange: 0, nmaeCv: 0 };
  const count = new Float64Array(Q * G).fill(1);
  for (let r = 0; r < R; r++) {
    const acc = new Float64Array(Q * G),
      err = new Float64Array(Q * G);
    for (let q = 0; q < Q; q++) {
      const u = rnd();
      for (let g = 0; g < G; g++) {
        const w = rnd() < 0.5 ? u : rnd();
        acc[q * G + g] = w < theta[g] ? 1 : 0;
        err[q * G + g] = Math.abs(w - theta[g]);
      }
    }
    const groupMeans = (m: Float64Array) =>
      Array.from({ length: G }, (_, g) => {
        let s = 0;
        for (let q = 0; q < Q; q++) s += m[q * G + g];
        return s / Q;
      });
    const ga = groupMeans(acc),
      ge = groupMeans(err);
    const da = questionBootstrapDispersion(acc, count, Q, G, B, r + 1);
    const de = questionBootstrapDispersion(err, count, Q, G, B, r + 1);
    const inside = (x: number, i: { lo: number; hi: number }) => i.lo <= x && x <= i.hi;
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    if (inside(truth.accuracy, estimate(mean(ga), da.overall, 0.95))) hits.accuracy++;
    if (inside(truth.nmae, estimate(mean(ge), de.overall, 0.95))) hits.nmae++;
    if (inside(truth.cv, basicIntervalWithEstimate(dispersion(ga).cv, da.cv, 0.95, [0, Infinity]))) hits.cv++;
    if (inside(truth.normalisedRange, basicIntervalWithEstimate(dispersion(ga).normalisedRange, da.normalisedRange, 0.95, [0, 1]))) hits.normalisedRange++;
    const pc = estimate(dispersion(ga).cv, da.cv, 0.95),
      pn = estimate(dispersion(ga).normalisedRange, da.normalisedRange, 0.95);
    if (inside(truth.cv, pc)) percentile.cv++;
    if (inside(truth.normalisedRange, pn)) percentile.normalisedRange++;
    if (inside(truth.nmaeCv, estimate(dispersion(ge).cv, de.cv, 0.95))) percentile.nmaeCv++;
    if (inside(truth.nmaeCv, basicIntervalWithEstimate(dispersion(ge).cv, de.cv, 0.95, [0, Infinity]))) hits.nmaeCv++;
  }
  for (const [k, h] of Object.entries(hits)) t.diagnostic(`${k}: coverage ${(h / R).toFixed(3)}`);
  for (const [k, h] of Object.entries(percentile)) t.diagnostic(`percentile interval, ${k}: ${(h / R).toFixed(3)}`);
  // Binomial SD of a 95% coverage over 300 replicates is 0.0126: accept 0.91 … 0.99 (about ±3 SD).
  for (const k of ["accuracy", "nmae", "cv"] as const) assert.ok(hits[k] / R >= 0.91 && hits[k] / R <= 0.99, `${k}: coverage ${hits[k] / R}`);
  // The normalised range (a max and a min of 12 noisy means) and the CV of NMAE (whose true spread
  // is small beside the noise: a larger bias) are harder: the widened basic interval under-covers
  // somewhat (0.883 and 0.897 with this seed) — still above the percentile interval (0.827, and
  // 0.807 for the accuracy CV), which ignores the resampling bias.
  for (const k of ["normalisedRange", "nmaeCv"] as const) {
    assert.ok(hits[k] / R >= 0.85, `${k}: coverage ${hits[k] / R}`);
    assert.ok(hits[k] > percentile[k], `${k}: the basic interval covers more often than the percentile one`);
  }
  assert.ok(hits.cv > percentile.cv);
});
