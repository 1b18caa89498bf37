/**
 * svlab evaluate: score one model on one split against the benchmark labels. LLMs are read from
 * a results run (the newest completed one for the model and split, or --run); baseline:* specs are
 * computed on the spot from the benchmark (no run needed).
 */
import type { Command } from "commander";
import { resolve } from "node:path";
import type { Split } from "../../benchmark/types";
import { benchmarkSha256 } from "../../benchmark/fingerprint";
import { evaluatePredictions, evaluationJson, headlineMetrics, loadMetricModules, withFailures, type By } from "../../metrics/index";
import { baselinePredictions } from "../../analysis/sources";
import { distinctSize, filterPredictions, pairsHeader, uncertaintyLines } from "../../report/uncertainty-text";
import { microdataFrom } from "../../metrics/noise-floor";
import { loadRespondents } from "../../wvs/respondents";
import { benchmarkMismatch, latestRun, listRuns, readResults, resultsRoot, runState, type RunResults } from "../../runner/results";
import type { Prediction } from "../../runner/types";
import { CliError, emit } from "../output";
import { UNKNOWN_CODES_FLAG } from "../wvs-options";
import { benchmarkFileOption, benchmarkRefusal, chooseBenchmark } from "../benchmark-file";
import { modelSpecHelp } from "../model-specs";

interface EvaluateCliOptions {
  model?: string;
  run?: string;
  split: string;
  template?: string;
  results?: string;
  wvs?: string;
  benchmark?: string;
  ties: string;
  bootstrap: string;
  seed: string;
  by?: string;
  json?: boolean;
  excludeFailed?: boolean;
  strict?: boolean;
  unknownCodesAsMissing?: boolean;
  excludeOffScale?: boolean;
  stableLabels?: string;
  null?: string;
  metrics?: string[];
}

const pct = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(3) : "—");

export function register(program: Command): void {
  const cmd = program
    .command("evaluate")
    .description("accuracy, NMAE (+ CIs, macro, disparity) of one model on a split, against the benchmark labels")
    .option("--model <spec>", `provider spec: ${modelSpecHelp()}; baselines are computed on the spot, others scored from their newest completed run`)
    .option("--run <id|dir>", "evaluate this results run (default: newest completed run of --model on --split)")
    .option("--split <split>", "train | ood", "ood")
    .option("--template <id>", "template to score when a run has several (default: system-persona or the first)")
    .option("--results <dir>", "results root (default: SVLAB_RESULTS or ./results)")
    .option("--wvs <file>", "rebuild the labels from this WVS-7 file instead of the shipped aggregates")
    .option("--ties <policy>", "how tied modal codes score: label (only the benchmark's label is right) | any (any tied mode is right)", "label")
    .option("--bootstrap <n>", "bootstrap resamples over questions for the CIs (0 = none)", "1000")
    .option("--seed <n>", "bootstrap seed", "1")
    .option("--by <grouping>", "also print per-group scores: subgroup | stratum | template | attribute:<name>")
    .option("--json", "print JSON: {n, accuracy, nmae, parsed, refused, failed, ci, macro, metrics, disparity, coverage, …}")
    .option(
      "--metrics <file...>",
      "modules that register more per-pair metrics (registerMetric in src/metrics/registry.ts); they join accuracy and NMAE in every output",
    )
    .option("--exclude-failed", "leave failed requests (no answer after retries) out of the scores instead of scoring them wrong (said in every output)")
    .option("--strict", "refuse to score a run made against another benchmark (default: warn)")
    .option(
      "--null <n>",
      "size-matched null draws for the disparity's noise floor, and question+label resamples for its interval (default: --bootstrap; with --wvs the null draws random respondent groups, 200 by default)",
    )
    .option("--exclude-off-scale", 'leave out pairs whose label is an off-scale code (e.g. Q222 "Not allowed to vote"); kept by default, as the paper does')
    .option("--stable-labels <share>", "score only pairs whose label holds in at least this share of resamples of the subgroup's answers (e.g. 0.8)")
    .option(UNKNOWN_CODES_FLAG, "with --wvs: load answer codes the codebook does not know as missing, and print how many");
  benchmarkFileOption(cmd).action(async (o: EvaluateCliOptions) => {
    if (o.split !== "ood" && o.split !== "train") throw new CliError(`--split must be train or ood, got "${o.split}"`);
    if (o.ties !== "label" && o.ties !== "any") throw new CliError(`--ties must be label or any, got "${o.ties}"`);
    const B = Number(o.bootstrap);
    const seed = Number(o.seed);
    if (!Number.isInteger(B) || B < 0) throw new CliError(`--bootstrap must be a whole number ≥ 0, got "${o.bootstrap}"`);
    if (!Number.isInteger(seed)) throw new CliError(`--seed must be an integer, got "${o.seed}"`);
    if (!o.model && !o.run) throw new CliError("give --model SPEC (e.g. baseline:population-mode, openai:gpt-4.1-mini) or --run ID");
    const split = o.split as Split;
    if (o.metrics?.length)
      await loadMetricModules(o.metrics).catch((err: Error) => {
        throw new CliError(err.message);
      });
    // The run to score, found before the benchmark: a run made on a benchmark file brings it.
    let run: RunResults | undefined;
    if (o.run) {
      run = await readResults(o.run, o.results);
      if (run.manifest.task === "open-ended")
        throw new CliError(
          `run ${run.manifest.runId} is an open-ended run (free text, no answer codes): it is judged, not scored; svlab judge --candidate ${run.manifest.runId} --reference RUN --judge SPEC`,
        );
      if (o.model && run.manifest.model !== o.model) throw new CliError(`run ${run.manifest.runId} is of model ${run.manifest.model}, not ${o.model}`);
    } else if (!o.model!.startsWith("baseline:")) {
      const latest = await latestRun({ model: o.model, split }, o.results);
      if (!latest) {
        throw new CliError(
          `no completed run of ${o.model} on the ${split} split under ${resultsRoot(o.results)}; ` +
            `run \`svlab run --model ${o.model} --split ${split}\` first, or pass --run`,
        );
      }
      run = await readResults(latest.dir);
    }
    // a baseline scored beside runs (--results given): the runs' benchmark
    const beside = !run && o.results ? (await listRuns(o.results)).filter((r) => r.manifest.status === "completed").map((r) => r.manifest) : [];
    const chosen = await chooseBenchmark(o, run ? [run.manifest] : beside);
    const bench = chosen.bench;
    if (chosen.pinned) process.stderr.write(`svlab: scoring against ${chosen.from}\n`);
    let predictions: Prediction[];
    let source: Record<string, unknown>;
    const warnings: string[] = [];
    /** A run's predictions with its failed requests as outcomes, after the benchmark check. */
    const fromRun = (res: RunResults): Prediction[] => {
      const refusal = benchmarkRefusal(res.manifest, chosen);
      if (refusal) throw new CliError(refusal);
      const mismatch = benchmarkMismatch(res, benchmarkSha256(bench));
      if (mismatch && o.strict) throw new CliError(`${mismatch}. Rerun the model, or drop --strict to score anyway`);
      if (mismatch) {
        warnings.push(mismatch);
        process.stderr.write(`svlab: warning: ${mismatch} (--strict refuses)\n`);
      }
      source = {
        kind: "run",
        runId: res.manifest.runId,
        dir: res.dir,
        status: res.manifest.status,
        state: runState(res),
        errors: res.errors.length,
        benchmark: mismatch ? "differs from the run's" : res.manifest.benchmark?.sha256 ? "same as the run's" : "not recorded by the run",
      };
      return withFailures(res.predictions, res.errors);
    };
    if (run) {
      predictions = fromRun(run);
    } else {
      predictions = await baselinePredictions(o.model!, bench, { split, templateId: o.template });
      source = { kind: "baseline", computed: "from the benchmark, no run needed" };
    }
    // With --wvs the null draws random respondent groups (exact; 200 draws unless --null says otherwise).
    const microdata = o.wvs
      ? microdataFrom(
          (await loadRespondents(resolve(o.wvs), o.unknownCodesAsMissing ? { unknownCodes: "missing" } : {})).table as never,
          bench.questions.map((q) => q.id),
          bench.options.weighted,
        )
      : undefined;
    const draws = o.null === undefined ? (microdata ? Math.min(B, 200) : B) : Number(o.null);
    if (!Number.isInteger(draws) || draws < 0) throw new CliError(`--null must be a whole number ≥ 0, got "${o.null}"`);
    const stable = o.stableLabels === undefined ? undefined : Number(o.stableLabels);
    if (stable !== undefined && !(stable >= 0 && stable <= 1)) throw new CliError(`--stable-labels must be a share in [0, 1], got "${o.stableLabels}"`);
    const filtered = filterPredictions(bench, predictions, { split, excludeOffScale: o.excludeOffScale, stableLabels: stable, seed });
    predictions = filtered.kept;
    const ev = evaluatePredictions(bench, predictions, {
      split,
      templateId: o.template,
      ties: o.ties as "label" | "any",
      bootstrap: B,
      seed,
      excludeFailed: o.excludeFailed,
      nullDraws: draws,
      labelDraws: o.null === undefined ? B : draws,
      microdata,
    });
    if (ev.n === 0) {
      const why =
        o.excludeFailed && ev.failed.requests > 0 ? `; all ${ev.failed.requests} were failed requests, excluded by --exclude-failed` : "; wrong --split?";
      throw new CliError(`no ${split} predictions to score (${predictions.length} predictions read${why})`);
    }
    const out: Record<string, unknown> = {
      ...evaluationJson(ev),
      source: source!,
      benchmark: { preset: bench.options.preset, from: chosen.from, sha256: benchmarkSha256(bench) },
    };
    if (warnings.length) out.warnings = [...ev.warnings, ...warnings];
    if (filtered.notes.length) out.labelFilter = { ...filtered.dropped, notes: filtered.notes };
    if (o.by) {
      const by = o.by as By;
      try {
        ev.frame.keyOf(by);
      } catch (err) {
        throw new CliError(`--by: ${(err as Error).message}`);
      }
      const metrics = headlineMetrics();
      const acc = ev.frame.byGroup(metrics[0].id, by);
      const values = new Map(metrics.map((m) => [m.id, ev.frame.values(m.id, by)]));
      // size = distinct respondents (an attribute value's single-attribute subgroup); expected = the noise floor's pooled score.
      const floor = (m: string) => ev.noiseFloor?.attributes.find((a) => `attribute:${a.attribute}` === o.by && a.metric === m);
      out.by = o.by;
      out.groups = acc.map((r) => {
        const size = distinctSize(bench, o.by!, r.group, r.size);
        const row: Record<string, unknown> = { group: r.group, pairs: r.pairs, subgroups: r.subgroups, size: size.size, small: r.small };
        for (const m of metrics) row[m.id] = values.get(m.id)!.get(r.group);
        if (size.note) row.sizeNote = size.note;
        const fa = floor("accuracy"),
          fn = floor("nmae");
        if (fa && fn) row.expected = { accuracy: fa.nullMean[r.group], nmae: fn.nullMean[r.group] };
        return row;
      });
    }
    emit(out, o.json, () => human(out, ev.ci !== undefined));
  });
}

function human(o: Record<string, any>, ci: boolean): string {
  const state = o.source?.state && o.source.state !== "complete" ? ` · ${o.source.state} run` : "";
  const lines = [
    `${o.model} · ${o.split}${o.model.startsWith("baseline:") ? "" : ` · template ${o.templateId}`} · ${pairsHeader(o.n, o.subgroups, o.questions)}${state}`,
    `accuracy ${pct(o.accuracy)}${ci ? ` [${pct(o.ci.accuracy.lo)}, ${pct(o.ci.accuracy.hi)}]` : ""}   NMAE ${pct(o.nmae)}${ci ? ` [${pct(o.ci.nmae.lo)}, ${pct(o.ci.nmae.hi)}]` : ""}   (micro, over pairs${ci ? `; ${Math.round(o.ci.level * 100)}% CI, ${o.ci.resamples} resamples of questions` : ""})`,
    `macro over subgroups: accuracy ${pct(o.macro.accuracy)}  NMAE ${pct(o.macro.nmae)}`,
    `parsed ${pct(o.parsed)}  refused ${pct(o.refused)}  (${o.unparsedPairs} unparsed, ${o.refusedPairs} refused pairs; scored wrong, error 1)`,
    o.failed.policy === "excluded"
      ? `failed requests: ${o.failed.requests} (${o.failed.pairs} pairs) EXCLUDED from these scores (--exclude-failed); the scores cover answered pairs only`
      : `failed requests: ${o.failed.requests} (${o.failed.pairs} pairs), scored wrong, error 1${o.failed.requests ? " (--exclude-failed leaves them out)" : ""}`,
    ...uncertaintyLines(o as never),
  ];
  // Registered metrics beyond accuracy and NMAE: value, CI and subgroup disparity (questions resampled).
  for (const m of headlineMetrics().filter((x) => !x.builtIn)) {
    const r = o.metrics?.[m.id];
    const d = o.disparity?.[m.id];
    if (!r) continue;
    const c = r.ci ? ` [${pct(r.ci.overall.lo)}, ${pct(r.ci.overall.hi)}]` : "";
    const dc = (k: "normalisedRange" | "cv") => (d?.ci ? ` [${pct(d.ci[k].lo)}, ${pct(d.ci[k].hi)}]` : "");
    lines.push(
      `${m.label} ${pct(r.value)}${c} (${m.direction} is better; macro ${pct(r.macro)}); across subgroups: norm. range ${pct(d?.normalisedRange)}${dc("normalisedRange")}, CV ${pct(d?.cv)}${dc("cv")} (questions resampled; no noise floor for registered metrics)`,
    );
  }
  if (o.labelFilter) lines.push(...o.labelFilter.notes);
  if (o.distribution)
    lines.push(
      `distribution (${o.distribution.n} pairs): W1 ${pct(o.distribution.w1)}  JSD ${pct(o.distribution.jsd)}  expected NMAE ${pct(o.distribution.expectedNmae)}  valid mass ${pct(o.distribution.validMass)}`,
    );
  if (o.coverage.missing) {
    const have = o.coverage.expected - o.coverage.missing;
    lines.push(
      `coverage: scored on the ${have.toLocaleString("en-US")} of ${o.coverage.expected.toLocaleString("en-US")} ${o.split} pairs that have a prediction`,
    );
  }
  if (o.groups) {
    const exp = o.groups.some((g: any) => g.expected);
    const metrics = headlineMetrics();
    lines.push(
      "",
      `group | subgroups | respondents | pairs | ${metrics.map((m) => m.label).join(" | ")}${exp ? " | expected from sizes alone (accuracy, NMAE)" : ""}`,
    );
    for (const g of o.groups) {
      const e = g.expected ? ` | ${pct(g.expected.accuracy)}, ${pct(g.expected.nmae)}` : "";
      const one = g.subgroups === 1 && String(o.by ?? "").startsWith("attribute:") ? "  (one subgroup)" : "";
      lines.push(
        `${g.group} | ${g.subgroups} | ${Number.isFinite(g.size) ? g.size.toLocaleString("en-US") : "—"} | ${g.pairs} | ${metrics.map((m) => pct(g[m.id])).join(" | ")}${e}${g.small ? "  (small)" : ""}${one}`,
      );
    }
  }
  return lines.join("\n");
}
