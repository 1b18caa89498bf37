/**
 * `svlab import`: any model's outputs → a normal completed results run, scored like any other.
 *
 *   const s = await importOutputs({ file: "outputs.parquet", model: "sailor2-8b" });
 *   s.runId, s.matched, s.unmatched
 *
 * Formats (one reader per file kind, one interpreter for every row shape):
 *  - tan2026: the authors' released outputs (Hugging Face `Incomple/SubgroupValuesSG-outputs`):
 *    `custom_id` ("Q1_sex_x_age_Female_16-24-years") + `response` ("Answer: 1"); JSONL, CSV or Parquet;
 *  - openai-batch: an OpenAI Batch output file: `custom_id` + `response.body.choices[0].message.content`;
 *    an `error` line or a non-2xx `response.status_code` is a failed pair (errors.jsonl), scored
 *    like a live run's failed request;
 *  - csv / jsonl: a question column and a subgroup column (svlab's id or the authors' spelling) — or
 *    a custom_id column — and a response text or answer code column; names configurable (`columns`).
 * `auto` (default) picks the file kind from the extension (else the first bytes) and reads each
 * row by its shape. Responses go through the live runs' parser (src/models/parse-answer.ts)
 * against the question's shown options, so an imported "Answer: 3" and a live one score alike.
 *
 * Rows that match no benchmark pair are counted and the first few listed, never fatal. Duplicates
 * follow the run rules: one answer per (template, question, subgroup, sample) — an answer beats a
 * failure (as collecting a batch does), else the first row wins; the rest are counted as duplicates.
 */
import { basename, resolve } from "node:path";
import { benchmarkSha256 } from "../benchmark/fingerprint";
import { loadBenchmark } from "../benchmark/load";
import { type Benchmark, pairKey, type Split } from "../benchmark/types";
import { answerFromReply } from "../models/parse-answer";
import { renderQuestion } from "../personas/question";
import { svlabVersion } from "../runner/grid";
import {
  checkRunId,
  claimRunFolder,
  makeRunId,
  resultsRoot,
  writeErrors,
  writeManifest,
  writePredictions,
  type RunError,
  type RunManifest,
} from "../runner/results";
import type { Prediction } from "../runner/types";
import { PairMatcher, type PairMatch } from "./match";
import { streamRows, type FileKind, type Row } from "./read";

export type ImportFormat = "auto" | "tan2026" | "openai-batch" | "csv" | "jsonl";
export const IMPORT_FORMATS: ImportFormat[] = ["auto", "tan2026", "openai-batch", "csv", "jsonl"];

/** Column names; each defaults to the first of its candidates present in the file. */
export interface ImportColumns {
  id?: string;
  question?: string;
  subgroup?: string;
  response?: string;
  code?: string;
  template?: string;
  sample?: string;
}

const CANDIDATES: Required<Record<keyof ImportColumns, string[]>> = {
  id: ["custom_id", "customId", "custom-id"],
  question: ["question", "question_id", "questionId", "qid"],
  subgroup: ["subgroup", "subgroup_id", "subgroupId", "persona"],
  response: ["response", "output", "completion", "generation", "text", "content", "answer", "prediction"],
  code: ["code", "answer_code", "answerCode", "pred_code"],
  template: ["templateId", "template", "template_id"],
  sample: ["sample", "sample_index"],
};

export interface ImportOptions {
  file: string;
  /** The model's name in svlab (any name, e.g. "sailor2-8b" or "openai:gpt-4.1"); `evaluate --model` finds the run by it. */
  model: string;
  format?: ImportFormat;
  /** Results root (default SVLAB_RESULTS or ./results). */
  results?: string;
  runId?: string;
  /** Template id for rows that name none (default "imported": the prompt was not svlab's). */
  templateId?: string;
  columns?: ImportColumns;
  /** The model this one was fine-tuned from (recorded as run.json tunedFrom). */
  tunedFrom?: string;
  benchmark?: Benchmark;
  /** How many unmatched rows to list (default 10). */
  listUnmatched?: number;
  /** Write the results folder (default true). */
  write?: boolean;
}

export interface UnmatchedRow {
  /** 1-based row number in the file (data rows). */
  row: number;
  /** What the row named (custom_id or question/subgroup), cut to 120 characters. */
  named: string;
  reason: string;
}

export interface ImportSummary {
  runId: string;
  /** Results folder (null when write: false). */
  dir: string | null;
  model: string;
  file: string;
  sha256: string;
  format: ImportFormat;
  fileKind: FileKind;
  /** Rows read from the file. */
  n: number;
  /** Rows mapped onto a benchmark pair (answers, failures and duplicates). */
  matched: number;
  unmatched: number;
  /** The first few unmatched rows, with why. */
  unmatchedRows: UnmatchedRow[];
  /** Predictions written (answered requests). */
  predictions: number;
  parsed: number;
  refused: number;
  unparsed: number;
  /** Failed pairs (error lines): errors.jsonl rows. */
  failed: number;
  /** Matched rows dropped because their (template, question, subgroup, sample) was already answered. */
  duplicates: number;
  /** Distinct (question, subgroup) pairs answered or failed. */
  pairs: number;
  split: RunManifest["split"];
  /** Pairs per split among the matched rows. */
  splits: Record<Split, number>;
  templateIds: string[];
  tunedFrom?: string;
  elapsedMs: number;
  /** The run's predictions and errors in memory, for notebooks. */
  result: { predictions: Prediction[]; errors: RunError[] };
}

/**
 * A field of a row: a column name, or a dotted path into nested values for JSON rows ("doc.id",
 * "resps.0.0", "response.body.choices.0.message.content") when no column has that exact name.
 */
export function field(row: Row, col: string): unknown {
  if (col in row || !col.includes(".")) return row[col];
  let v: unknown = row;
  for (const part of col.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function pickColumn(head: Row[], keys: Set<string>, given: string | undefined, name: keyof ImportColumns): string | undefined {
  if (given !== undefined) {
    if (!keys.has(given) && !head.some((r) => field(r, given) !== undefined)) {
      throw new Error(
        `column "${given}" (--${name}-column) is not in the file; its columns: ${[...keys].slice(0, 20).join(", ")} (nested fields: a dotted path, e.g. doc.id)`,
      );
    }
    return given;
  }
  return CANDIDATES[name].find((c) => keys.has(c));
}

/** What one row says about its answer: text to parse, or why it has none. */
type RowAnswer = { text: string; usage?: { inputTokens: number; outputTokens: number } } | { error: string; status?: number };

function answerOf(row: Row, responseCol: string | undefined, codeCol: string | undefined): RowAnswer {
  const err = row.error;
  if (err !== undefined && err !== null && err !== "") {
    const e = err as { code?: string; message?: string };
    return { error: typeof err === "string" ? err : `${e.code ?? "error"}: ${e.message ?? JSON.stringify(err)}` };
  }
  const resp = responseCol ? field(row, responseCol) : undefined;
  if (resp && typeof resp === "object") {
    // an OpenAI Batch output line: {status_code, body: chat.completion}
    const r = resp as { status_code?: number; body?: any };
    const status = r.status_code;
    if (status !== undefined && (status < 200 || status >= 300)) return { error: `HTTP ${status}: ${r.body?.error?.message ?? ""}`.trim(), status };
    const body = r.body ?? resp;
    const content = body?.choices?.[0]?.message?.content ?? body?.choices?.[0]?.text;
    if (typeof content !== "string") return { error: "malformed completion: no choices[0].message.content" };
    const u = body.usage;
    return { text: content, ...(u ? { usage: { inputTokens: u.prompt_tokens ?? 0, outputTokens: u.completion_tokens ?? 0 } } : {}) };
  }
  if (resp !== undefined && resp !== null && resp !== "") return { text: String(resp) };
  const code = codeCol ? field(row, codeCol) : undefined;
  if (code !== undefined && code !== null) return { text: String(code) };
  return { text: resp === undefined || resp === null ? "" : String(resp) };
}

/** Read a file of model outputs and write it as a completed run. */
export async function importOutputs(opts: ImportOptions): Promise<ImportSummary> {
  const t0 = performance.now();
  const format = opts.format ?? "auto";
  if (!IMPORT_FORMATS.includes(format)) throw new Error(`format: expected one of ${IMPORT_FORMATS.join(", ")}, got "${format}"`);
  if (!opts.model || !opts.model.trim()) throw new Error("model: give the model's name (e.g. sailor2-8b)");
  const file = resolve(opts.file);
  const forcedKind: FileKind | undefined = format === "csv" ? "csv" : format === "jsonl" || format === "openai-batch" ? "jsonl" : undefined;
  const { rows: rowStream, kind, sha256 } = await streamRows(file, forcedKind);
  // the first rows name the columns; the rest are read as they are processed
  const it = rowStream[Symbol.iterator]();
  const head: Row[] = [];
  while (head.length < 50) {
    const r = it.next();
    if (r.done) break;
    head.push(r.value);
  }
  const rows: Iterable<Row> = {
    *[Symbol.iterator]() {
      yield* head;
      for (let r = it.next(); !r.done; r = it.next()) yield r.value;
    },
  };
  const bench = opts.benchmark ?? (await loadBenchmark());
  const matcher = new PairMatcher(bench);

  // columns: the union of the first rows' keys
  const keys = new Set<string>();
  for (const r of head) for (const k of Object.keys(r)) keys.add(k);
  const c = opts.columns ?? {};
  const idCol = pickColumn(head, keys, c.id, "id");
  const questionCol = pickColumn(head, keys, c.question, "question");
  const subgroupCol = pickColumn(head, keys, c.subgroup, "subgroup");
  const responseCol = pickColumn(head, keys, c.response, "response");
  const codeCol = pickColumn(head, keys, c.code, "code");
  const templateCol = pickColumn(head, keys, c.template, "template");
  const sampleCol = pickColumn(head, keys, c.sample, "sample");
  if (head.length && !idCol && !(questionCol && subgroupCol)) {
    throw new Error(
      `${basename(file)}: no custom_id column and no question + subgroup columns (columns: ${[...keys].slice(0, 20).join(", ")}); ` +
        "name them with --id-column, or --question-column and --subgroup-column",
    );
  }
  if (head.length && !responseCol && !codeCol && !keys.has("error")) {
    throw new Error(
      `${basename(file)}: no response or code column (columns: ${[...keys].slice(0, 20).join(", ")}); name one with --response-column or --code-column`,
    );
  }
  if (format === "openai-batch" && head.length && !(idCol && head.some((r) => r.response !== undefined || r.error !== undefined))) {
    throw new Error(`${basename(file)}: not an OpenAI Batch output file (lines with custom_id and response or error)`);
  }

  // the options each question shows (codes and labels), as the live prompt shows them
  const shown = new Map<string, { codes: number[]; labels: Record<string, string> }>();
  for (const q of bench.questions) {
    if (!q.scale.length) continue;
    const r = renderQuestion(q);
    shown.set(q.id, { codes: r.answerCodes, labels: r.answerLabels });
  }

  const defaultTemplate = opts.templateId ?? "imported";
  const listMax = opts.listUnmatched ?? 10;
  const unmatchedRows: UnmatchedRow[] = [];
  let unmatched = 0;
  let matched = 0;
  let duplicates = 0;
  const answered = new Map<string, Prediction>();
  const failed = new Map<string, RunError>();
  const usage = { inputTokens: 0, outputTokens: 0 };

  let i = -1;
  for (const row of rows) {
    i++;
    let m: PairMatch | { reason: string };
    let named: string;
    const id = idCol ? field(row, idCol) : undefined;
    if (id !== undefined && id !== null && id !== "") {
      named = String(id);
      m = matcher.customId(named);
    } else if (questionCol && subgroupCol && field(row, questionCol) != null && field(row, subgroupCol) != null) {
      named = `${field(row, questionCol)} / ${field(row, subgroupCol)}`;
      m = matcher.pair(String(field(row, questionCol)), String(field(row, subgroupCol)));
    } else {
      named = JSON.stringify(row).slice(0, 120);
      m = { reason: idCol ? `empty ${idCol}` : "no question or subgroup" };
    }
    if ("reason" in m) {
      unmatched++;
      if (unmatchedRows.length < listMax) unmatchedRows.push({ row: i + 1, named: named.slice(0, 120), reason: m.reason });
      continue;
    }
    matched++;
    const templateRaw = templateCol ? field(row, templateCol) : undefined;
    const templateId = (templateRaw != null && templateRaw !== "" ? String(templateRaw) : undefined) ?? m.templateId ?? defaultTemplate;
    const sampleRaw = sampleCol ? field(row, sampleCol) : undefined;
    const sample =
      sampleRaw !== undefined && sampleRaw !== null && sampleRaw !== "" && Number.isInteger(Number(sampleRaw)) ? Number(sampleRaw) : (m.sample ?? 0);
    const key = `${templateId}\u0000${m.question}\u0000${m.subgroup}\u0000${sample}`;
    const a = answerOf(row, responseCol, codeCol);
    const base = { model: opts.model, templateId, question: m.question, subgroup: m.subgroup, split: m.pair.split, sample };
    if ("error" in a) {
      if (answered.has(key) || failed.has(key)) duplicates++;
      else failed.set(key, { ...base, error: a.error, ...(a.status !== undefined ? { status: a.status } : {}), attempts: 1 });
      continue;
    }
    if (answered.has(key)) {
      duplicates++;
      continue;
    }
    if (failed.delete(key)) duplicates++; // an answer beats an earlier failure of the same request
    const opt = shown.get(m.question);
    // the same parser as live and cached answers
    const parsed = opt
      ? answerFromReply({ text: a.text, latencyMs: 0 }, { answerCodes: opt.codes, answerLabels: opt.labels })
      : { code: null, refused: false, reason: "the codebook gives no answer scale" };
    const p: Prediction = { ...base, code: parsed.code, refused: parsed.refused, text: a.text };
    if (parsed.reason !== undefined) p.reason = parsed.reason;
    if (a.usage) {
      p.usage = a.usage;
      usage.inputTokens += a.usage.inputTokens;
      usage.outputTokens += a.usage.outputTokens;
    }
    answered.set(key, p);
  }

  const predictions = [...answered.values()];
  const errors = [...failed.values()];
  const splits: Record<Split, number> = { train: 0, ood: 0 };
  const pairSet = new Set<string>();
  const templateSet = new Set<string>();
  let parsedN = 0;
  let refusedN = 0;
  let maxSample = 0;
  for (const list of [predictions, errors] as Array<Array<Prediction | RunError>>) {
    for (const p of list) {
      const k = pairKey(p.question, p.subgroup);
      if (!pairSet.has(k)) {
        pairSet.add(k);
        splits[p.split]++;
      }
      templateSet.add(p.templateId);
      if (p.sample > maxSample) maxSample = p.sample;
      if ("code" in p && p.code !== null) parsedN++;
      if ("refused" in p && p.refused) refusedN++;
    }
  }
  const split: RunManifest["split"] = splits.train && splits.ood ? "all" : splits.train ? "train" : "ood";
  const templateIds = [...templateSet];
  if (!templateIds.length) templateIds.push(defaultTemplate);
  const benchSha = benchmarkSha256(bench);
  const now = new Date().toISOString();
  const runId = opts.runId !== undefined ? checkRunId(opts.runId) : makeRunId(opts.model, split);
  const samples = maxSample + 1;

  const manifest: RunManifest = {
    formatVersion: 1,
    runId,
    model: opts.model,
    templateIds,
    templateId: templateIds[0],
    split,
    generate: {},
    samples,
    mode: "import",
    counts: {
      requests: predictions.length + errors.length,
      answered: predictions.length,
      parsed: parsedN,
      refused: refusedN,
      unparsed: predictions.length - parsedN - refusedN,
      errors: errors.length,
      cached: 0,
      skipped: 0,
      retries: 0,
    },
    usage,
    cost: 0,
    costIfUncached: 0,
    startedAt: now,
    finishedAt: now,
    // a file in which nothing matched (or every row failed) is not a run to score
    status: predictions.length ? "completed" : "failed",
    svlabVersion: svlabVersion(),
    benchmark: { preset: bench.options.preset, options: bench.options, provenance: bench.provenance, sha256: benchSha },
    imported: { file: basename(file), sha256, format, fileKind: kind, rows: i + 1, matched, unmatched, at: now },
    ...(opts.tunedFrom ? { tunedFrom: opts.tunedFrom } : {}),
    extra: {
      ...(predictions.length ? {} : { failure: matched ? `every matched row failed (${errors.length})` : `no row matched a benchmark pair (${i + 1} rows)` }),
      duplicates,
      ...(unmatchedRows.length ? { unmatchedRows } : {}),
    },
  };

  let dir: string | null = null;
  if (opts.write ?? true) {
    const claim = await claimRunFolder(resultsRoot(opts.results), runId, {
      model: opts.model,
      split,
      templateIds,
      samples,
      generate: {},
      mode: "import",
      limit: undefined,
      pairsSha256: undefined,
      benchmarkSha256: benchSha,
    });
    try {
      const earlier = claim.resumed?.manifest.imported?.sha256;
      if (claim.resumed && earlier !== sha256) {
        throw new Error(
          `run id ${runId} already holds ${claim.resumed.manifest.imported ? `an import of another file (sha256 ${String(earlier).slice(0, 12)}…)` : "a run that was not imported"}; choose another --run-id`,
        );
      }
      dir = claim.dir;
      await writePredictions(dir, predictions);
      await writeErrors(dir, errors);
      await writeManifest(dir, manifest);
    } finally {
      claim.release();
    }
  }
  return {
    runId,
    dir,
    model: opts.model,
    file,
    sha256,
    format,
    fileKind: kind,
    n: i + 1,
    matched,
    unmatched,
    unmatchedRows,
    predictions: predictions.length,
    parsed: parsedN,
    refused: refusedN,
    unparsed: predictions.length - parsedN - refusedN,
    failed: errors.length,
    duplicates,
    pairs: pairSet.size,
    split,
    splits,
    templateIds,
    ...(opts.tunedFrom ? { tunedFrom: opts.tunedFrom } : {}),
    elapsedMs: performance.now() - t0,
    result: { predictions, errors },
  };
}
