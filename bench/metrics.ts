/**
 * Metrics speed on one model's full OOD prediction set (10,177 pairs): scoring every metric
 * (including the distribution ones), summaries, per-group frames, every disparity number, and a
 * 1,000-resample clustered bootstrap. Target: under 2 s in total. The predictions are synthetic
 * (seeded: ~50% modal, the rest a random option, 3% refused/unparsed, each with a distribution)
 * because speed does not depend on what a model answered.
 * `node --import tsx bench/metrics.ts` prints the numbers; `run()` returns them.
 */
import { loadBenchmark } from "../src/benchmark/load";
import { evaluatePredictions, METRIC_NAMES, MetricFrame, scorePredictions, seededRandom, summarise } from "../src/metrics/index";
import type { Prediction } from "../src/runner/types";

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
  const rnd = seededRandom(2026);
  const scales = new Map(bench.questions.map((q) => [q.id, q.scale.map((o) => o.code)]));
  const preds: Prediction[] = bench.pairs
    .filter((p) => p.split === "ood")
    .map((p) => {
      const codes = scales.get(p.question)!;
      const r = rnd();
      const code = r < 0.03 ? null : r < 0.53 ? p.mode : codes[Math.floor(rnd() * codes.length)];
      const w = codes.map(() => rnd() + (code !== null ? 0 : 0.5));
      const s = w.reduce((a, b) => a + b, 0);
      return {
        model: "bench:synthetic", templateId: "system-persona", question: p.question, subgroup: p.subgroup, split: p.split, sample: 0,
        code, refused: code === null && r < 0.015, distribution: Object.fromEntries(codes.map((c, i) => [String(c), w[i] / s])), validMass: 0.9 + 0.1 * rnd(),
      };
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
  for (const by of groupings) for (const m of METRIC_NAMES) frame.byGroup(m, by);
  const framesMs = performance.now() - t;
  t = performance.now();
  for (const by of groupings) for (const m of METRIC_NAMES) frame.disparity(m, by);
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
    pairs: scores.length, loadMs: r(loadMs), scoreMs: r(scoreMs), summaryMs: r(summaryMs), framesMs: r(framesMs), disparityMs: r(disparityMs),
    bootstrapMs: r(bootstrapMs), permutationMs: r(permutationMs), evaluateMs: r(evaluateMs), totalMs: r(totalMs), withinBudget: totalMs < 2000, resamples,
  };
}

if (process.argv[1]?.endsWith("metrics.ts")) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
