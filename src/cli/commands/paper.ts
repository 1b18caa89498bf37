/**
 * svlab paper: the paper's tables (main results, fairness, refusals, MDS by category, per attribute
 * value) from whatever runs exist, as Markdown + CSV. See src/report/paper.ts.
 */
import type { Command } from "commander";
import { join, resolve } from "node:path";
import { loadBenchmark } from "../../benchmark/load";
import type { Split } from "../../benchmark/types";
import { writeFileSync } from "node:fs";
import { buildPaper, paperMarkdown, writePaper, type Paper } from "../../report/paper";
import { paperFigures } from "../../report/paper-figures";
import { resultsRoot } from "../../runner/results";
import { CliError, emit } from "../output";
import { wroteLines } from "../wrote";

interface PaperCliOptions {
  results?: string;
  out?: string;
  split: string;
  pair: string[];
  baselines?: string;
  print?: boolean;
  figures: boolean;
  published?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("paper")
    .description(
      "the paper's tables from the runs found: main results (base vs tuned, Δ, open-source avg), fairness (NormRange, CV), refusals (sensitive questions), MDS by category, per attribute value — Markdown + CSV",
    )
    .option("--results <dir>", "results root to read runs from (default: SVLAB_RESULTS or ./results)")
    .option("--out <dir>", "where to write paper.md, the CSVs and paper.json (default: <results>/paper-<split>)")
    .option("--split <split>", "train | ood", "ood")
    .option(
      "--pair <base=tuned>",
      "a base → fine-tuned pair by model name or run id (repeatable; runs that record tunedFrom pair themselves)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option("--baselines <specs>", "comma-separated baseline specs (default: population-mode and attribute-product)")
    .option("--print", "also print the Markdown")
    .option("--no-figures", "skip the figures (SVG through Chromium)")
    .option("--published", "draw the paper's published averages beside the fairness bars")
    .option("--json", "print JSON: {split, files, models, pairs, notes}")
    .action(async (o: PaperCliOptions) => {
      if (o.split !== "ood" && o.split !== "train") throw new CliError(`--split must be train or ood, got "${o.split}"`);
      const pairs = o.pair.map((p) => {
        const i = p.indexOf("=");
        if (i <= 0 || i === p.length - 1) throw new CliError(`--pair: expected BASE=TUNED (model names or run ids), got "${p}"`);
        return { base: p.slice(0, i), tuned: p.slice(i + 1) };
      });
      const bench = await loadBenchmark();
      let paper: Paper;
      try {
        paper = await buildPaper(bench, {
          split: o.split as Split,
          results: o.results,
          pairs,
          ...(o.baselines
            ? {
                baselines: o.baselines
                  .split(",")
                  .map((s) => s.trim())
                  .filter(Boolean),
              }
            : {}),
        });
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const out = resolve(o.out ?? join(resultsRoot(o.results), `paper-${o.split}`));
      const files = writePaper(paper, out);
      if (o.figures) {
        const { createRenderer } = await import("../../figures/render");
        let renderer: Awaited<ReturnType<typeof createRenderer>> | undefined;
        try {
          renderer = await createRenderer();
        } catch (err) {
          process.stderr.write(`svlab: figures skipped (${(err as Error).message.split("\n")[0]}); the tables are written. --no-figures skips them quietly\n`);
        }
        if (renderer) {
          try {
            for (const f of paperFigures(paper, { published: o.published })) {
              const img = await renderer.render(f.spec, { formats: ["svg"], width: 900, height: 520 });
              files[`${f.name}.svg`] = join(out, `${f.name}.svg`);
              writeFileSync(files[`${f.name}.svg`], img.svg!);
            }
          } finally {
            await renderer.close();
          }
        }
      }
      const summary = {
        split: paper.split,
        files,
        models: paper.models.map((m) => ({
          model: m.model,
          id: m.id,
          kind: m.kind,
          open: m.open,
          tunedFrom: m.tunedFrom,
          n: m.n,
          accuracy: m.accuracy,
          nmae: m.nmae,
        })),
        pairs: paper.pairs,
        notes: paper.notes,
      };
      if (o.print && !o.json) process.stdout.write(`${paperMarkdown(paper)}\n`);
      emit(summary, o.json, () =>
        [
          `${paper.models.filter((m) => m.kind === "llm").length} models, ${paper.pairs.length} base → tuned pairs, ${paper.models.filter((m) => m.kind === "baseline").length} baselines (${paper.split.toUpperCase()} split)`,
          ...wroteLines(
            Object.entries(files).map(([name, path]) => ({
              label:
                name === "paper.md"
                  ? "tables (Markdown)"
                  : name === "paper.json"
                    ? "numbers (JSON)"
                    : name.endsWith(".svg")
                      ? `figure ${name.replace(/^paper-|\.svg$/g, "")}`
                      : `${name.replace(/\.csv$/, "")} table (CSV)`,
              path,
            })),
          ),
        ].join("\n"),
      );
    });
}
