/**
 * The respondents table: one row per WVS respondent, with the survey weight, labelled demographic
 * attributes and every value question's answer code (negative = missing). Lives in memory only —
 * respondent rows are never written to disk by svlab (WVS terms forbid redistribution).
 */
import * as aq from "arquero";
import { findWvsFile } from "../paths";
import { ATTRIBUTES, ATTRIBUTE_NAMES } from "./attributes";
import { loadCodebook, type Codebook } from "./codebook";
import { COUNTRY } from "./codebook-build";
import { countryByCode, countryLabel, resolveCountry, type Country } from "./countries";
import { readWvsFile, WvsFileError, type WvsFormat } from "./read-file";
import type { AttributeName } from "./types";
import { validateRespondentColumns, type UnknownCodes } from "./validate";

export type Table = ReturnType<typeof aq.table>;

export interface Respondents {
  /** arquero table: id, weight, one column per attribute (labels, null when missing), one per question (codes). */
  table: Table;
  file: string;
  format: WvsFormat;
  rows: number;
  /** Value questions present in the file (codebook ids). */
  questions: string[];
  /** Attributes that could be derived from the file's columns. */
  attributes: AttributeName[];
  /** Unknown codes let through as missing (only with unknownCodes: "missing"; total 0 otherwise). */
  unknownCodes: UnknownCodes;
  /** The country whose rows these are. */
  country: Country;
}

export interface LoadRespondentsOptions {
  /** Country to keep: numeric B_COUNTRY code or ISO alpha-3 (default: the codebook's country, Singapore). */
  country?: number | string;
  codebook?: Codebook;
  /**
   * Answer codes the codebook does not know: "error" (default) refuses the file, naming file, line,
   * column and value; "missing" loads them as missing (-5) and counts them in `unknownCodes`.
   */
  unknownCodes?: "error" | "missing";
}

/** Columns the loader needs at the least to be a usable WVS-7 file. */
export const REQUIRED_COLUMNS = ["B_COUNTRY", "D_INTERVIEW", "W_WEIGHT", "Q260", "Q289", "Q290"];

/**
 * Load the respondents of one country (default: the codebook's, Singapore) from a WVS-7 file: the cross-national
 * CSV, the single-country CSV or the Excel-export CSV. Without `file`, uses WVS_CSV or ../shared/wvs-real.
 */
export async function loadRespondents(file?: string, options: LoadRespondentsOptions = {}): Promise<Respondents> {
  const path = file ?? findWvsFile();
  if (!path) {
    throw new Error(
      "no WVS-7 microdata found: set WVS_CSV to the WVS-7 CSV file (or place it in ../shared/wvs-real). " +
        "Without it, use the shipped aggregates (loadBenchmark() with no file).",
    );
  }
  const codebook = options.codebook ?? loadCodebook();
  const country = options.country === undefined ? COUNTRY : resolveCountry(options.country);
  const questionIds = Object.keys(codebook.questions);
  const attrColumns = [...new Set(ATTRIBUTE_NAMES.flatMap((a) => ATTRIBUTES[a].columns))];
  const raw = await readWvsFile(path, {
    columns: ["D_INTERVIEW", "W_WEIGHT", "B_COUNTRY", ...attrColumns, ...questionIds],
    required: REQUIRED_COLUMNS,
    country: country.code,
  });
  if (raw.rows === 0) {
    throw new WvsFileError(
      path,
      null,
      `no respondents with B_COUNTRY = ${country.code} among ${raw.rowsRead} rows: ${country.name} is not in this file, which holds ${await countriesIn(path)}`,
    );
  }
  // codes, weights and ids against the codebook before any of them becomes a number
  const unknownCodes = validateRespondentColumns(raw, codebook, { unknownCodes: options.unknownCodes, country: country.code });
  const questions = questionIds.filter((q) => raw.numeric[q]);
  const cols: Record<string, ArrayLike<unknown>> = {
    id: raw.numeric.D_INTERVIEW,
    weight: raw.numeric.W_WEIGHT,
  };
  const attributes: AttributeName[] = [];
  for (const name of ATTRIBUTE_NAMES) {
    const spec = ATTRIBUTES[name];
    if (!spec.columns.some((c) => raw.numeric[c])) continue;
    const out: (string | null)[] = new Array(raw.rows);
    for (let i = 0; i < raw.rows; i++) {
      out[i] = spec.label((c) => raw.numeric[c]?.[i] ?? NaN, codebook);
    }
    cols[name] = out;
    attributes.push(name);
  }
  for (const q of questions) {
    const v = raw.numeric[q];
    const codes = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      if (!Number.isInteger(v[i])) {
        throw new WvsFileError(path, raw.lines[i], `column ${q}: expected an integer answer code, found ${v[i]}`);
      }
      codes[i] = v[i];
    }
    cols[q] = codes;
  }
  return { table: aq.table(cols as Record<string, any>), file: path, format: raw.format, rows: raw.rows, questions, attributes, unknownCodes, country };
}

/** "702 (SGP, Singapore): 2012 rows": what to choose from when the country asked for is absent. */
async function countriesIn(path: string): Promise<string> {
  const all = await readWvsFile(path, { columns: ["B_COUNTRY"], required: ["B_COUNTRY"] });
  const rows = new Map<number, number>();
  for (const code of all.numeric.B_COUNTRY) rows.set(code, (rows.get(code) ?? 0) + 1);
  const list = [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([code, n]) => {
      const known = countryByCode(code);
      return `${known ? countryLabel(known) : code}: ${n} rows`;
    });
  return list.length ? list.join(", ") : "no rows";
}
