import { type Command, Option } from "commander";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { writeAggregates } from "../../benchmark/aggregates";
import { loadBenchmark } from "../../benchmark/load";
import { summarizeBenchmark } from "../../benchmark/summary";
import { CliError, emit } from "../output";
import { wroteLines } from "../wrote";
import { noteBenchmarkUnknownCodes, unknownCodesOption } from "../wvs-options";

export function register(program: Command): void {
  const cmd = program
    .command("dataset")
    .description("build the subgroup benchmark (from --wvs FILE, else the shipped aggregates) and print its size")
    .option("--wvs <file>", "WVS-7 CSV file (cross-national, single-country or Excel-export format)")
    .option("--preset <name>", "benchmark preset", "tan2026")
    .option("--weighted", "label with W_WEIGHT-weighted modes (needs --wvs)")
    .option("--ties <policy>", "which of tied modal codes becomes the label: lowest | highest (default: the preset's, lowest for tan2026)")
    .addOption(new Option("--tie <policy>").hideHelp()) // the spelling before --ties, still accepted
    .on("option:ties", function (this: Command, v: string) {
      this.setOptionValueWithSource("tie", v, "cli"); // the action reads either spelling as opts.tie
    })
    .option("--out <dir>", "write the aggregates (answer counts per question and subgroup) to DIR")
    .option("--json", "print JSON");
  unknownCodesOption(cmd).action(
    async (opts: { wvs?: string; preset: string; weighted?: boolean; tie?: string; out?: string; json?: boolean; unknownCodesAsMissing?: boolean }) => {
      if (opts.tie && opts.tie !== "lowest" && opts.tie !== "highest") throw new CliError(`--tie: expected lowest or highest, got "${opts.tie}"`);
      if (opts.out && !opts.wvs) throw new CliError("--out needs --wvs: aggregates are built from the WVS file");
      const b = await loadBenchmark({
        wvs: opts.wvs ? resolve(opts.wvs) : undefined,
        preset: opts.preset,
        weighted: opts.weighted || undefined,
        tiePolicy: opts.tie as "lowest" | "highest" | undefined,
        ...(opts.unknownCodesAsMissing ? { unknownCodesAsMissing: true } : {}),
      });
      noteBenchmarkUnknownCodes(b);
      const summary: Record<string, unknown> = { ...summarizeBenchmark(b) };
      if (opts.out) {
        mkdirSync(resolve(opts.out), { recursive: true });
        summary.wrote = writeAggregates(b, resolve(opts.out));
      }
      emit(summary, opts.json, (s) =>
        [
          `preset ${s.preset} (${s.source}): ${s.questions} questions`,
          `train: ${s.subgroups.train} subgroups, ${s.pairs.train} pairs`,
          `ood:   ${s.subgroups.ood} subgroups, ${s.pairs.ood} pairs`,
          `tied modes: ${s.ties} pairs (policy: ${s.options.tiePolicy})`,
          ...(s.wrote ? wroteLines([{ label: "benchmark aggregates", path: s.wrote }]) : []),
        ].join("\n"),
      );
    },
  );
}
