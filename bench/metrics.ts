/**
 * Metrics speed on one model's full OOD prediction set (10,177 pairs): scoring every metric
 * (including the distribution ones), summaries, per-group frames, every disparity number, and a
 * 1,000-resample clustered bootstrap. Target: under 2 s in total. The predictions are synthetic
 * (seeded: ~50% modal, the rest a random option, 3% refused/unparsed, each with a distribution)
 * because speed does not depend on what a model answered.
 * `node --import tsx bench/metrics.ts` prints the numbers; `run()` returns them.
 */
import { loadBenchmark } from "../src/benchmark/load";
import { evaluatePredictions, metricIds, MetricFrame, scorePredictions, summarise } from "../src/metrics/index";
import { syntheticPredictions } from "../test/support/synthetic-predictions";

export interface MetricsBench {
  pairs: number;
  loadMs: number;
  scoreMs: number;
  summaryMs: number;
  framesMs: number;
  disparityMs: number;
  bootstrapMs: number;
  permutationMs: number;
  evaluateMs: number;
  /** score + summary + frames + disparity + bootstrap (the budget that must stay under 2 s). */
  totalMs: number;
  withinBudget: boolean;
  resamples: number;
}

export async function run(): Promise<MetricsBench> {
  let t = performance.now();
  const bench = await loadBenchmark();
  const loadMs = performance.now() - t;
  const preds = syntheticPredictions(bench, {
    model: "bench:synthetic",
    seed: 2026,
    nullShare: 0.03,
    correctShare: 0.53,
    refusedShare: 0.015,
    distributions: true,
  });
  const t0 = performance.now();
  t = t0;
  const { scores } = scorePredictions(bench, preds, { split: "ood" });
  const scoreMs = performance.now() - t;
  t = performance.now();
  summarise(scores);
  const summaryMs = performance.now() - t;
  t = performance.now();
  const frame = new MetricFrame(scores, { subgroups: bench.subgroups });
  const groupings = ["subgroup", "stratum", "attribute:age_group", "attribute:ethnicity", "attribute:religion"] as const;
  for (const by of groupings) for (const m of metricIds()) frame.byGroup(m, by);
  const framesMs = performance.now() - t;
  t = performance.now();
  for (const by of groupings) for (const m of metricIds()) frame.disparity(m, by);
  const disparityMs = performance.now() - t;
  t = performance.now();
  const resamples = 1000;
  frame.bootstrap({ n: resamples, seed: 1, metrics: ["accuracy", "nmae"], by: "subgroup" });
  const bootstrapMs = performance.now() - t;
  const totalMs = performance.now() - t0;
  t = performance.now();
  frame.permutationTest("accuracy", "attribute:ethnicity", "SG: Chinese", "SG: Malay", { n: 10000 });
  const permutationMs = performance.now() - t;
  t = performance.now();
  evaluatePredictions(bench, preds, { split: "ood", bootstrap: resamples });
  const evaluateMs = performance.now() - t;
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    pairs: scores.length,
    loadMs: r(loadMs),
    scoreMs: r(scoreMs),
    summaryMs: r(summaryMs),
    framesMs: r(framesMs),
    disparityMs: r(disparityMs),
    bootstrapMs: r(bootstrapMs),
    permutationMs: r(permutationMs),
    evaluateMs: r(evaluateMs),
    totalMs: r(totalMs),
    withinBudget: totalMs < 2000,
    resamples,
  };
}

if (process.argv[1]?.endsWith("metrics.ts")) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
