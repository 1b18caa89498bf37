/**
 * Files that judge–human agreement is computed from.
 *
 * **Human annotations** (CSV, parsed with papaparse; the first row names the columns, in any order):
 *
 *   item,annotator,criterion,verdict[,candidate]
 *
 * - item: the judged item's key, as in the judge's judgements (`${question}::${subgroup}`, the benchmark's pair key).
 * - annotator: any non-empty name.
 * - criterion: a criterion id (matched without regard to case or surrounding spaces: "Overall" = "overall").
 * - verdict: either the candidate's result — `win`, `tie` or `loss` — or, as the annotator saw it,
 *   `A`, `B` or `tie`; then the `candidate` column (A or B) must say which position held the
 *   candidate's answer, and A/B are turned into win/loss (the judge's own convention). Case-insensitive.
 * - One verdict per (item, annotator, criterion); a second one is an error.
 * Blank lines are skipped. Every bad row is reported (up to 20), each naming file, line, field and
 * the values expected.
 *
 * **Judgements** (JSON Lines of `Judgement` records, as the judge run writes them).
 */
import Papa from "papaparse";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { OrdinalVerdict } from "./kappa";
import type { Judgement } from "./types";

export interface Annotation {
  item: string;
  annotator: string;
  criterion: string;
  /** From the candidate's point of view. */
  verdict: OrdinalVerdict;
  /** 1-based line of the row in its file. */
  line: number;
}

export const ANNOTATION_COLUMNS = ["item", "annotator", "criterion", "verdict"] as const;

/** A bad annotations or judgements file: every message names file, line and field. */
export class AgreementFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(problems.length === 1 ? problems[0] : `${file}: ${problems.length} problems:\n  ${problems.join("\n  ")}`);
    this.name = "AgreementFileError";
  }
}

const MAX_PROBLEMS = 20;
const VERDICTS = "win, tie or loss (or A, B or tie with a candidate column)";

/** 1-based line on which the text at `offset` begins, skipping the line breaks before it. */
function lineAt(text: string, offset: number, lineStarts: number[]): number {
  while (offset < text.length && (text[offset] === "\n" || text[offset] === "\r")) offset++;
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Human annotations from CSV text; `file` names it in errors. */
export function parseAnnotations(text: string, file: string): Annotation[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const problems: string[] = [];
  const out: Annotation[] = [];
  const seen = new Map<string, number>();
  let header: string[] | null = null;
  let headerBad = false;
  let start = 0;
  const problem = (msg: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(msg);
    else if (problems.length === MAX_PROBLEMS) problems.push("… (more problems not shown)");
  };
  Papa.parse<string[]>(text, {
    header: false,
    // Never guessed: item keys hold "|", one of papaparse's candidate delimiters.
    delimiter: ",",
    skipEmptyLines: "greedy",
    step: (row) => {
      const line = lineAt(text, start, lineStarts);
      start = row.meta.cursor;
      for (const e of row.errors) problem(`${file}:${line}: not valid CSV (${e.message})`);
      const cells = row.data.map((c) => c.trim());
      if (!header) {
        header = cells.map((c) => c.toLowerCase());
        const missing = ANNOTATION_COLUMNS.filter((c) => !header!.includes(c));
        headerBad = missing.length > 0;
        if (headerBad)
          problem(
            `${file}:${line}: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; expected a header row with item, annotator, criterion, verdict (and optionally candidate), found ${cells.join(", ") || "an empty row"}`,
          );
        return;
      }
      if (headerBad) return; // the header's problem says it all
      const get = (name: string): string => {
        const i = header!.indexOf(name);
        return i < 0 ? "" : (cells[i] ?? "");
      };
      if (cells.length !== header.length) {
        problem(`${file}:${line}: ${cells.length} fields, expected ${header.length} (${header.join(", ")})`);
        return;
      }
      const item = get("item");
      const annotator = get("annotator");
      const criterion = get("criterion").toLowerCase();
      const raw = get("verdict").toLowerCase();
      const candidate = get("candidate").toUpperCase();
      let ok = true;
      for (const [field, v] of [
        ["item", item],
        ["annotator", annotator],
        ["criterion", criterion],
      ] as const) {
        if (!v) {
          problem(
            `${file}:${line}: field ${field} is empty; expected ${field === "item" ? "an item key like Q1|sex:Female (as in the judgements)" : field === "criterion" ? "a criterion id such as overall, value or persona" : "the annotator's name"}`,
          );
          ok = false;
        }
      }
      let verdict: OrdinalVerdict | null = null;
      if (raw === "win" || raw === "tie" || raw === "loss") verdict = raw;
      else if (raw === "a" || raw === "b") {
        if (candidate === "A" || candidate === "B") verdict = raw.toUpperCase() === candidate ? "win" : "loss";
        else
          problem(
            `${file}:${line}: field candidate is ${JSON.stringify(get("candidate"))}; a verdict of A or B needs candidate = A or B (the position of the candidate's answer)`,
          );
      } else problem(`${file}:${line}: field verdict is ${JSON.stringify(get("verdict"))}; expected ${VERDICTS}`);
      if (!ok || verdict === null) return;
      const key = JSON.stringify([item, annotator, criterion]);
      const before = seen.get(key);
      if (before !== undefined) {
        problem(
          `${file}:${line}: annotator ${JSON.stringify(annotator)} already gave item ${JSON.stringify(item)} a ${criterion} verdict on line ${before}; one verdict per item, annotator and criterion expected`,
        );
        return;
      }
      seen.set(key, line);
      out.push({ item, annotator, criterion, verdict, line });
    },
  });
  if (!header) problem(`${file}:1: the file is empty; expected a header row item, annotator, criterion, verdict and one row per verdict`);
  if (problems.length) throw new AgreementFileError(file, problems);
  return out;
}

export function readAnnotations(file: string): Annotation[] {
  return parseAnnotations(readFileSync(file, "utf8"), file);
}

/** Annotations as criterion → annotator → item → verdict (the shape `annotatorAgreement` takes). */
export function annotationsByCriterion(annotations: readonly Annotation[]): Map<string, Map<string, Map<string, OrdinalVerdict>>> {
  const out = new Map<string, Map<string, Map<string, OrdinalVerdict>>>();
  for (const a of annotations) {
    const byAnnotator = out.get(a.criterion) ?? out.set(a.criterion, new Map()).get(a.criterion)!;
    (byAnnotator.get(a.annotator) ?? byAnnotator.set(a.annotator, new Map()).get(a.annotator)!).set(a.item, a.verdict);
  }
  return out;
}

/** Judgement records from JSON Lines text (blank lines skipped); a bad line is an error naming it. */
export function parseJudgements(text: string, file: string): Judgement[] {
  const out: Judgement[] = [];
  const lines = text.split("\n");
  lines.forEach((s, i) => {
    if (!s.trim()) return;
    const where = `${file}:${i + 1}`;
    let j: Judgement;
    try {
      j = JSON.parse(s) as Judgement;
    } catch (err) {
      throw new AgreementFileError(file, [`${where}: not a JSON line (${(err as Error).message})`]);
    }
    const bad = (field: string, expected: string): never => {
      throw new AgreementFileError(file, [
        `${where}: field ${field} is ${JSON.stringify((j as unknown as Record<string, unknown>)?.[field])}; expected ${expected}`,
      ]);
    };
    if (typeof j !== "object" || j === null) throw new AgreementFileError(file, [`${where}: expected a JSON object (one judgement)`]);
    if (typeof j.item !== "string" || !j.item) bad("item", "the item key (a non-empty string)");
    if (typeof j.question !== "string") bad("question", "the question id (a string)");
    if (typeof j.subgroup !== "string") bad("subgroup", "the subgroup id (a string)");
    if (j.candidate !== "A" && j.candidate !== "B") bad("candidate", '"A" or "B"');
    if (typeof j.verdicts !== "object" || j.verdicts === null) bad("verdicts", 'an object {criterion: "A" | "B" | "tie" | null}');
    for (const [c, v] of Object.entries(j.verdicts)) {
      if (v !== null && v !== "A" && v !== "B" && v !== "tie")
        throw new AgreementFileError(file, [`${where}: verdicts.${c} is ${JSON.stringify(v)}; expected "A", "B", "tie" or null`]);
    }
    out.push(j);
  });
  return out;
}

/** The judgements file's name inside a judge run's folder. */
export const JUDGEMENTS_FILE = "judgements.jsonl";

/**
 * Where a judge run's judgements are: `spec` is a .jsonl file, or a run folder holding
 * judgements.jsonl, or a run id under `resultsDir`.
 */
export function judgementsPath(spec: string, resultsDir: string): string {
  const candidates = [resolve(spec), join(resolve(spec), JUDGEMENTS_FILE), join(resolve(resultsDir), spec, JUDGEMENTS_FILE)];
  for (const p of candidates) if (existsSync(p) && statSync(p).isFile()) return p;
  throw new Error(`no judgements for --judge ${spec}: looked for ${candidates.join(", ")}; give a judge run id (with --results) or a judgements .jsonl file`);
}

export function readJudgements(file: string): Judgement[] {
  return parseJudgements(readFileSync(file, "utf8"), file);
}
