import type { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { dataDir, sharedDir } from "../../paths";
import { buildCodebook, serialiseCodebook } from "../../wvs/codebook-build";
import { emit } from "../output";
import { wroteLines } from "../wrote";

export function register(program: Command): void {
  program
    .command("codebook")
    .description("build data/codebook.json from the official codebook files (default ../shared/wvs-real)")
    .option("--source <dir>", "folder with derived/ and worldvaluesbench/ codebook files")
    .option("--out <dir>", "output folder", undefined)
    .option("--json", "print a JSON summary")
    .action((opts: { source?: string; out?: string; json?: boolean }) => {
      const source = resolve(opts.source ?? join(sharedDir(), "wvs-real"));
      const cb = buildCodebook(source);
      const out = join(resolve(opts.out ?? dataDir()), "codebook.json");
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, serialiseCodebook(cb));
      emit({ questions: Object.keys(cb.questions).length, variables: Object.keys(cb.variables).length, out }, opts.json, (v) =>
        [`codebook: ${v.questions} questions, ${v.variables} demographic variables`, ...wroteLines([{ label: "codebook", path: v.out }])].join("\n"),
      );
    });
}
