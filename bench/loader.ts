/**
 * Loader vs pandas on a cross-national-size file: a synthetic WVS-7 file in the real file's shape
 * (≥ 90,000 rows × 613 columns, ~2% Singapore rows), read by svlab's loader (country filter while
 * streaming, the respondents table's columns) and by pandas.read_csv (same columns, then the same
 * country filter). Each reader runs in its own process so peak memory (max RSS) is its own.
 * Goal from issue 2: at least as fast as pandas, peak memory under 400 MB.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../src/paths";
import { ATTRIBUTES, ATTRIBUTE_NAMES } from "../src/wvs/attributes";
import { loadCodebook } from "../src/wvs/codebook";
import { writeSyntheticWvs } from "../test/support/synthetic-wvs";

const ROWS = 90_000;

export interface LoaderBench {
  file: string;
  rows: number;
  columns: number;
  mb: number;
  svlab: { seconds: number; peakMB: number; kept: number };
  /** The same loader keeping every row (no country filter): the cost of parsing everything. */
  svlabAllRows: { seconds: number; peakMB: number; kept: number };
  pandas: { seconds: number; peakMB: number; kept: number } | { error: string };
  ratio?: number;
}

function columns(): string[] {
  const attr = [...new Set(ATTRIBUTE_NAMES.flatMap((a) => ATTRIBUTES[a].columns))];
  return ["D_INTERVIEW", "W_WEIGHT", "B_COUNTRY", ...attr, ...Object.keys(loadCodebook().questions)];
}

export async function run(): Promise<LoaderBench> {
  const dir = join(projectRoot(), ".cache", "bench");
  mkdirSync(dir, { recursive: true });
  // the name carries the generator version: bump it when the synthetic columns change
  const file = join(dir, `synthetic-cross-national-${ROWS}-v2.csv`);
  if (!existsSync(file)) {
    process.stderr.write(`bench: writing ${file} (${ROWS} rows × 613 columns, once)…\n`);
    await writeSyntheticWvs(file, { rows: ROWS, columns: 613, singaporeShare: 1 / 48, seed: 42 });
  }
  const cols = columns();
  const colsFile = join(dir, "loader-columns.json");
  writeFileSync(colsFile, JSON.stringify(cols));

  // svlab: a fresh node process reading with the country filter (and once without, for honesty:
  // parsing every row, as pandas must).
  const svlabRun = (country: string): { seconds: number; peakMB: number; kept: number } => {
    const js = `
    const { readWvsFile } = await import(${JSON.stringify(join(projectRoot(), "src/wvs/read-file.ts"))});
    const cols = JSON.parse(require("fs").readFileSync(${JSON.stringify(colsFile)}, "utf8"));
    const t = performance.now();
    const r = await readWvsFile(${JSON.stringify(file)}, { columns: cols, country: ${country} });
    const s = (performance.now() - t) / 1000;
    console.log(JSON.stringify({ seconds: s, peakMB: process.resourceUsage().maxRSS / 1024, kept: r.rows }));`;
    const a = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", js.replace('require("fs")', "(await import('node:fs'))")], {
      encoding: "utf8",
      cwd: projectRoot(),
    });
    if (a.status !== 0) throw new Error(`svlab loader failed: ${a.stderr}`);
    return JSON.parse(a.stdout.trim().split("\n").pop()!);
  };
  const svlab = svlabRun("702");
  const svlabAllRows = svlabRun("undefined");

  const py = `
import json, resource, sys, time
import pandas as pd
cols = json.load(open(${JSON.stringify(colsFile)}))
t = time.time()
df = pd.read_csv(${JSON.stringify(file)}, usecols=cols, encoding="utf-8-sig")
df = df[df["B_COUNTRY"] == 702]
s = time.time() - t
print(json.dumps({"seconds": s, "peakMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "kept": int(len(df))}))`;
  const b = spawnSync("/usr/bin/python3", ["-c", py], { encoding: "utf8" });
  const pandas =
    b.status === 0 ? JSON.parse(b.stdout.trim()) : { error: (b.stderr || "python3-pandas missing (apt-get install python3-pandas)").trim().split("\n").pop()! };
  return {
    file,
    rows: ROWS,
    columns: 613,
    mb: Math.round(statSync(file).size / 1e6),
    svlab,
    svlabAllRows,
    pandas,
    ratio: "seconds" in pandas ? pandas.seconds / svlab.seconds : undefined,
  };
}

if (process.argv[1]?.endsWith("loader.ts")) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
