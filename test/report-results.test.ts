/**
 * Results analysis → report: a run in a temporary results folder next to the baselines, tables,
 * figure specs (titles, axis titles, stable names), report files, and the evaluate CLI.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { loadBenchmark } from "../src/benchmark/load";
import { resultsFigures } from "../src/figures/results-figures";
import { BASELINE_NAMES, NATIONAL_MODE } from "../src/analysis/labels";
import { analyseResults } from "../src/analysis/results";
import { allTables, mainTable } from "../src/report/tables";
import { baselinePredictions } from "../src/analysis/sources";
import { findings, writeReport } from "../src/report/write";
import { svlab } from "./support/cli";
import { writeErrors, writeManifest } from "../src/runner/results";
import { saveRun, syntheticPredictions } from "./support/synthetic-predictions";

const run = promisify(execFile);
const NATIONAL = BASELINE_NAMES[NATIONAL_MODE];

async function makeRun(root: string, model: string, runId: string, correctShare: number, seed: number): Promise<void> {
  const bench = await loadBenchmark();
  const preds = syntheticPredictions(bench, { model, seed, nullShare: 0.02, correctShare });
  await saveRun(root, model, runId, preds);
}

test("analysis, tables, figures and report files for a run beside the baselines", async () => {
  const root = mkdtempSync(join(tmpdir(), "svlab-report-"));
  try {
    await makeRun(root, "openai-compatible:http://127.0.0.1:1/v1#base", "20260101T000000Z_base_ood_0001", 0.45, 1);
    await makeRun(root, "openai-compatible:http://127.0.0.1:1/v1#sft", "20260101T000001Z_sft_ood_0002", 0.65, 2);
    const bench = await loadBenchmark();
    const a = await analyseResults(bench, {
      results: root,
      bootstrap: 100,
      permutations: 200,
      compare: [{ before: "20260101T000000Z_base_ood_0001", after: "20260101T000001Z_sft_ood_0002" }],
    });
    assert.deepEqual(
      a.models.map((m) => m.label),
      ["base", "sft", BASELINE_NAMES["baseline:population-mode"], BASELINE_NAMES["baseline:attribute-product"]],
    );
    assert.equal(a.primary, "base");
    assert.deepEqual(a.attributes, ["age_group", "ethnicity", "religion"]); // no OOD stratum has sex
    const base = a.models[0].evaluation;
    assert.equal(base.n, 10177);
    assert.ok(base.accuracy > 0.4 && base.accuracy < 0.6, String(base.accuracy));
    assert.ok(base.ci!.accuracy.lo < base.accuracy && base.accuracy < base.ci!.accuracy.hi);
    assert.equal(a.models[2].evaluation.accuracy, 8380 / 10177);
    // Model vs baseline: each of the 3 other models vs each of the 2 built-in baselines overall, and
    // 2 runs × 2 baselines × (subgroup + 3 attributes).
    assert.equal(a.skill.length, 6 + 16);
    assert.equal(a.skill.filter((s) => s.by === "subgroup")[0].rows.length, 48);
    assert.deepEqual(
      a.models.flatMap((m) => m.gapTests.map((t) => t.method)).every((x) => x === "max-min permutation within questions"),
      true,
    );
    assert.equal(a.comparisons.length, 1);
    assert.ok(a.comparisons[0].accuracy.overall.change > 0.1);
    const tables = allTables(a);
    assert.equal(tables[0].rows.length, 4);
    assert.ok(tables.some((t) => t.title === "base → sft"));
    const figs = resultsFigures(a);
    assert.deepEqual(
      figs.map((f) => f.name),
      [
        "results-main",
        "results-attributes-accuracy",
        "results-attributes-nmae",
        "results-heatmap-age-x-religion",
        "results-heatmap-age-x-ethnicity",
        "results-heatmap-ethnicity-x-religion",
        "results-model-vs-baseline",
        "results-fairness",
      ],
    );
    for (const f of figs) {
      const layout = f.spec.layout as Record<string, any>;
      assert.ok(layout.title?.text, `${f.name} has a title`);
      const axes = Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k));
      assert.ok(axes.length >= 2, `${f.name} has axes`);
      // every axis a reader sees has a title (a hidden axis, e.g. a shared top row, needs none)
      for (const ax of axes) if (layout[ax].showticklabels !== false) assert.ok(layout[ax].title?.text, `${f.name} ${ax} has a title`);
    }
    const out = join(root, "report");
    const w = await writeReport(a, out, { images: false });
    const md = readFileSync(join(out, "report.md"), "utf8");
    assert.match(md, /### Main results \(OOD split\)/);
    assert.match(md, /\| base \| LLM run \| 10177 \|/);
    assert.match(md, /The national mode baseline .* reaches accuracy 0\.823/);
    assert.ok(existsSync(join(out, "report.html")) && existsSync(join(out, "analysis.json")));
    assert.ok(existsSync(join(out, "figures", "results-main.json")));
    assert.equal(w.figures.length, 8);
    assert.deepEqual(
      w.notDrawn.map((m) => m.name),
      ["results-prompt-sensitivity"],
    ); // every run used one template
    assert.match(md, /Not drawn:\n\n- \*\*results-prompt-sensitivity\*\*: needs an LLM run with two or more prompt templates/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("svlab evaluate --model baseline:population-mode --split ood --json", async () => {
  const { stdout } = await run(process.execPath, [
    "--import",
    "tsx",
    "src/cli/main.ts",
    "evaluate",
    "--model",
    "baseline:population-mode",
    "--split",
    "ood",
    "--json",
    "--bootstrap",
    "50",
  ]);
  const o = JSON.parse(stdout);
  assert.equal(o.n, 10177);
  assert.equal(o.accuracy, 8380 / 10177);
  assert.ok(Math.abs(o.nmae - 67205 / 84 / 10177) < 1e-12);
  assert.equal(o.parsed, 1);
  assert.equal(o.refused, 0);
  assert.equal(o.ci.resamples, 50);
  assert.ok(o.ci.accuracy.lo < o.accuracy && o.accuracy < o.ci.accuracy.hi);
  assert.equal(o.source.kind, "baseline");
});

test("svlab evaluate: a model with no run is a clear error", async () => {
  const root = mkdtempSync(join(tmpdir(), "svlab-empty-"));
  try {
    await assert.rejects(
      run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "evaluate", "--model", "openai:gpt-4.1", "--results", root]),
      (e: { stderr: string }) => /no completed run of openai:gpt-4\.1 on the ood split/.test(e.stderr),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("results figures are registered in the figure catalogue under stable names", async () => {
  await import("../src/figures/results-catalogue");
  const { listFigures } = await import("../src/figures/registry");
  const names = listFigures()
    .filter((f) => f.stage === "results")
    .map((f) => f.name);
  assert.deepEqual(names, [
    "results-attributes-accuracy",
    "results-attributes-nmae",
    "results-fairness",
    "results-heatmap-age-x-ethnicity",
    "results-heatmap-age-x-religion",
    "results-heatmap-ethnicity-x-religion",
    "results-main",
    "results-model-vs-baseline",
    "results-prompt-sensitivity",
  ]);
});

test("a --limit run meets the baselines on its own pairs; a baseline run is its built-in baseline, shown once; two runs of one model stay apart in figures; CI level in the text", async () => {
  const root = mkdtempSync(join(tmpdir(), "svlab-report-cov-"));
  try {
    const bench = await loadBenchmark();
    const national = await baselinePredictions("baseline:population-mode", bench, { split: "ood" });
    // An "LLM" that answers exactly like the national mode, on the first 200 OOD pairs only.
    const clone = national.slice(0, 200).map((p) => ({ ...p, model: "openai:clone" }));
    await saveRun(root, "openai:clone", "20260101T000000Z_clone_ood_0001", clone);
    await saveRun(root, "openai:clone", "20260101T000001Z_clone_ood_0002", clone.slice(0, 150));
    await saveRun(root, "baseline:population-mode", "20260101T000002Z_pm_ood_0003", national.slice(0, 40));
    const a = await analyseResults(bench, {
      results: root,
      bootstrap: 30,
      permutations: 50,
      level: 0.9,
      compare: [{ before: "20260101T000000Z_clone_ood_0001", after: "20260101T000001Z_clone_ood_0002" }],
    });
    // The baseline run (40 pairs) is the built-in national mode: one model, on the whole split.
    assert.deepEqual(
      a.models.map((m) => [m.label, m.kind, m.builtIn, m.evaluation.n]),
      [
        ["clone (2026-01-01 00:00:00)", "run", false, 200],
        ["clone (2026-01-01 00:00:01)", "run", false, 150],
        [NATIONAL, "baseline", true, 10177],
        [BASELINE_NAMES["baseline:attribute-product"], "baseline", true, 10177],
      ],
    );
    assert.deepEqual(a.notes, [
      `Run 20260101T000002Z_pm_ood_0003 (${NATIONAL_MODE}) is the ${NATIONAL} baseline, which the analysis scores on the whole OOD split anyway (baselines are deterministic and use no prompt): shown once, as the ${NATIONAL}.`,
    ]);
    // Skill of an exact copy of the national mode is 0 on its pairs (was +0.235 against the whole split).
    const s = a.skill.find((x) => x.by === "overall" && x.model === "clone (2026-01-01 00:00:00)" && x.baseline === NATIONAL)!;
    assert.deepEqual(s.pairs, { shared: 200, onlyBefore: 0, onlyAfter: 9977 });
    assert.deepEqual([s.rows[0].skill.accuracy, s.rows[0].skill.nmae! + 0], [0, 0]);
    for (const t of a.skill.filter((x) => x.model === "clone (2026-01-01 00:00:00)" && x.baseline === NATIONAL)) {
      for (const r of t.rows)
        assert.deepEqual(
          [r.skill.accuracy! + 0, r.skill.nmae! + 0].map((v) => (Number.isNaN(v) ? 0 : v)),
          [0, 0],
          `${t.by} ${r.group}`,
        );
    }
    // Small-subgroup warning judged on the whole split, not on the first (partial) run.
    assert.ok(a.warnings.includes("17 OOD subgroups are small (fewer than 50 respondents or 30 pairs); their scores are noisy"), a.warnings.join("; "));
    const main = mainTable(a);
    assert.deepEqual(main.rows[0].slice(0, 3), ["clone (2026-01-01 00:00:00)", "LLM run", "200 of 10177"]);
    assert.deepEqual(main.rows[0].slice(-2), ["+0.000", "+0.000"]);
    assert.deepEqual(
      main.rows.map((r) => r[0]),
      ["clone (2026-01-01 00:00:00)", "clone (2026-01-01 00:00:01)", NATIONAL, BASELINE_NAMES["baseline:attribute-product"]],
    );
    assert.deepEqual(main.rows[2].slice(-2), ["ref.", "ref."]);
    assert.match(main.note!, /90% bootstrap CIs/);
    assert.match(main.note!, /rescored on exactly the model's pairs/);
    const tables = allTables(a);
    assert.ok(tables.filter((t) => /CIs/.test(t.note ?? "")).every((t) => !/95%/.test(t.note!)));
    const cmp = tables.find((t) => t.title === "clone (2026-01-01 00:00:00) → clone (2026-01-01 00:00:01)")!;
    assert.match(cmp.note!, /^On the 150 \(question, subgroup\) pairs both runs answered \(left out: 50 only before, 0 only after\)/);
    assert.equal(a.comparisons[0].accuracy.overall.change, 0);
    assert.match(findings(a).join("\n"), /Against the national mode on the same 200 pairs \(national mode 0\.675 there\) its skill is 0\.000/);
    // Figures: series keyed by run label, not by model spec.
    const figs = new Map(resultsFigures(a).map((f) => [f.name, f]));
    const names = (f: string) => (figs.get(f)!.spec.data as Array<Record<string, any>>).map((d) => d.name);
    const attrNames = names("results-attributes-accuracy");
    assert.ok(attrNames.includes("clone (2026-01-01 00:00:00)") && attrNames.includes("clone (2026-01-01 00:00:01)"));
    // The national mode once per panel (3 panels: age group, ethnicity, religion), not twice.
    assert.equal(attrNames.filter((n) => n === NATIONAL).length, 3);
    const colours = new Map((figs.get("results-attributes-accuracy")!.spec.data as Array<Record<string, any>>).map((d) => [d.name, d.marker.color]));
    assert.notEqual(colours.get("clone (2026-01-01 00:00:00)"), colours.get("clone (2026-01-01 00:00:01)"));
    assert.equal(figs.has("results-prompt-sensitivity"), false); // one template per run: no spread to show
    assert.match(figs.get("results-fairness")!.caption, /90% bootstrap CIs/);
    assert.match(String((figs.get("results-main")!.spec.layout as any).title.text), /90% bootstrap CIs/);
    // Model vs baseline figure: both on the model's 200 pairs → every point on the diagonal.
    const pts = (figs.get("results-model-vs-baseline")!.spec.data as Array<Record<string, any>>)[1];
    assert.deepEqual(pts.x, pts.y);
    assert.match(figs.get("results-model-vs-baseline")!.caption, /Both scored on the model's 200 pairs/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("svlab figures reads runs from SVLAB_RESULTS when --results is not given", async () => {
  const root = mkdtempSync(join(tmpdir(), "svlab-figenv-"));
  const out = mkdtempSync(join(tmpdir(), "svlab-figout-"));
  try {
    const bench = await loadBenchmark();
    const preds = (await baselinePredictions("baseline:population-mode", bench, { split: "ood" }))
      .slice(0, 100)
      .map((p) => ({ ...p, model: "openai:from-env-root" }));
    await saveRun(root, "openai:from-env-root", "20260101T000000Z_env_ood_0001", preds);
    const r = svlab(["figures", "--only", "results-main", "--format", "svg", "--out", out, "--json"], { env: { SVLAB_RESULTS: root } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(join(out, "results-main.svg"), "utf8"), /from-env-root/);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});

test("the report scores failed requests as wrong and names runs that did not complete", async () => {
  const root = mkdtempSync(join(tmpdir(), "svlab-report-failed-"));
  try {
    const bench = await loadBenchmark();
    const model = "openai-compatible:http://127.0.0.1:1/v1#partial";
    // Every OOD pair answered right except 100 whose requests failed.
    const all = syntheticPredictions(bench, { model, seed: 3, nullShare: 0, correctShare: 1 });
    const failed = all.slice(0, 100);
    const id = "20260101T000000Z_partial_ood_0001";
    await saveRun(root, model, id, all.slice(100));
    await writeErrors(
      join(root, id),
      failed.map((p) => ({
        model,
        templateId: p.templateId,
        question: p.question,
        subgroup: p.subgroup,
        split: p.split,
        sample: p.sample,
        error: "HTTP 500",
        status: 500,
        attempts: 3,
      })),
    );
    const aborted = "20260101T000001Z_stopped_ood_0002";
    await saveRun(root, "openai-compatible:http://127.0.0.1:1/v1#stopped", aborted, all.slice(0, 10));
    const m = JSON.parse(readFileSync(join(root, aborted, "run.json"), "utf8"));
    await writeManifest(join(root, aborted), { ...m, status: "aborted" });

    const a = await analyseResults(bench, { results: root, bootstrap: 0 });
    const run = a.models.find((x) => x.kind === "run")!;
    assert.equal(run.evaluation.n, all.length);
    assert.equal(run.evaluation.failedPairs, 100);
    assert.equal(run.evaluation.accuracy, (all.length - 100) / all.length);
    assert.equal(a.models.filter((x) => x.kind === "run").length, 1, "the aborted run is not scored");
    assert.ok(
      a.warnings.some((w) => w.includes(`${aborted} (openai-compatible:http://127.0.0.1:1/v1#stopped, aborted)`)),
      a.warnings.join("\n"),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
