/**
 * The metric registry: a metric registered by a user flows through the frame (per-pair value and
 * reducer), evaluate's JSON (value, macro, CI, disparity with its interval), the report's tables
 * and the per-group figures, beside accuracy and NMAE, which stay as they were.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import { pairKey } from "../src/benchmark/types";
import { analyseResults } from "../src/analysis/results";
import { baselinePredictions } from "../src/analysis/sources";
import { attributeFigureName, resultsFigureSet } from "../src/figures/results-figures";
import {
  evaluationJson,
  headlineMetrics,
  isMetric,
  metricInfo,
  MetricFrame,
  registerMetric,
  scaleOf,
  unregisterMetric,
  type PairScore,
} from "../src/metrics/index";
import { allTables } from "../src/report/tables";
import { svlab } from "./support/cli";

function score(question: string, subgroup: string, error: number, extra: Partial<PairScore> = {}): PairScore {
  return {
    model: "m",
    templateId: "t",
    question,
    subgroup,
    split: "ood",
    label: 1,
    code: 1,
    samples: 1,
    correct: error === 0 ? 1 : 0,
    error,
    parsed: 1,
    refused: 0,
    invalid: 0,
    span: 4,
    ...extra,
  };
}

test("registerMetric: ids, ranges, directions and built-ins are checked, with the id in the message", () => {
  const ok = { id: "tmpMetric", label: "Tmp", description: "", direction: "higher" as const, range: [0, 1] as [number, number], value: () => 1 };
  assert.throws(() => registerMetric({ ...ok, id: "accuracy" }), /registerMetric\("accuracy"\): "accuracy" is a built-in metric/);
  assert.throws(() => registerMetric({ ...ok, id: "9lives" }), /id must start with a letter/);
  assert.throws(() => registerMetric({ ...ok, range: [1, 0] }), /registerMetric\("tmpMetric"\): range must be \[lo, hi\] with finite lo < hi, got \[1,0\]/);
  assert.throws(() => registerMetric({ ...ok, direction: "up" as never }), /direction must be "higher" or "lower", got "up"/);
  registerMetric(ok);
  try {
    assert.throws(() => registerMetric(ok), /"tmpMetric" is already registered/);
    assert.equal(registerMetric({ ...ok, label: "Tmp 2" }, { replace: true }).label, "Tmp 2");
    assert.equal(metricInfo("tmpMetric").perfect, 1);
    assert.deepEqual(
      headlineMetrics()
        .map((m) => m.id)
        .slice(0, 2),
      ["accuracy", "nmae"],
    );
  } finally {
    unregisterMetric("tmpMetric");
  }
  assert.equal(isMetric("tmpMetric"), false);
  assert.throws(() => metricInfo("tmpMetric"), /unknown metric "tmpMetric"; expected one of accuracy, nmae,/);
});

test("a reducer that is not a mean: RMSE per group, overall, macro, disparity and the paired test", () => {
  registerMetric({
    id: "rmseTest",
    label: "RMSE",
    description: "",
    direction: "lower",
    range: [0, 1],
    value: (s) => s.error ** 2,
    reduce: (sum, n) => Math.sqrt(sum / n),
  });
  try {
    // Subgroup a: errors 0.5 and 0.5 → RMSE 0.5; subgroup b: 0 and 1 → RMSE sqrt(0.5) (its mean error is 0.5 too).
    const scores = [score("Q1", "x:a", 0.5), score("Q2", "x:a", 0.5), score("Q1", "x:b", 0), score("Q2", "x:b", 1)];
    const f = new MetricFrame(scores);
    assert.deepEqual(
      f.byGroup("rmseTest").map((r) => [r.group, r.value]),
      [
        ["x:a", 0.5],
        ["x:b", Math.sqrt(0.5)],
      ],
    );
    assert.equal(f.overall("rmseTest"), Math.sqrt(1.5 / 4));
    assert.equal(f.macro("rmseTest"), (0.5 + Math.sqrt(0.5)) / 2);
    assert.equal(f.overall("nmae"), 0.5);
    const d = f.disparity("rmseTest");
    assert.equal(d.worstGroup, "x:b"); // lower is better: the highest RMSE is the worst
    assert.equal(d.gap, Math.sqrt(0.5) - 0.5);
    // Paired by question: RMSE of one pair is |error| → d = (0.5 − 0, 0.5 − 1).
    const t = f.permutationTest("rmseTest", "subgroup", "x:a", "x:b", { n: 200 });
    assert.equal(t.pairedDiff, 0);
    assert.equal(t.valueA, 0.5);
    assert.equal(t.valueB, Math.sqrt(0.5));
    const bs = f.bootstrap({ metrics: ["rmseTest"], n: 50 });
    assert.equal(bs.metrics.rmseTest!.overall.value, Math.sqrt(1.5 / 4));
    assert.ok(bs.metrics.rmseTest!.overall.lo <= bs.metrics.rmseTest!.overall.hi);
    assert.equal(JSON.stringify(bs).includes("draws"), false);
  } finally {
    unregisterMetric("rmseTest");
  }
});

test("svlab evaluate --metrics: a registered metric in the JSON with its CI and disparity; accuracy and NMAE as before", async () => {
  const args = ["evaluate", "--model", "baseline:population-mode", "--split", "ood", "--bootstrap", "40", "--null", "20", "--json"];
  const plain = svlab(args);
  assert.equal(plain.status, 0, plain.stderr);
  const r = svlab([...args, "--metrics", "test/support/extra-metrics.ts"]);
  assert.equal(r.status, 0, r.stderr);
  const before = plain.json();
  const j = r.json();
  // The paper's metrics do not move when another metric joins them.
  assert.equal(j.accuracy, 8380 / 10177);
  for (const k of ["accuracy", "nmae", "ci", "macro"]) assert.deepEqual(j[k], before[k], k);
  for (const m of ["accuracy", "nmae"]) {
    assert.deepEqual(j.disparity[m], before.disparity[m], m);
    assert.equal(typeof j.disparity[m].ci.normalisedRange.lo, "number");
    assert.equal(typeof j.disparity[m].null.cv.mean, "number");
  }
  assert.deepEqual(Object.keys(before.metrics), ["accuracy", "nmae"]);
  assert.deepEqual(Object.keys(j.metrics), ["accuracy", "nmae", "withinOne", "nrmse"]);
  assert.equal(j.metrics.accuracy.value, j.accuracy);

  // Within-one, counted here from the scale positions (not from the error the metric reads).
  const bench = await loadBenchmark();
  const scales = new Map(bench.questions.map((q) => [q.id, scaleOf(q)]));
  const modes = new Map(bench.pairs.map((p) => [pairKey(p.question, p.subgroup), p.mode]));
  let within = 0,
    n = 0;
  for (const p of await baselinePredictions("baseline:population-mode", bench, { split: "ood" })) {
    const s = scales.get(p.question)!;
    const a = s.position.get(p.code!),
      b = s.position.get(modes.get(pairKey(p.question, p.subgroup))!);
    n++;
    if (a !== undefined && b !== undefined && Math.abs(a - b) <= 1) within++;
    else if (a === undefined && p.code === modes.get(pairKey(p.question, p.subgroup)) && s.offScale.has(p.code!)) within++;
  }
  assert.equal(n, 10177);
  const w = j.metrics.withinOne;
  assert.equal(w.value, within / n);
  assert.equal(w.direction, "higher");
  assert.deepEqual(w.range, [0, 1]);
  assert.ok(w.ci.overall.lo <= w.value && w.value <= w.ci.overall.hi, JSON.stringify(w.ci));
  assert.ok(w.value > j.accuracy); // exact hits are within one
  const d = j.disparity.withinOne;
  assert.equal(d.groups, 48);
  assert.equal(d.ci.method, "basic bootstrap (questions resampled), widened to contain the estimate");
  assert.equal(d.ci.draws, 40);
  assert.ok(d.ci.normalisedRange.lo <= d.normalisedRange && d.normalisedRange <= d.ci.normalisedRange.hi);
  assert.equal(d.null, undefined); // no noise floor for a registered metric (said in the text output)
  assert.equal(j.disparity.nrmse.worstGroup, j.disparity.nrmse.maxGroup);

  const bad = svlab(["evaluate", "--model", "baseline:population-mode", "--metrics", "test/support/no-such-metrics.ts"]);
  assert.equal(bad.status === 0, false);
  assert.match(bad.stderr, /--metrics test\/support\/no-such-metrics\.ts: no such file/);
});

test("a registered metric gets its per-attribute figure, fairness panels and report tables", async () => {
  await import("./support/extra-metrics");
  const bench = await loadBenchmark();
  const a = await analyseResults(bench, {
    results: null,
    bootstrap: 30,
    permutations: 50,
    compare: [{ before: "baseline:population-mode", after: "baseline:attribute-product" }],
  });
  const pm = a.models.find((m) => m.model === "baseline:population-mode")!;
  const ev = evaluationJson(pm.evaluation);
  assert.equal(ev.metrics.withinOne.value, pm.frame.overall("withinOne"));

  const set = resultsFigureSet(a);
  const name = attributeFigureName("withinOne");
  assert.equal(name, "results-attributes-within-one");
  const fig = set.figures.find((f) => f.name === name);
  assert.ok(fig, `figures: ${set.figures.map((f) => f.name).join(", ")}`);
  // The bars are the pooled per-value scores of the frame, the whiskers the bootstrap's interval.
  const religion = new Map(pm.frame.byGroup("withinOne", "attribute:religion").map((r) => [r.group, r.value]));
  const ci = pm.byAttribute.religion.metrics.withinOne!.groups;
  const trace = (fig!.spec.data as Array<Record<string, any>>).find((t) => t.name === pm.label && (t.x as string[]).length === religion.size)!;
  assert.ok(trace, "a population-mode trace over the religion values");
  assert.deepEqual([...trace.y].sort(), [...religion.values()].sort());
  const k = (trace.y as number[]).indexOf(religion.get("Muslim")!);
  assert.equal(trace.y[k] - trace.error_y.arrayminus[k], ci.Muslim.lo);
  assert.match(String((fig!.spec.layout as any).title.text), /^Within one per attribute value/);

  const main = set.figures.find((f) => f.name === "results-main")!;
  assert.deepEqual(
    (main.spec.data as Array<{ name: string }>).map((t) => t.name),
    ["Accuracy", "NMAE", "Within one", "NRMSE"],
  );
  assert.equal((main.spec.data as Array<{ y: number[] }>)[2].y[a.models.indexOf(pm)], pm.evaluation.metrics.withinOne.value);
  assert.match(main.caption, /^Accuracy, NMAE, Within one and NRMSE of the baselines/);
  assert.deepEqual((main.spec.layout as any).yaxis4, { title: { text: "NRMSE (lower is better)" }, rangemode: "tozero" });

  const fair = set.figures.find((f) => f.name === "results-fairness")!;
  const titles = ((fair.spec.layout as any).annotations as Array<{ text: string }>).map((x) => x.text);
  assert.deepEqual(
    titles.filter((t) => t.includes("normalised range")),
    [
      "<b>Accuracy: normalised range, (max − min) / max</b>",
      "<b>NMAE: normalised range, (max − min) / max</b>",
      "<b>Within one: normalised range, (max − min) / max</b>",
      "<b>NRMSE: normalised range, (max − min) / max</b>",
    ],
  );
  assert.equal(fair.height, 780 + 2 * 340);
  const bars = (fair.spec.data as Array<Record<string, any>>).find((t) => t.name === "Within one: normalised range, (max − min) / max")!;
  assert.equal(bars.y[a.models.indexOf(pm)], pm.evaluation.disparity.withinOne.normalisedRange);

  const tables = allTables(a);
  assert.ok(tables.some((t) => t.title === "Within one by religion"));
  const mainTable = tables.find((t) => t.title.startsWith("Main results"))!;
  assert.deepEqual(mainTable.headers.slice(3, 7), ["Accuracy ↑", "NMAE ↓", "Within one ↑", "NRMSE ↓"]);
  const fairness = tables.find((t) => t.title === "Fairness across subgroups")!;
  const change = tables.find((t) => t.title.includes(" → "))!;
  assert.deepEqual(change.headers, ["Quantity", "Accuracy", "NMAE", "Within one", "NRMSE"]);
  const pa = a.models.find((m) => m.model === "baseline:attribute-product")!;
  const delta = pa.frame.overall("withinOne") - pm.frame.overall("withinOne");
  assert.equal(a.comparisons[0].extra!.withinOne.overall.change, delta);
  assert.match(change.rows[0][3], new RegExp(`^${delta.toFixed(3).replace("+", "")} \\[`));
  assert.ok(fairness.headers.includes("Within one norm. range") && fairness.note!.includes("no noise floor"));
});
