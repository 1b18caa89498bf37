/**
 * svlab import: any model's outputs (the authors' released outputs, an OpenAI Batch output file, a
 * CSV / JSONL / Parquet dump) → a normal completed results run; `svlab evaluate --model NAME`
 * then scores it like any other. See src/import/index.ts.
 */
import type { Command } from "commander";
import { importOutputs, IMPORT_FORMATS, type ImportFormat, type ImportSummary } from "../../import/index";
import { CliError, emit } from "../output";
import { displayPath, shellArg, wroteLines } from "../wrote";

interface ImportCliOptions {
  model: string;
  format: string;
  results?: string;
  runId?: string;
  template?: string;
  tunedFrom?: string;
  idColumn?: string;
  questionColumn?: string;
  subgroupColumn?: string;
  responseColumn?: string;
  codeColumn?: string;
  templateColumn?: string;
  sampleColumn?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("import <file>")
    .description("read a model's outputs (JSONL, CSV or Parquet: the authors' custom_id shape, OpenAI Batch output, or question/subgroup columns) into a results run")
    .requiredOption("--model <name>", "the model's name in svlab (e.g. sailor2-8b); `svlab evaluate --model NAME` finds the run by it")
    .option("--format <format>", `${IMPORT_FORMATS.join(" | ")}`, "auto")
    .option("--results <dir>", "results root (default: SVLAB_RESULTS or ./results)")
    .option("--run-id <id>", "run id (default: time_model_split_random)")
    .option("--template <id>", "template id for rows that name none", "imported")
    .option("--tuned-from <model>", "the model this one was fine-tuned from (recorded as tunedFrom; `svlab paper` pairs base and tuned by it)")
    .option("--id-column <name>", "custom_id column (default: custom_id)")
    .option("--question-column <name>", "question column (default: question, question_id or qid)")
    .option("--subgroup-column <name>", "subgroup column: svlab's id or the authors' spelling (default: subgroup)")
    .option("--response-column <name>", "response text column (default: response, output, completion, text, answer, …)")
    .option("--code-column <name>", "answer code column (default: code or answer_code)")
    .option("--template-column <name>", "template id column (default: templateId or template)")
    .option("--sample-column <name>", "sample index column (default: sample); any column may be a dotted path into nested JSON (doc.id, resps.0.0)")
    .option("--json", "print JSON: {runId, n, matched, unmatched, unmatchedRows, predictions, parsed, refused, failed, duplicates, split, dir, …}")
    .action(async (file: string, o: ImportCliOptions) => {
      if (!IMPORT_FORMATS.includes(o.format as ImportFormat)) throw new CliError(`--format must be one of ${IMPORT_FORMATS.join(", ")}, got "${o.format}"`);
      const s = await importOutputs({
        file,
        model: o.model,
        format: o.format as ImportFormat,
        results: o.results,
        runId: o.runId,
        templateId: o.template,
        tunedFrom: o.tunedFrom,
        columns: {
          id: o.idColumn,
          question: o.questionColumn,
          subgroup: o.subgroupColumn,
          response: o.responseColumn,
          code: o.codeColumn,
          template: o.templateColumn,
          sample: o.sampleColumn,
        },
      });
      const { result: _r, ...out } = s;
      out.elapsedMs = Math.round(out.elapsedMs);
      emit(out, o.json, human);
      if (s.predictions === 0) process.exitCode = 1;
    });
}

function human(s: Omit<ImportSummary, "result">): string {
  const lines = [
    `${displayPath(s.file)}: ${s.n.toLocaleString("en-US")} rows (${s.fileKind}, format ${s.format}) → ${s.matched.toLocaleString("en-US")} matched a benchmark pair, ${s.unmatched.toLocaleString("en-US")} did not`,
    `${s.predictions.toLocaleString("en-US")} answers (${s.parsed} parsed, ${s.refused} refused, ${s.unparsed} unparsed) · ${s.failed} failed pairs · ${s.duplicates} duplicates dropped · ${s.pairs} pairs (train ${s.splits.train}, OOD ${s.splits.ood})`,
  ];
  if (s.unmatchedRows.length) {
    lines.push(`first unmatched rows:`);
    for (const u of s.unmatchedRows) lines.push(`  row ${u.row}: ${u.named} — ${u.reason}`);
  }
  if (s.dir) {
    lines.push(...wroteLines([{ label: `run ${s.runId} (imported, ${s.split})`, path: s.dir }]));
    lines.push(`score it: svlab evaluate --model ${shellArg(s.model)} --split ${s.split === "train" ? "train" : "ood"}`);
  }
  if (!s.predictions) lines.push("nothing to score: no row matched a benchmark pair with an answer (run marked failed)");
  return lines.join("\n");
}
