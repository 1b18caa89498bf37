/**
 * Checks a WVS file's respondent columns against the shipped codebook before anything is computed
 * from them, so bad data never becomes a number:
 *  - every answer code of a value question (and of a demographic variable the codebook lists) is a
 *    code the codebook knows for it: substantive, off-scale or missing (-1 … -5);
 *  - W_WEIGHT is finite and > 0;
 *  - D_INTERVIEW (the respondent id) is unique.
 * (Duplicate column names are refused while reading the header: see read-file.ts.)
 * Each error names the file, line, column and value. A real file may hold legitimate
 * country-specific codes the codebook lacks: `unknownCodes: "missing"` turns them into the missing
 * code -5 and counts them (the caller prints the count).
 */
import { COUNTRY, COUNTRY_SPECIFIC_VARIABLES, type Codebook } from "./codebook-build";
import { WvsFileError, type WvsColumns } from "./read-file";

/** Unknown codes let through as missing (unknownCodes: "missing"). */
export interface UnknownCodes {
  total: number;
  /** Column → how many of its cells held an unknown code. */
  byColumn: Record<string, number>;
}

export interface ValidateOptions {
  /** "error" (default): an unknown code is an error. "missing": it becomes -5 (missing) and is counted. */
  unknownCodes?: "error" | "missing";
  /**
   * B_COUNTRY of the rows: the codebook's country-specific code lists (ethnic group, national
   * education levels, …) are its own country's, so another country's codes there are not checked.
   */
  country?: number;
}

/** The code WVS uses for "Missing; Not available": what an unknown code becomes with unknownCodes: "missing". */
export const UNKNOWN_AS_MISSING = -5;

/** Known codes per column: value questions (scale, off-scale, missing) and the codebook's demographic variables. */
export function knownCodes(codebook: Codebook, country: number = COUNTRY.code): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const [id, q] of Object.entries(codebook.questions)) out.set(id, new Set([...q.scale, ...q.offScale, ...q.missing].map((o) => o.code)));
  for (const [id, v] of Object.entries(codebook.variables)) {
    if (country !== COUNTRY.code && COUNTRY_SPECIFIC_VARIABLES.includes(id)) continue;
    if (!out.has(id)) out.set(id, new Set(v.codes.map((o) => o.code)));
  }
  return out;
}

function describeCodes(codes: Set<number>): string {
  const sorted = [...codes].sort((a, b) => a - b);
  const valid = sorted.filter((c) => c >= 0);
  const missing = sorted.filter((c) => c < 0);
  const list = (xs: number[]): string => {
    if (xs.length > 2 && xs.every((x, i) => i === 0 || x === xs[i - 1] + 1)) return `${xs[0]}–${xs[xs.length - 1]}`;
    return xs.length > 8 ? `${xs.slice(0, 8).join(", ")}, … (${xs.length} codes)` : xs.join(", ");
  };
  return `answer codes ${list(valid) || "none"}; missing ${list(missing) || "none"}`;
}

/**
 * Validate (and, with unknownCodes: "missing", repair in place) the columns a loader read.
 * Throws WvsFileError on the first bad cell (naming how many more there are).
 */
export function validateRespondentColumns(raw: WvsColumns, codebook: Codebook, opts: ValidateOptions = {}): UnknownCodes {
  const file = raw.file;
  const lineOf = (i: number): number => raw.lines[i];

  const w = raw.numeric.W_WEIGHT;
  if (w) {
    let bad = -1;
    let more = 0;
    for (let i = 0; i < w.length; i++) {
      if (Number.isFinite(w[i]) && w[i] > 0) continue;
      if (bad < 0) bad = i;
      else more++;
    }
    if (bad >= 0) {
      throw new WvsFileError(
        file,
        lineOf(bad),
        `column W_WEIGHT: weight ${w[bad]} is not a positive number (survey weights must be finite and > 0)` +
          (more ? `; ${more} more row${more > 1 ? "s" : ""} with such weights` : ""),
      );
    }
  }

  const ids = raw.numeric.D_INTERVIEW;
  if (ids) {
    const seen = new Map<number, number>();
    let dup: [number, number] | null = null;
    let more = 0;
    for (let i = 0; i < ids.length; i++) {
      const prev = seen.get(ids[i]);
      if (prev === undefined) {
        seen.set(ids[i], i);
        continue;
      }
      if (!dup) dup = [prev, i];
      else more++;
    }
    if (dup) {
      throw new WvsFileError(
        file,
        lineOf(dup[1]),
        `column D_INTERVIEW: respondent id ${ids[dup[1]]} already appeared on line ${lineOf(dup[0])}; each respondent must appear once` +
          (more ? ` (${more} more repeated row${more > 1 ? "s" : ""})` : ""),
      );
    }
  }

  const known = knownCodes(codebook, opts.country);
  const repair = opts.unknownCodes === "missing";
  const byColumn: Record<string, number> = {};
  let total = 0;
  let first: { column: string; i: number; value: number } | null = null;
  for (const [column, values] of Object.entries(raw.numeric)) {
    const codes = known.get(column);
    if (!codes) continue;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (codes.has(v)) continue;
      total++;
      byColumn[column] = (byColumn[column] ?? 0) + 1;
      if (repair) values[i] = UNKNOWN_AS_MISSING;
      else first ??= { column, i, value: v };
    }
  }
  if (first) {
    const others = total - 1;
    const columns = Object.keys(byColumn);
    throw new WvsFileError(
      file,
      lineOf(first.i),
      (Number.isInteger(first.value)
        ? `column ${first.column}: code ${first.value} is not a code of ${first.column} in the codebook (${describeCodes(known.get(first.column)!)})`
        : `column ${first.column}: expected an integer answer code, found ${first.value}`) +
        (others
          ? `; ${others} more unknown code${others > 1 ? "s" : ""} in ${columns.length} column${columns.length > 1 ? "s" : ""} (${columns
              .slice(0, 6)
              .map((c) => `${c}: ${byColumn[c]}`)
              .join(", ")}${columns.length > 6 ? ", …" : ""})`
          : "") +
        `. If these are legitimate country-specific codes, load with --unknown-codes-as-missing (they then count as missing answers)`,
    );
  }
  return { total, byColumn };
}

/** One line for the user when unknown codes were let through as missing. */
export function describeUnknownCodes(u: UnknownCodes): string {
  const cols = Object.entries(u.byColumn).sort((a, b) => b[1] - a[1]);
  return (
    `${u.total} unknown answer code${u.total === 1 ? "" : "s"} treated as missing (code ${UNKNOWN_AS_MISSING})` +
    (cols.length
      ? `: ${cols
          .slice(0, 8)
          .map(([c, n]) => `${c} ${n}`)
          .join(", ")}${cols.length > 8 ? `, … (${cols.length} columns)` : ""}`
      : "")
  );
}
