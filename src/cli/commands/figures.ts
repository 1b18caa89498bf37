import type { Command } from "commander";
import { resolve } from "node:path";
import { createFigureContext, listFigures, loadCatalogue, writeFigures } from "../../figures/registry";
import { closeSharedRenderer, type ImageFormat } from "../../figures/render";
import { loadMetricModules } from "../../metrics/registry";
import { resultsRoot } from "../../runner/results";
import { CliError, emit } from "../output";
import { figuresLabel, wroteLines } from "../wrote";

export function register(program: Command): void {
  program
    .command("figures")
    .description("write the figures of every finished stage to DIR/<name>.svg and .png (one Chromium page for all)")
    .option("--out <dir>", "output folder", "figures")
    .option("--only <names>", "comma-separated figure or stage names (e.g. landscape, results-main; default: every figure)")
    .option("--format <list>", "svg | png | svg,png", "svg,png")
    .option("--wvs <file>", "build the benchmark from this WVS-7 file (default: the shipped aggregates)")
    .option("--results <dir>", "results root holding run folders (default: SVLAB_RESULTS or ./results)")
    .option("--question <id>", "question for landscape-answer-heatmap (default: most divisive on MDS × W1)")
    .option("--list", "list the registered figures and exit")
    .option("--json", "print JSON")
    .option("--metrics <file...>", "modules that register more per-pair metrics (registerMetric in src/metrics/registry.ts); they join accuracy and NMAE")
    .action(async (opts: { out: string; only?: string; format: string; wvs?: string; results?: string; question?: string; list?: boolean; json?: boolean; metrics?: string[] }) => {
      // Before the catalogue, so a registered metric's figures are in it.
      if (opts.metrics?.length) await loadMetricModules(opts.metrics).catch((err: Error) => { throw new CliError(err.message); });
      await loadCatalogue();
      if (opts.list) {
        const defs = listFigures().map((d) => ({ name: d.name, stage: d.stage, title: d.title, caption: d.caption }));
        emit(defs, opts.json, (ds: typeof defs) => ds.map((d) => `${d.name.padEnd(40)} ${d.stage.padEnd(10)} ${d.title}`).join("\n"));
        return;
      }
      const formats = opts.format.split(",").map((s) => s.trim()) as ImageFormat[];
      const bad = formats.filter((f) => f !== "svg" && f !== "png");
      if (bad.length || !formats.length) throw new CliError(`--format: expected svg, png or svg,png, got "${opts.format}"`);
      const context = createFigureContext({
        benchmark: opts.wvs ? { wvs: resolve(opts.wvs) } : {},
        resultsDir: resultsRoot(opts.results),
        options: opts.question ? { question: opts.question } : {},
      });
      const only = opts.only?.split(",").map((s) => s.trim()).filter(Boolean);
      const t0 = performance.now();
      try {
        const written = await writeFigures(opts.out, {
          only,
          formats,
          context,
          onFigure: (f, i, n) => {
            if (!opts.json) process.stderr.write(`[${i + 1}/${n}] ${f.name}: ${f.skipped ? `skipped (${f.skipped})` : `${f.files.join(", ")} (${Math.round(f.ms)} ms)`}\n`);
          },
        });
        const done = written.filter((w) => !w.skipped);
        const summary = { out: opts.out, written: done.length, skipped: written.length - done.length, seconds: Math.round((performance.now() - t0) / 100) / 10, figures: written };
        emit(summary, opts.json, (s: typeof summary) =>
          [
            `${s.written} figures in ${s.seconds} s${s.skipped ? `; ${s.skipped} skipped (why: see above)` : ""}`,
            ...(s.written ? wroteLines([{ label: figuresLabel(s.written, done.flatMap((f) => f.files)), path: resolve(s.out) }]) : ["no figures written"]),
          ].join("\n"),
        );
      } catch (err) {
        throw new CliError((err as Error).message);
      } finally {
        await closeSharedRenderer();
      }
    });
}
