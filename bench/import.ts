/**
 * `svlab import` speed: 20,877 rows — every benchmark pair once — in each format: the authors'
 * released shape (custom_id + "Answer: N") as JSONL, CSV and Parquet, and an OpenAI Batch output
 * file with svlab's own batch custom_ids. Each import reads the file, maps every row onto its pair,
 * parses every response with the live runs' parser and writes a results run. Target: under 3 s per
 * import, the benchmark load included. Files are generated into .cache/bench/import/ (synthetic
 * answers: speed does not depend on what a model answered).
 * `node --import tsx bench/import.ts` prints the numbers; `run()` returns them.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { loadBenchmark } from "../src/benchmark/load";
import { paperCustomId } from "../src/benchmark/subgroup-id";
import { importOutputs } from "../src/import/index";
import { projectRoot } from "../src/paths";
import { batchCustomId } from "../src/runner/batch";

const BUDGET_MS = 3000;

export interface ImportBench {
  rows: number;
  /** Loading the benchmark (shipped aggregates), once. */
  loadMs: number;
  /** Per format: the import's own time (read, match, parse, write), and with the benchmark load. */
  formats: Record<string, { importMs: number; withLoadMs: number; cpuMs: number; matched: number; unmatched: number; parsed: number; fileBytes: number }>;
  /** 1-minute load average when the bench ran (2 cores: above 2, other work slowed these wall times). */
  loadAverage: number;
  budgetMs: number;
  withinBudget: boolean;
}

export async function run(): Promise<ImportBench> {
  const dir = join(projectRoot(), ".cache", "bench", "import");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let t = performance.now();
  const bench = await loadBenchmark();
  const loadMs = performance.now() - t;
  const codes = new Map(bench.questions.map((q) => [q.id, q.scale.map((o) => o.code)]));
  const answer = (i: number, q: string) => {
    const c = codes.get(q)!;
    return c[(i * 7) % c.length];
  };
  const pairs = bench.pairs;
  const files: Record<string, string> = {};

  let jsonl = "";
  pairs.forEach((p, i) => (jsonl += `${JSON.stringify({ custom_id: paperCustomId(p.question, p.subgroup), response: `Answer: ${answer(i, p.question)}` })}\n`));
  files["tan2026-jsonl"] = join(dir, "tan2026.jsonl");
  writeFileSync(files["tan2026-jsonl"], jsonl);

  let csv = "custom_id,response\n";
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  pairs.forEach((p, i) => (csv += `${q(paperCustomId(p.question, p.subgroup))},${q(`Answer: ${answer(i, p.question)}`)}\n`));
  files["tan2026-csv"] = join(dir, "tan2026.csv");
  writeFileSync(files["tan2026-csv"], csv);

  let batch = "";
  pairs.forEach((p, i) => {
    const custom_id = batchCustomId({ sample: 0, prompt: { question: p.question, subgroup: p.subgroup, templateId: "system-persona" } });
    batch += `${JSON.stringify({ id: `batch_req_${i}`, custom_id, response: { status_code: 200, body: { choices: [{ index: 0, message: { role: "assistant", content: `Answer: ${answer(i, p.question)}` } }], usage: { prompt_tokens: 120, completion_tokens: 3 } } }, error: null })}\n`;
  });
  files["openai-batch"] = join(dir, "batch_output.jsonl");
  writeFileSync(files["openai-batch"], batch);

  try {
    const { parquetWriteBuffer } = (await import("hyparquet-writer")) as typeof import("hyparquet-writer");
    const buf = parquetWriteBuffer({
      columnData: [
        { name: "custom_id", data: pairs.map((p) => paperCustomId(p.question, p.subgroup)), type: "STRING" },
        { name: "response", data: pairs.map((p, i) => `Answer: ${answer(i, p.question)}`), type: "STRING" },
      ],
    });
    files["tan2026-parquet"] = join(dir, "tan2026.parquet");
    writeFileSync(files["tan2026-parquet"], Buffer.from(buf));
  } catch {
    // hyparquet-writer is a dev dependency: without it the Parquet row is left out
  }

  const formats: ImportBench["formats"] = {};
  for (const [name, file] of Object.entries(files)) {
    t = performance.now();
    const cpu0 = process.cpuUsage();
    const s = await importOutputs({ file, model: `bench-${name}`, benchmark: bench, results: join(dir, "results") });
    const importMs = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    const { statSync } = await import("node:fs");
    formats[name] = {
      importMs: Math.round(importMs),
      withLoadMs: Math.round(importMs + loadMs),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      matched: s.matched,
      unmatched: s.unmatched,
      parsed: s.parsed,
      fileBytes: statSync(file).size,
    };
  }
  return {
    rows: pairs.length,
    loadMs: Math.round(loadMs),
    formats,
    loadAverage: Math.round(loadavg()[0] * 10) / 10,
    budgetMs: BUDGET_MS,
    withinBudget: Object.values(formats).every((f) => f.withLoadMs < BUDGET_MS && f.matched === pairs.length),
  };
}

if (process.argv[1]?.endsWith("import.ts")) console.log(JSON.stringify(await run(), null, 2));
