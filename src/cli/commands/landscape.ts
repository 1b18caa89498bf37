import type { Command } from "commander";
import { resolve } from "node:path";
import { computeLandscape, type Landscape, type LandscapeOptions } from "../../benchmark/landscape";
import { describeSource, loadBenchmark } from "../../benchmark/load";
import { PAPER_CATEGORY_MDS } from "../../figures/landscape";
import { CliError, emit } from "../output";
import { noteBenchmarkUnknownCodes, UNKNOWN_CODES_FLAG } from "../wvs-options";

const r3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

export function register(program: Command): void {
  program
    .command("landscape")
    .description("value landscape: Modal Diversity Score and ordinal Wasserstein-1 per WVS-7 category and per question")
    .option("--wvs <file>", "WVS-7 CSV file (default: the shipped aggregates)")
    .option("--strata <set>", "strata averaged over: all | train | ood | comma-separated stratum keys", "all")
    .option("--json", "print JSON (full precision, per category, per question and per stratum)")
    .option(UNKNOWN_CODES_FLAG, "with --wvs: load answer codes the codebook does not know as missing, and print how many")
    .action(async (opts: { wvs?: string; strata: string; json?: boolean; unknownCodesAsMissing?: boolean }) => {
      const strata: LandscapeOptions["strata"] =
        opts.strata === "all" || opts.strata === "train" || opts.strata === "ood"
          ? opts.strata
          : opts.strata
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean);
      if (Array.isArray(strata) && !strata.length) throw new CliError(`--strata: expected all, train, ood or stratum keys, got "${opts.strata}"`);
      const b = await loadBenchmark({ wvs: opts.wvs ? resolve(opts.wvs) : undefined, ...(opts.unknownCodesAsMissing ? { unknownCodesAsMissing: true } : {}) });
      noteBenchmarkUnknownCodes(b);
      let L: Landscape;
      try {
        L = computeLandscape(b, { strata });
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const out = {
        source: describeSource(b),
        options: L.options,
        averaging: "question = mean over strata; category = mean over its questions",
        overall: L.overall,
        categories: L.categories,
        questions: L.questions,
        strata: L.strata,
        paper: { source: "Tan et al. (2026), category MDS", categories: PAPER_CATEGORY_MDS },
      };
      emit(out, opts.json, () => {
        const lines = [
          `value landscape on ${out.source}`,
          `strata: ${L.options.strata.join(", ")}`,
          "",
          "category                              qs    MDS     W1",
        ];
        for (const c of L.categories) {
          const paper = PAPER_CATEGORY_MDS[c.category];
          lines.push(
            `${c.category.padEnd(36)} ${String(c.questions).padStart(3)}  ${r3(c.mds)!.toFixed(3)}  ${r3(c.w1)?.toFixed(3) ?? "  -  "}${paper !== undefined ? `   (paper: ${paper.toFixed(3)})` : ""}`,
          );
        }
        lines.push(`${"all questions".padEnd(36)} ${String(L.overall.questions).padStart(3)}  ${L.overall.mds.toFixed(3)}  ${L.overall.w1?.toFixed(3) ?? "-"}`);
        lines.push("", "most divisive questions (MDS):");
        for (const q of L.questions.slice(0, 10)) lines.push(`  ${q.question.padEnd(6)} ${q.mds.toFixed(3)}  W1 ${q.w1?.toFixed(3) ?? "-"}  ${q.label}`);
        lines.push("", "(--json for every question and stratum)");
        return lines.join("\n");
      });
    });
}
