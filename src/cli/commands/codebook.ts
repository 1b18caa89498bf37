import type { Command } from "commander";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { dataDir, sharedDir } from "../../paths";
import { buildCodebook, serialiseCodebook } from "../../wvs/codebook-build";
import { WVS_DOWNLOAD_PAGE } from "../../wvs/microdata";
import { CliError, emit } from "../output";
import { displayPath, wroteLines } from "../wrote";

const WORLDVALUESBENCH = "https://github.com/Demon702/WorldValuesBench";

/** The files buildCodebook reads under --source, what each is and where to get it (checked against it by test/cli-codebook.test.ts). */
export const CODEBOOK_SOURCES: readonly { path: string; what: string }[] = [
  {
    path: "derived/wvs7_codebook_v6_core_Q1-Q290.json",
    what: `the official WVS-7 codebook v6.0 (question wording, answer labels) as JSON, parsed from "WVS7 Codebook Variables report V6.0" (${WVS_DOWNLOAD_PAGE})`,
  },
  {
    path: "worldvaluesbench/question_metadata.json",
    what: `WorldValuesBench's question metadata: ${WORLDVALUESBENCH}, dataset_construction/question_metadata.json`,
  },
  {
    path: "worldvaluesbench/answer_adjustment.json",
    what: `WorldValuesBench's scale recodes: ${WORLDVALUESBENCH}, dataset_construction/answer_adjustment.json`,
  },
  {
    path: "derived/sgp_specific_codes.json",
    what: `the country-specific code lists (ethnic group, detailed religion, education) from the WVS-7 codebook (${WVS_DOWNLOAD_PAGE})`,
  },
];

/** The default --source folder. */
export function defaultCodebookSource(): string {
  return join(sharedDir(), "wvs-real");
}

/** A user-facing error naming every missing source file and where to get it, or null when all are there. */
export function missingCodebookSources(source: string): string | null {
  const missing = CODEBOOK_SOURCES.filter((f) => !existsSync(join(source, f.path)));
  if (!missing.length) return null;
  const width = Math.max(...missing.map((f) => f.path.length));
  return [
    `codebook: ${missing.length} of the ${CODEBOOK_SOURCES.length} codebook source files are missing from ${displayPath(source)}${existsSync(source) ? "" : " (no such folder)"}:`,
    ...missing.map((f) => `  ${f.path.padEnd(width)}  ${f.what}`),
    "Put them there (SOURCE.md in ../shared/wvs-real says how each was made), or pass --source DIR.",
    "You rarely need this command: data/codebook.json ships with svlab and every other command reads it.",
  ].join("\n");
}

export function register(program: Command): void {
  program
    .command("codebook")
    .description("build data/codebook.json from the official codebook files (you rarely need this: it ships with svlab)")
    .option("--source <dir>", "folder with the derived/ and worldvaluesbench/ codebook files (default: ../shared/wvs-real, beside the project)")
    .option("--out <dir>", "output folder (default: data, the project's data folder)")
    .option("--json", "print a JSON summary")
    .action((opts: { source?: string; out?: string; json?: boolean }) => {
      const source = resolve(opts.source ?? defaultCodebookSource());
      const missing = missingCodebookSources(source);
      if (missing) throw new CliError(missing);
      const cb = buildCodebook(source);
      const out = join(resolve(opts.out ?? dataDir()), "codebook.json");
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, serialiseCodebook(cb));
      emit({ questions: Object.keys(cb.questions).length, variables: Object.keys(cb.variables).length, out }, opts.json, (v) =>
        [`codebook: ${v.questions} questions, ${v.variables} demographic variables`, ...wroteLines([{ label: "codebook", path: v.out }])].join("\n"),
      );
    });
}
