/**
 * Disparity with its noise floor: `evaluatePredictions` on one model's full OOD prediction set
 * (10,177 pairs) with the 1,000-resample question bootstrap, the size-matched null (1,000 draws) and
 * the question + label bootstrap (1,000 draws) — cold (a fresh benchmark object, so no cached draws) —
 * beside the same evaluation without the null and label draws. Target: under 2 s with them.
 * Synthetic predictions (seeded), as bench/metrics.ts: speed does not depend on what a model answered.
 * `node --import tsx bench/disparity.ts` prints the numbers; `run()` returns them.
 */
import { loadBenchmark } from "../src/benchmark/load";
import { evaluatePredictions } from "../src/metrics/index";
import { syntheticPredictions } from "../test/support/synthetic-predictions";

export interface DisparityBench {
  pairs: number;
  draws: number;
  /** evaluate with bootstrap 1,000 and no null/label draws. */
  withoutMs: number;
  /** evaluate with bootstrap, null and label bootstrap (1,000 each), cold. */
  withMs: number;
  /** The same, warm: a second model on the same benchmark reuses the drawn modes. */
  warmMs: number;
  /** CPU time of the cold run (user + system), for a loaded machine. */
  withCpuMs: number;
  withinBudget: boolean;
}

export async function run(): Promise<DisparityBench> {
  const draws = 1000;
  const base = await loadBenchmark();
  const preds = syntheticPredictions(base, {
    model: "bench:synthetic",
    seed: 2026,
    nullShare: 0.03,
    correctShare: 0.53,
    refusedShare: 0.015,
    distributions: false,
  });
  let t = performance.now();
  const e0 = evaluatePredictions(base, preds, { split: "ood", bootstrap: draws, nullDraws: 0, labelDraws: 0 });
  const withoutMs = performance.now() - t;
  const cold = await loadBenchmark();
  const c0 = process.cpuUsage();
  t = performance.now();
  evaluatePredictions(cold, preds, { split: "ood", bootstrap: draws, nullDraws: draws, labelDraws: draws });
  const withMs = performance.now() - t;
  const cpu = process.cpuUsage(c0);
  t = performance.now();
  evaluatePredictions(cold, preds, { split: "ood", bootstrap: draws, nullDraws: draws, labelDraws: draws });
  const warmMs = performance.now() - t;
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    pairs: e0.n,
    draws,
    withoutMs: r(withoutMs),
    withMs: r(withMs),
    warmMs: r(warmMs),
    withCpuMs: r((cpu.user + cpu.system) / 1000),
    withinBudget: withMs < 2000,
  };
}

if (process.argv[1]?.endsWith("disparity.ts")) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
