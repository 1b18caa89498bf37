import type { Command } from "commander";
import { resolve } from "node:path";
import { loadCodebook } from "../../wvs/codebook";
import { answerDistribution } from "../../wvs/distribution";
import { loadRespondents } from "../../wvs/respondents";
import { emit } from "../output";
import { noteUnknownCodes, UNKNOWN_CODES_FLAG } from "../wvs-options";

export function register(program: Command): void {
  program
    .command("distribution")
    .description("answer shares (percent) per code, for one or every value question, overall or by an attribute")
    .option("--wvs <file>", "WVS-7 CSV file (default: WVS_CSV or ../shared/wvs-real)")
    .option("--question <id>", "one question (default: every value question)")
    .option("--by <attribute>", "break down by sex, age_group, ethnicity, religion, education, income, … (default: none, the whole sample)")
    .option("--weighted", "weight by W_WEIGHT")
    .option("--valid-only", "drop missing codes (-1 … -5) from the denominator")
    .option("--json", "print JSON: {question: {code: percent}} or {question: {group: {code: percent}}} with --by")
    .option(UNKNOWN_CODES_FLAG, "load answer codes the codebook does not know as missing, and print how many; default: refuse the file")
    .action(
      async (opts: {
        wvs?: string;
        question?: string;
        by?: string;
        weighted?: boolean;
        validOnly?: boolean;
        json?: boolean;
        unknownCodesAsMissing?: boolean;
      }) => {
        const resp = await loadRespondents(opts.wvs ? resolve(opts.wvs) : undefined, opts.unknownCodesAsMissing ? { unknownCodes: "missing" } : {});
        noteUnknownCodes(resp.unknownCodes);
        const questions = opts.question ? [opts.question] : Object.keys(loadCodebook().questions).filter((q) => resp.questions.includes(q));
        const out: Record<string, Record<string, unknown>> = {};
        for (const q of questions) {
          const rows = answerDistribution(resp, q, { by: opts.by, weighted: opts.weighted, includeMissing: !opts.validOnly });
          const round = (x: number): number => Math.round(x * 100) / 100;
          if (!opts.by) out[q] = Object.fromEntries(rows.map((r) => [String(r.code), round(r.percent)]));
          else {
            const g: Record<string, Record<string, number>> = {};
            for (const r of rows) (g[r.group] ??= {})[String(r.code)] = round(r.percent);
            out[q] = g;
          }
        }
        emit(out, opts.json, (o) =>
          Object.entries(o)
            .map(([q, v]) => `${q}: ${JSON.stringify(v)}`)
            .join("\n"),
        );
      },
    );
}
