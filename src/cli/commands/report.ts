/**
 * svlab report: Markdown + HTML report (tables, figures, findings) for every completed run in a
 * results folder on one split, always with the baselines beside them.
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Split } from "../../benchmark/types";
import { closeSharedRenderer } from "../../figures/render";
import { analyseResults } from "../../analysis/results";
import { DEFAULT_BASELINES } from "../../analysis/sources";
import { loadMetricModules } from "../../metrics/registry";
import { writeReport } from "../../report/write";
import { listRuns, resultsRoot } from "../../runner/results";
import { CliError, emit } from "../output";
import { figuresLabel, wroteLines } from "../wrote";
import { UNKNOWN_CODES_FLAG } from "../wvs-options";
import { benchmarkFileOption, benchmarkRefusal, chooseBenchmark } from "../benchmark-file";

interface ReportCliOptions {
  results?: string;
  out?: string;
  split: string;
  baseline?: string[];
  compare?: string[];
  wvs?: string;
  benchmark?: string;
  unknownCodesAsMissing?: boolean;
  bootstrap: string;
  seed: string;
  images: boolean;
  json?: boolean;
  metrics?: string[];
}

export function register(program: Command): void {
  const cmd = program
    .command("report")
    .description("write report.md + report.html (tables, figures, findings) for the runs in a results folder, with the baselines")
    .option("--results <dir>", "results root holding run folders (default: SVLAB_RESULTS or ./results)")
    .option("--out <dir>", "report folder (default: <results>/report-<split>)")
    .option("--split <split>", "train | ood", "ood")
    .option("--baseline <spec...>", `baselines to include (default: ${DEFAULT_BASELINES.join(" ")})`)
    .option("--compare <before..after...>", "before/after pairs by run id or model spec, e.g. llama:base.gguf..llama:sft.gguf")
    .option("--wvs <file>", "rebuild the labels from this WVS-7 file instead of the shipped aggregates")
    .option(UNKNOWN_CODES_FLAG, "with --wvs: load answer codes the codebook does not know as missing, and print how many")
    .option("--bootstrap <n>", "bootstrap resamples over questions", "1000")
    .option("--seed <n>", "seed for bootstrap and permutation tests", "1")
    .option("--no-images", "write plotly specs only (no Chromium)")
    .option("--json", "print the written files as JSON")
    .option("--metrics <file...>", "modules that register more per-pair metrics (registerMetric in src/metrics/registry.ts); they join accuracy and NMAE");
  benchmarkFileOption(cmd).action(async (o: ReportCliOptions) => {
    if (o.split !== "ood" && o.split !== "train") throw new CliError(`--split must be train or ood, got "${o.split}"`);
    const B = Number(o.bootstrap);
    if (!Number.isInteger(B) || B < 0) throw new CliError(`--bootstrap must be a whole number ≥ 0, got "${o.bootstrap}"`);
    if (o.metrics?.length)
      await loadMetricModules(o.metrics).catch((err: Error) => {
        throw new CliError(err.message);
      });
    const root = resultsRoot(o.results);
    if (o.results && !existsSync(root)) throw new CliError(`--results ${o.results}: no such folder`);
    const compare = (o.compare ?? []).map((c) => {
      const i = c.indexOf("..");
      if (i <= 0 || i === c.length - 2) throw new CliError(`--compare "${c}": expected BEFORE..AFTER (run ids or model specs)`);
      return { before: c.slice(0, i), after: c.slice(i + 2) };
    });
    // The runs' own benchmark unless one is named; a run made on another benchmark is refused by name.
    const runs = (await listRuns(existsSync(root) ? root : undefined))
      .filter((r) => existsSync(root) && r.manifest.status === "completed")
      .map((r) => r.manifest);
    const chosen = await chooseBenchmark(o, runs);
    const bench = chosen.bench;
    for (const r of runs) {
      const refusal = benchmarkRefusal(r, chosen);
      if (refusal) throw new CliError(refusal);
    }
    if (chosen.pinned) process.stderr.write(`svlab: report on ${chosen.from}\n`);
    const analysis = await analyseResults(bench, {
      split: o.split as Split,
      results: existsSync(root) ? root : null,
      baselines: o.baseline ?? DEFAULT_BASELINES,
      bootstrap: B,
      seed: Number(o.seed),
      compare,
    });
    const out = resolve(o.out ?? join(root, `report-${o.split}`));
    try {
      const w = await writeReport(analysis, out, { images: o.images, results: root });
      const written = {
        dir: w.dir,
        report: join(w.dir, "report.md"),
        html: join(w.dir, "report.html"),
        analysis: join(w.dir, "analysis.json"),
        figures: w.figures,
        models: analysis.models.map((m) => m.label),
        files: w.files,
      };
      const figDir = join(w.dir, "figures");
      emit(written, o.json, (v: typeof written) =>
        [
          `report on the ${o.split} split for ${v.models.length} models (${v.models.join(", ")})`,
          ...wroteLines([
            { label: "Markdown report", path: v.report },
            { label: "HTML report", path: v.html },
            { label: "analysis (JSON)", path: v.analysis },
            ...(v.figures.length
              ? [
                  {
                    label: figuresLabel(
                      v.figures.length,
                      v.files.filter((f) => dirname(f) === figDir),
                    ),
                    path: figDir,
                  },
                ]
              : []),
          ]),
        ].join("\n"),
      );
    } finally {
      await closeSharedRenderer();
    }
  });
}
