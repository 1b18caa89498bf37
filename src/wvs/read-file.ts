/**
 * Reads the official WVS-7 CSV files into typed columns, streaming, keeping only the rows of one
 * country and only the columns asked for. Three real formats are recognised from the header:
 *  - "cross-national": comma-separated, byte-order mark, integer codes (WVS_Cross-National_Wave_7_csv_v6_0);
 *  - "single-country": semicolon-separated, quoted headers, floats and scientific notation,
 *    trailing separators (WVS_Wave_7_<Country>_Csv_v5.1);
 *  - "excel-export": comma-separated, headers like "Q1: Important in life: Family" (some quoted).
 *
 * Hand-written rather than a general CSV library because the country filter looks at one field
 * before splitting the rest of the line, which is what makes the ~97,000-row cross-national file
 * cheap to read for one country (see `npm run bench`).
 */
import { createReadStream, statSync } from "node:fs";
import { basename } from "node:path";

export type WvsFormat = "cross-national" | "single-country" | "excel-export";

export interface ReadOptions {
  /** Columns to keep (default: every column). Names as in the cross-national file ("Q1", "W_WEIGHT"). */
  columns?: string[];
  /** Columns that must exist; a clear error names the ones missing. */
  required?: string[];
  /** Keep only rows whose B_COUNTRY equals this ISO numeric code (default: keep all rows). */
  country?: number;
  /** Columns kept as text; every other kept column must be numeric (empty cells become NaN). */
  textColumns?: string[];
}

export interface WvsColumns {
  file: string;
  format: WvsFormat;
  /** Every column name in the file's header (normalised: no BOM, no quotes, no ": label"). */
  header: string[];
  /** Header labels from an Excel-export file ("Q1" → "Important in life: Family"). */
  headerLabels: Record<string, string>;
  /** Kept rows. */
  rows: number;
  /** Data rows read before the country filter. */
  rowsRead: number;
  /** File line number of each kept row (1 = the header). */
  lines: Float64Array;
  numeric: Record<string, Float64Array>;
  text: Record<string, string[]>;
}

/** A bad input file: the message names the file, line and column and says what was expected. */
export class WvsFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    message: string,
  ) {
    super(`${basename(file)}${line != null ? `, line ${line}` : ""}: ${message}`);
    this.name = "WvsFileError";
  }
}

/** Columns that must hold numbers: answer codes, weights, ids. Others may turn out to be text. */
const STRICT_NUMERIC = /^(Q\d|X003R|W_WEIGHT$|B_COUNTRY$|D_INTERVIEW$)/;

const DEFAULT_TEXT = ["version", "doi", "B_COUNTRY_ALPHA", "C_COW_ALPHA", "LNGE_ISO"];

/** Split one CSV line, honouring double quotes (only header cells and a few text cells use them). */
export function splitLine(line: string, delim: string): string[] {
  if (line.indexOf('"') < 0) return line.split(delim);
  const out: string[] = [];
  let cur = "";
  let inQ = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inQ) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQ = false;
      } else cur += ch;
    } else if (ch === '"') inQ = true;
    else if (ch === delim) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

interface Kept {
  name: string;
  index: number;
  /** Text values, when the column is text (or turned out to be). */
  text: string[] | null;
  num: NumberColumn | null;
}

/** A growable Float64Array: a row's numbers go straight into typed memory (8 bytes each). */
class NumberColumn {
  private buf = new Float64Array(1024);
  private n = 0;
  push(x: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = x;
  }
  values(): Float64Array {
    return this.buf.slice(0, this.n);
  }
}

const unquote = (v: string): string => (v.charCodeAt(0) === 34 && v.charCodeAt(v.length - 1) === 34 ? v.slice(1, -1) : v);

/**
 * Parse s[a, b) as a plain integer without making a substring (the common case: WVS codes);
 * NaN for anything else (floats, exponents, quotes, empty), which the caller parses the slow way.
 */
function parseNumber(s: string, a: number, b: number): number {
  if (a === b || b - a > 15) return NaN;
  let i = a;
  let neg = false;
  if (s.charCodeAt(i) === 45) {
    neg = true;
    i++;
    if (i === b) return NaN;
  }
  let v = 0;
  for (; i < b; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

/** NUL or other control bytes (or many replacement characters): a binary file read as UTF-8. */
function looksBinary(line: string): boolean {
  const sample = line.slice(0, 4096);
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 32 && c !== 9) || c === 0xfffd) bad++;
  }
  return bad > 0 && bad >= sample.length * 0.01;
}

interface HeaderInfo {
  format: WvsFormat;
  delim: string;
  names: string[];
  labels: Record<string, string>;
}

function parseHeader(file: string, first: string): HeaderInfo {
  const line = first.replace(/^\uFEFF/, "").replace(/\r$/, "");
  const commas = splitLine(line, ",").length;
  const semis = splitLine(line, ";").length;
  const tabs = line.split("\t").length;
  if (looksBinary(line)) {
    throw new WvsFileError(
      file,
      1,
      "not a text file (binary bytes in the first line); expected a WVS-7 CSV file (a .sav, .dta, .xlsx or .zip must be exported or unpacked to CSV first)",
    );
  }
  if (commas < 2 && semis < 2) {
    const hint = tabs > 1 ? " (it looks tab-separated)" : "";
    throw new WvsFileError(file, 1, `expected a comma- or semicolon-separated WVS header${hint}; found one column`);
  }
  const delim = semis > commas ? ";" : ",";
  const cells = splitLine(line, delim).map((c) => c.trim());
  const labels: Record<string, string> = {};
  let labelled = 0;
  const names = cells.map((c) => {
    const m = /^([A-Za-z][A-Za-z0-9_]*)\s*:\s*(.*)$/.exec(c);
    if (m) {
      labelled++;
      labels[m[1]] = m[2];
      return m[1];
    }
    return c;
  });
  // A second column of the same name would be silently ignored (only the first is read): refuse it.
  const firstAt = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    if (names[i] === "") continue;
    const j = firstAt.get(names[i]);
    if (j !== undefined) {
      throw new WvsFileError(file, 1, `column ${names[i]} appears twice in the header (columns ${j + 1} and ${i + 1}); each WVS variable must be one column`);
    }
    firstAt.set(names[i], i);
  }
  const format: WvsFormat = labelled > cells.length / 2 ? "excel-export" : delim === ";" ? "single-country" : "cross-national";
  if (!names.some((n) => /^Q\d+/.test(n)) || !names.includes("B_COUNTRY")) {
    throw new WvsFileError(
      file,
      1,
      `not a WVS-7 file: expected a header with B_COUNTRY and question columns Q1…Q290, found ${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}`,
    );
  }
  return { format, delim, names, labels };
}

/** Read a WVS-7 CSV file (any of the three formats) into typed columns. */
export async function readWvsFile(file: string, options: ReadOptions = {}): Promise<WvsColumns> {
  let isDir: boolean;
  try {
    isDir = statSync(file).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new WvsFileError(file, null, `cannot read ${file}: permission denied`);
    if (code === "ENOTDIR") throw new WvsFileError(file, null, `${file}: a part of this path is a file, not a folder`);
    throw new WvsFileError(file, null, `file not found (${file}). Set WVS_CSV or pass --wvs to the WVS-7 CSV file`);
  }
  if (isDir) throw new WvsFileError(file, null, `${file} is a folder; expected the WVS-7 CSV file inside it`);
  const textSet = new Set(options.textColumns ?? DEFAULT_TEXT);
  let header: HeaderInfo | null = null;
  /** Kept columns in file order, each with its storage (numbers, or text once a value is not a number). */
  let keep: Kept[] = [];
  let countryIdx = -1;
  const countryStr = options.country != null ? String(options.country) : null;
  let lineNo = 0;
  /** The file line of each kept row, so later checks can name it. */
  const lineNumbers = new NumberColumn();
  let rowsRead = 0;
  let rows = 0;

  const store = (k: Kept, s: string, a: number, b: number): void => {
    if (k.text) {
      k.text.push(unquote(s.slice(a, b)));
      return;
    }
    const x = parseNumber(s, a, b);
    if (x === x) {
      k.num!.push(x);
      return;
    }
    if (a === b) {
      if (STRICT_NUMERIC.test(k.name)) {
        throw new WvsFileError(file, lineNo, `column ${k.name}: empty cell; expected a number (WVS marks missing answers with negative codes, -1 … -5)`);
      }
      k.num!.push(NaN);
      return;
    }
    const v = unquote(s.slice(a, b));
    const y = v === "" ? NaN : +v;
    if (y === y) {
      k.num!.push(y);
      return;
    }
    if (v === "" && !STRICT_NUMERIC.test(k.name)) {
      k.num!.push(NaN);
      return;
    }
    if (STRICT_NUMERIC.test(k.name)) {
      throw new WvsFileError(file, lineNo, `column ${k.name}: expected a number (a WVS answer code), found "${v.slice(0, 40)}"`);
    }
    // A contextual column that holds text (e.g. X002_02B "CN"): keep it as text from now on.
    k.text = Array.from(k.num!.values(), (z) => (Number.isNaN(z) ? "" : String(z)));
    k.text.push(v);
    k.num = null;
  };

  const handle = (raw: string): void => {
    lineNo++;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (header === null) {
      header = parseHeader(file, line);
      const names = header.names;
      const missing = (options.required ?? []).filter((c) => !names.includes(c));
      if (missing.length) {
        throw new WvsFileError(file, 1, `missing required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (found ${names.length} columns)`);
      }
      const wanted = new Set(options.columns ?? names);
      keep = names
        .map((name, index) => ({ name, index }))
        .filter(({ name }, i) => wanted.has(name) && names.indexOf(name) === i)
        .map(({ name, index }) => ({ name, index, text: textSet.has(name) ? [] : null, num: textSet.has(name) ? null : new NumberColumn() }));
      countryIdx = names.indexOf("B_COUNTRY");
      return;
    }
    if (line.length === 0) return;
    const h = header as HeaderInfo;
    const d = h.delim;
    rowsRead++;
    if (countryStr !== null) {
      // Look at B_COUNTRY before reading the rest of the line: most rows of the full file end here.
      let start = 0;
      for (let i = 0; i < countryIdx; i++) {
        start = line.indexOf(d, start) + 1;
        if (start === 0) break;
      }
      let end = line.indexOf(d, start);
      if (end < 0) end = line.length;
      let field = line.slice(start, end);
      if (field.charCodeAt(0) === 34) field = field.slice(1, -1);
      if (field !== countryStr && Number(field) !== options.country) return;
    }
    const n = h.names.length;
    let fields: number;
    let lastEmpty: boolean;
    if (line.indexOf('"') < 0) {
      // Fast path: walk the separators, parse only the kept fields, allocate no substrings for numbers.
      let pos = 0;
      let fi = 0;
      let ki = 0;
      let lastStart = 0;
      for (;;) {
        const end = line.indexOf(d, pos);
        const stop = end < 0 ? line.length : end;
        if (ki < keep.length && keep[ki].index === fi) store(keep[ki++], line, pos, stop);
        lastStart = pos;
        fi++;
        if (end < 0) break;
        pos = end + 1;
      }
      fields = fi;
      lastEmpty = lastStart === line.length;
    } else {
      const cells = splitLine(line, d);
      fields = cells.length;
      lastEmpty = cells[cells.length - 1] === "";
      if (fields >= n) for (const k of keep) store(k, cells[k.index], 0, cells[k.index].length);
    }
    if (fields !== n && !(fields === n + 1 && lastEmpty)) {
      throw new WvsFileError(file, lineNo, `expected ${n} fields as in the header, found ${fields}${fields < n ? " (the file may be truncated)" : ""}`);
    }
    lineNumbers.push(lineNo);
    rows++;
  };

  const stream = createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 });
  let rest = "";
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      let nl: number;
      while ((nl = text.indexOf("\n", start)) >= 0) {
        handle(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new WvsFileError(file, null, `cannot read ${file}: permission denied`);
    if (code === "EISDIR") throw new WvsFileError(file, null, `${file} is a folder; expected the WVS-7 CSV file inside it`);
    if (code && /^E[A-Z]+$/.test(code)) throw new WvsFileError(file, null, `cannot read ${file} (${code})`);
    throw err;
  }
  // A last line without a newline is fine if complete; a short one means a cut-off file.
  if (rest.length) handle(rest);
  if (header === null) throw new WvsFileError(file, 1, "the file is empty; expected a WVS-7 CSV header");
  const h = header as HeaderInfo;
  if (rowsRead === 0) throw new WvsFileError(file, 2, "no data rows after the header");

  const numeric: Record<string, Float64Array> = {};
  const text: Record<string, string[]> = {};
  // Returned in the order asked for (or file order).
  const order = options.columns ? options.columns.filter((c) => keep.some((k) => k.name === c)) : keep.map((k) => k.name);
  const byName = new Map(keep.map((k) => [k.name, k]));
  for (const name of order) {
    const k = byName.get(name)!;
    if (k.text) text[name] = k.text;
    else numeric[name] = k.num!.values();
  }
  return { file, format: h.format, header: h.names, headerLabels: h.labels, rows, rowsRead, lines: lineNumbers.values(), numeric, text };
}
