import type { Command } from "commander";
import { COUNTRY } from "../../wvs/codebook-build";
import { CliError, emit } from "../output";
import { benchmarkFromOptions, benchmarkSourceOptions, type BenchmarkSourceOptions } from "./dataset";

export function register(program: Command): void {
  const cmd = program
    .command("subgroups")
    .description("list the benchmark's subgroup ids with their size (respondents) and split")
    .option("--split <split>", "only this split: train | ood")
    .option("--json", "print JSON");
  benchmarkSourceOptions(cmd).action(async (opts: BenchmarkSourceOptions & { split?: string; json?: boolean }) => {
    if (opts.split !== undefined && opts.split !== "train" && opts.split !== "ood") {
      throw new CliError(`--split: expected train or ood, got "${opts.split}"`);
    }
    const b = await benchmarkFromOptions(opts);
    const subgroups = b.subgroups
      .filter((s) => opts.split === undefined || s.split === opts.split)
      .map((s) => ({ id: s.id, stratum: s.stratum, size: s.size, split: s.split }));
    const country = b.country ?? COUNTRY;
    emit({ preset: b.options.preset, country, split: opts.split ?? "all", subgroups }, opts.json, (v: { subgroups: typeof subgroups }) => {
      const width = Math.max(2, ...v.subgroups.map((s) => s.id.length));
      return [
        `${v.subgroups.length} subgroups of preset ${b.options.preset} (${country.name})${opts.split ? `, split ${opts.split}` : ""}:`,
        `${"id".padEnd(width)}  ${"size".padStart(5)}  split`,
        ...v.subgroups.map((s) => `${s.id.padEnd(width)}  ${String(s.size).padStart(5)}  ${s.split}`),
      ].join("\n");
    });
  });
}
