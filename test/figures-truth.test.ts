/**
 * Figures that tell the truth about what is there (issue 7, item 4): panels from the attributes the
 * split has, no run-only figure without a run, a baseline run shown once as its built-in baseline,
 * run times only when two runs of one model must be told apart, wrapped labels, titles that fit,
 * one colour per model, one colour scale per metric, captions that match, one name per baseline.
 * Expected names come from the benchmark and from analysis/labels, never spelled out here.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import type { Benchmark } from "../src/benchmark/types";
import { createFigureContext, getFigure } from "../src/figures/registry";
import { resultsFigureSet, type NamedFigure } from "../src/figures/results-figures";
import { promptSensitivityFigure } from "../src/figures/results-main";
import {
  attributeLabel,
  BASELINE_COLOURS,
  BASELINE_NAMES,
  baselineName,
  fittedTitle,
  metricRange,
  modelLabel,
  NATIONAL_MODE,
  runLabels,
  TITLE_SAFE_WIDTH,
  titleChars,
  wrapLabel,
} from "../src/analysis/labels";
import { analyseResults, type ResultsAnalysis } from "../src/analysis/results";
import { baselinePredictions, DEFAULT_BASELINES } from "../src/analysis/sources";
import { allTables } from "../src/report/tables";
import { findings } from "../src/report/write";
import { saveRun, syntheticPredictions } from "./support/synthetic-predictions";

type Trace = Record<string, any>;
const layoutOf = (f: NamedFigure) => f.spec.layout as Record<string, any>;
const traces = (f: NamedFigure) => f.spec.data as Trace[];
const plain = (s: string) => s.replace(/<[^>]+>/g, "");

let bench: Benchmark;
let noRun: ResultsAnalysis; // results/ holds only a baseline run
let withRuns: ResultsAnalysis; // two runs of one model (one with two templates), another model, a baseline run
const roots: string[] = [];
const LONG = "openai-compatible:http://127.0.0.1:1/v1#qwen2.5-7b-instruct-finetuned-sg-values";
const GPT = "openai:gpt-4.1-mini";

before(async () => {
  bench = await loadBenchmark();
  const baselineOnly = mkdtempSync(join(tmpdir(), "svlab-truth-"));
  const runs = mkdtempSync(join(tmpdir(), "svlab-truth-runs-"));
  roots.push(baselineOnly, runs);
  const national = await baselinePredictions(NATIONAL_MODE, bench, { split: "ood" });
  for (const root of [baselineOnly, runs]) await saveRun(root, NATIONAL_MODE, "20260101T000009Z_pm_ood_0009", national);
  const a = syntheticPredictions(bench, { model: GPT, seed: 1, nullShare: 0.02, correctShare: 0.6 });
  const b = syntheticPredictions(bench, { model: GPT, seed: 2, nullShare: 0.02, correctShare: 0.5 }).map((p) => ({ ...p, templateId: "third-person" }));
  await saveRun(runs, GPT, "20260101T101500Z_gpt_ood_0001", [...a, ...b], ["system-persona", "third-person"]);
  await saveRun(runs, GPT, "20260101T121500Z_gpt_ood_0002", syntheticPredictions(bench, { model: GPT, seed: 3, nullShare: 0.02, correctShare: 0.7 }));
  await saveRun(runs, LONG, "20260101T111500Z_qwen_ood_0003", syntheticPredictions(bench, { model: LONG, seed: 4, nullShare: 0.05, correctShare: 0.5 }));
  noRun = await analyseResults(bench, { results: baselineOnly, bootstrap: 40, permutations: 40 });
  withRuns = await analyseResults(bench, {
    results: runs,
    bootstrap: 40,
    permutations: 40,
    compare: [{ before: "20260101T101500Z_gpt_ood_0001", after: "20260101T121500Z_gpt_ood_0002" }],
  });
});

after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

test("attribute panels: one per attribute the split's subgroups have, none empty", () => {
  const present = new Set(bench.subgroups.filter((s) => s.split === "ood").flatMap((s) => Object.keys(s.attributes)));
  const all = new Set(bench.subgroups.flatMap((s) => Object.keys(s.attributes)));
  assert.ok(
    [...all].some((x) => !present.has(x)),
    "the benchmark has an attribute no OOD subgroup has (the old empty panel)",
  );
  assert.deepEqual(new Set(noRun.attributes), present);
  for (const a of [noRun, withRuns]) {
    const { figures } = resultsFigureSet(a);
    for (const name of ["results-attributes-accuracy", "results-attributes-nmae"]) {
      const f = figures.find((x) => x.name === name)!;
      const L = layoutOf(f);
      const axes = Object.keys(L).filter((k) => /^xaxis\d*$/.test(k));
      assert.deepEqual(
        axes.map((k) => L[k].title.text),
        a.attributes.map(attributeLabel),
        name,
      );
      // one bar trace per (panel, model), every one with a value
      assert.equal(traces(f).length, a.attributes.length * a.models.length);
      for (const t of traces(f))
        assert.ok(
          (t.y as (number | null)[]).some((v) => v !== null),
          `${name}: ${t.name} has bars`,
        );
      assert.equal(L.annotations, undefined, "no 'no subgroup has this attribute' placeholder");
      assert.equal(f.height, L.height);
    }
  }
});

test("without an LLM run: no model-vs-baseline, no prompt sensitivity, and the reasons say what is missing", async () => {
  const { figures, missing } = resultsFigureSet(noRun);
  assert.deepEqual(
    missing.map((m) => m.name),
    ["results-model-vs-baseline", "results-prompt-sensitivity"],
  );
  for (const m of missing) assert.match(m.reason, /needs an LLM run on the OOD split \(svlab run --model SPEC --split ood\)/);
  assert.deepEqual(
    figures.map((f) => f.name),
    [
      "results-main",
      "results-attributes-accuracy",
      "results-attributes-nmae",
      "results-heatmap-age-x-religion",
      "results-heatmap-age-x-ethnicity",
      "results-heatmap-ethnicity-x-religion",
      "results-fairness",
    ],
  );
  const main = figures[0];
  assert.match(plain(layoutOf(main).title.text), /the baselines only — no model run yet/);
  assert.equal(layoutOf(main).shapes.length, 0);
  assert.doesNotMatch(main.caption, /dashed/);
  assert.match(main.caption, /no model run yet, so the bars are the baselines/);
  // Baselines use no prompt: no template table, no template anywhere in the figures.
  assert.ok(!allTables(noRun).some((t) => t.title === "Prompt sensitivity"));
  assert.deepEqual(
    noRun.models.map((m) => [m.evaluation.templateId, m.evaluation.templates.length]),
    [
      ["", 0],
      ["", 0],
    ],
  );
  assert.doesNotMatch(JSON.stringify(figures.map((f) => f.spec)), /system-persona/);
  // The catalogue does not draw them either (build → null).
  await import("../src/figures/results-catalogue");
  const ctx = createFigureContext({ resultsDir: roots[0], options: { bootstrap: 20 } });
  assert.equal(await getFigure("results-prompt-sensitivity").build(ctx), null);
  assert.equal(await getFigure("results-model-vs-baseline").build(ctx), null);
  assert.ok(await getFigure("results-main").build(ctx));
  const { resultsSkipReason } = await import("../src/figures/results-catalogue");
  assert.equal(await resultsSkipReason(ctx, "results-model-vs-baseline"), "needs an LLM run on the OOD split (svlab run --model SPEC --split ood)");
  assert.equal(await resultsSkipReason(ctx, "results-main"), undefined);
});

test("a baseline run is its built-in baseline: one model, shown once in tables and figures", () => {
  for (const a of [noRun, withRuns]) {
    const baselines = a.models.filter((m) => m.kind === "baseline");
    assert.deepEqual(
      baselines.map((m) => [m.label, m.builtIn, m.evaluation.n]),
      DEFAULT_BASELINES.map((s) => [BASELINE_NAMES[s], true, 10177]),
    );
    assert.equal(a.notes.length, 1);
    assert.equal(
      a.notes[0],
      `Run 20260101T000009Z_pm_ood_0009 (${NATIONAL_MODE}) is the ${BASELINE_NAMES[NATIONAL_MODE]} baseline, which the analysis scores on the whole OOD split anyway (baselines are deterministic and use no prompt): shown once, as the ${BASELINE_NAMES[NATIONAL_MODE]}.`,
    );
  }
  const { figures } = resultsFigureSet(noRun);
  const main = figures.find((f) => f.name === "results-main")!;
  assert.deepEqual(
    traces(main)[0].x,
    DEFAULT_BASELINES.map((s) => wrapLabel(BASELINE_NAMES[s], 24)),
  );
  const fair = figures.find((f) => f.name === "results-fairness")!;
  assert.equal(traces(fair)[0].x.length, 2);
});

test("run times only when two runs of one model must be told apart", () => {
  assert.deepEqual(runLabels([{ model: GPT, id: "20260101T101500Z_a" }]), ["gpt-4.1-mini"]);
  assert.deepEqual(
    runLabels([
      { model: GPT, id: "20260101T101500Z_a" },
      { model: GPT, id: "20260101T121500Z_b" },
      { model: LONG, id: "20260101T101500Z_c" },
    ]),
    ["gpt-4.1-mini (2026-01-01 10:15)", "gpt-4.1-mini (2026-01-01 12:15)", "qwen2.5-7b-instruct-finetuned-sg-values"],
  );
  assert.deepEqual(
    runLabels([
      { model: GPT, id: "20260101T101500Z_a" },
      { model: GPT, id: "20260101T101501Z_b" },
    ]),
    ["gpt-4.1-mini (2026-01-01 10:15:00)", "gpt-4.1-mini (2026-01-01 10:15:01)"],
  );
  assert.deepEqual(
    runLabels([
      { model: GPT, id: "mine" },
      { model: GPT, id: "yours" },
    ]),
    ["gpt-4.1-mini (mine)", "gpt-4.1-mini (yours)"],
  );
  assert.deepEqual(
    withRuns.models.map((m) => m.label),
    [
      "gpt-4.1-mini (2026-01-01 10:15)",
      "qwen2.5-7b-instruct-finetuned-sg-values",
      "gpt-4.1-mini (2026-01-01 12:15)",
      ...DEFAULT_BASELINES.map((s) => BASELINE_NAMES[s]),
    ],
  );
});

test("long labels wrap; titles fit their figure's width", () => {
  assert.equal(wrapLabel("qwen2.5-7b-instruct-finetuned-sg-values", 14), "qwen2.5-7b-<br>instruct-<br>finetuned-sg-<br>values");
  assert.equal(wrapLabel("gpt-4.1-mini (2026-01-01 10:15)", 14), "gpt-4.1-mini<br>(2026-01-01<br>10:15)");
  const t = fittedTitle("x ".repeat(120).trim(), 800, "note ".repeat(60).trim());
  assert.equal(t.lines, t.text.split("<br>").length);
  assert.ok(t.lines >= 4);
  for (const { figures } of [resultsFigureSet(noRun), resultsFigureSet(withRuns)]) {
    for (const f of figures) {
      const lines = (layoutOf(f).title.text as string).split("<br>").map(plain);
      const heads = lines.filter((_, i) => !/font-size:12px/.test((layoutOf(f).title.text as string).split("<br>")[i]));
      for (const l of heads) assert.ok(l.length <= titleChars(Math.min(f.width, TITLE_SAFE_WIDTH)), `${f.name}: title line "${l}" fits ${TITLE_SAFE_WIDTH} px`);
      assert.ok(layoutOf(f).margin.t >= 14 + 24 * lines.length, `${f.name}: the top margin holds ${lines.length} title lines`);
      // category labels: no line longer than 24 characters
      for (const tr of traces(f)) {
        if (tr.type !== "bar" || !Array.isArray(tr.x)) continue;
        for (const x of tr.x as string[]) for (const line of String(x).split("<br>")) assert.ok(line.length <= 24, `${f.name}: label line "${line}"`);
      }
    }
  }
  const mvb = resultsFigureSet(withRuns).figures.find((f) => f.name === "results-model-vs-baseline")!;
  // The title that was cut on both sides: two even lines at 800 px, nothing lost.
  assert.deepEqual((layoutOf(mvb).title.text as string).split("<br>").slice(0, 2), [
    "Accuracy per subgroup: gpt-4.1-mini",
    `(2026-01-01 10:15) against the ${BASELINE_NAMES[NATIONAL_MODE]}`,
  ]);
});

test("one colour per model across every figure; baselines keep their fixed greys", () => {
  const { figures } = resultsFigureSet(withRuns);
  const seen = new Map<string, Set<string>>();
  const note = (label: string, colour: string) => {
    if (!seen.has(label)) seen.set(label, new Set());
    seen.get(label)!.add(colour);
  };
  // A wrapped category label back to its model label (wrapping only inserts <br> and may drop a space).
  const squash = (x: string) =>
    x
      .replace(/<br>/g, "")
      .replace(/\s+/g, "")
      .replace(/\((before|after)\)$/, "");
  const labels = new Map(withRuns.models.map((m) => [squash(m.label), m.label]));
  const unwrap = (x: string) => labels.get(squash(x)) ?? x;
  const byName = new Map(figures.map((f) => [f.name, f]));
  for (const t of traces(byName.get("results-main")!)) (t.x as string[]).forEach((x, i) => note(unwrap(x), t.marker.color[i]));
  for (const name of ["results-attributes-accuracy", "results-attributes-nmae"]) for (const t of traces(byName.get(name)!)) note(t.name, t.marker.color);
  for (const t of traces(byName.get("results-fairness")!)) (t.x as string[]).forEach((x, i) => note(unwrap(x), t.marker.color[i]));
  const mvb = traces(byName.get("results-model-vs-baseline")!)[1];
  note(withRuns.primary, mvb.marker.color);
  assert.deepEqual([...seen.keys()].sort(), withRuns.models.map((m) => m.label).sort());
  for (const [label, colours] of seen) assert.equal(colours.size, 1, `${label}: ${[...colours].join(", ")}`);
  for (const spec of DEFAULT_BASELINES) assert.deepEqual([...seen.get(BASELINE_NAMES[spec])!], [BASELINE_COLOURS[spec]]);
  const llmColours = withRuns.models.filter((m) => m.kind === "run").map((m) => [...seen.get(m.label)!][0]);
  assert.equal(new Set(llmColours).size, llmColours.length, "two runs of one model are two series with two colours");
});

test("every accuracy heatmap shares the metric's fixed scale", () => {
  for (const a of [noRun, withRuns]) {
    const maps = resultsFigureSet(a).figures.filter((f) => f.name.startsWith("results-heatmap-"));
    assert.equal(maps.length, 3);
    for (const f of maps) assert.deepEqual([traces(f)[0].zmin, traces(f)[0].zmax], metricRange("accuracy"));
  }
});

test("captions match the figures: dashed lines only when drawn; prompt sensitivity names its runs", () => {
  const { figures, missing } = resultsFigureSet(withRuns);
  const main = figures.find((f) => f.name === "results-main")!;
  const shapes = layoutOf(main).shapes as Trace[];
  assert.equal(shapes.length, 2 * DEFAULT_BASELINES.length);
  assert.ok(shapes.every((s) => s.line.dash === "dash"));
  assert.match(main.caption, new RegExp(`dashed lines = the baselines \\(${DEFAULT_BASELINES.map((s) => BASELINE_NAMES[s]).join(", ")}\\)`));
  assert.deepEqual(missing, []);
  const ps = figures.find((f) => f.name === "results-prompt-sensitivity")!;
  assert.match(ps.caption, /for gpt-4\.1-mini \(2026-01-01 10:15\) \(the runs with two or more templates\)/);
  assert.deepEqual(traces(ps)[0].x, [wrapLabel("gpt-4.1-mini (2026-01-01 10:15)", 24)]);
  assert.deepEqual(
    traces(ps)
      .slice(1)
      .map((t) => t.name),
    ["system-persona", "third-person"],
  );
  const fair = figures.find((f) => f.name === "results-fairness")!;
  assert.match(fair.caption, /compared runs as before, hatched, and after/);
  assert.deepEqual(traces(fair)[0].marker.pattern.shape.slice(0, 2), ["/", ""]);
});

test("prompt sensitivity leaves out baselines (no prompt) and single-template runs", () => {
  const f = promptSensitivityFigure([
    { model: NATIONAL_MODE, templateId: "system-persona", accuracy: 0.8 },
    { model: GPT, templateId: "system-persona", accuracy: 0.6 },
    { model: LONG, templateId: "system-persona", accuracy: 0.5 },
    { model: LONG, templateId: "third-person", accuracy: 0.4 },
  ]);
  assert.deepEqual(f.data[0].x, [wrapLabel(modelLabel(LONG), 24)]);
  assert.deepEqual(
    f.data.slice(1).map((t) => t.y),
    [[0.5], [0.4]],
  );
});

test("one name per baseline in figures, tables and findings; axis titles read as words", () => {
  assert.equal(baselineName(NATIONAL_MODE), BASELINE_NAMES[NATIONAL_MODE]);
  assert.equal(modelLabel("baseline:attribute-mode:age_group"), "age group mode");
  for (const a of [noRun, withRuns]) {
    const { figures } = resultsFigureSet(a);
    const text = JSON.stringify({ figs: figures.map((f) => [f.spec, f.caption]), tables: allTables(a), findings: findings(a) });
    assert.doesNotMatch(text, /Baseline:|population.mode|national-mode|attribute-product|Baseline: /);
    for (const spec of DEFAULT_BASELINES) assert.ok(text.includes(BASELINE_NAMES[spec]));
    for (const f of figures) {
      const L = layoutOf(f);
      for (const k of Object.keys(L).filter((x) => /^[xy]axis\d*$/.test(x))) {
        const t = L[k].title?.text as string | undefined;
        if (t) assert.doesNotMatch(t, /\(ratio|0–\)|\bnorm\. /, `${f.name} ${k}: "${t}"`);
      }
      const head = (L.title.text as string)
        .split("<br>")
        .filter((l) => !/font-size:12px/.test(l))
        .join(" ");
      assert.doesNotMatch(head, /: [^:]*: /, `${f.name}: one colon at most in "${head}"`);
    }
  }
});
