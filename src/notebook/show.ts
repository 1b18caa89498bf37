/** Show tables and notes in a notebook (HTML in tslab, aligned text in a terminal). */
import { display, inKernel } from "./tslab";

type Row = Record<string, unknown>;

/** A table already formatted as strings, with a title and an optional note (src/report's Table has this shape). */
export interface TextTable {
  title: string;
  note?: string;
  headers: string[];
  rows: string[][];
}

/**
 * Anything with rows: an array of objects, an arquero table (objects()), a danfojs DataFrame, or a
 * formatted table ({ headers, rows }: a report table).
 */
export type Tabular = readonly object[] | { objects(opts?: unknown): Row[] } | { values: unknown[][]; columns: string[] } | TextTable;

function isTextTable(t: Tabular): t is TextTable {
  return !Array.isArray(t) && "headers" in t && Array.isArray((t as TextTable).headers) && Array.isArray((t as TextTable).rows);
}

export function toRows(t: Tabular): Row[] {
  if (Array.isArray(t)) return t as Row[];
  if (isTextTable(t)) return t.rows.map((r) => Object.fromEntries(t.headers.map((h, i) => [h, r[i]])));
  if ("objects" in t && typeof t.objects === "function") return t.objects();
  const df = t as { values: unknown[][]; columns: string[] };
  return df.values.map((v) => Object.fromEntries(df.columns.map((c, i) => [c, v[i]])));
}

export interface ShowTableOptions {
  /** The caption, above the table. */
  title?: string;
  /** A short note under the table (what the numbers are, where they come from). */
  note?: string;
  /** At most this many rows (default 20); the rest are counted under the table. */
  max?: number;
  /** Decimals for non-integer numbers: one for all columns, or per column name (default 3). */
  digits?: number | Record<string, number>;
  /** Which columns, in which order: a list of names, or { name: header } to also rename them. */
  columns?: readonly string[] | Record<string, string>;
}

/** A number, or text that reads as one ("0.512", "−0.1", "12.5%", "0.61 [0.58, 0.64]", "200 of 10177", "<0.001", "—"). */
const NUMERIC_TEXT = /^\s*(?:[<>≤≥]\s*)?[+\-−]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?\s*%?(?:\s*\[[^\]]*\])?(?:\s+of\s+\d+)?\s*$|^\s*[—–-]\s*$/i;

/** True when a cell holds a number (or text that reads as one): such cells are right-aligned. */
export function isNumericCell(v: unknown): boolean {
  if (typeof v === "number" || typeof v === "bigint") return true;
  return typeof v === "string" && v !== "" && NUMERIC_TEXT.test(v);
}

/**
 * A cell as text: integers as they are, other numbers with `digits` decimals, an object of numbers
 * (e.g. an answer distribution) as "1: 0.25, 2: 0.75", other objects as JSON.
 */
export function formatCell(v: unknown, digits = 3): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toFixed(digits) : String(v);
  if (v == null) return "";
  if (typeof v === "object") {
    const entries = Object.entries(v as object);
    if (!Array.isArray(v) && entries.length && entries.every(([, x]) => typeof x === "number"))
      return entries.map(([k, x]) => `${k}: ${formatCell(x, digits)}`).join(", ");
    return JSON.stringify(v);
  }
  return String(v);
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

interface Prepared {
  cols: string[];
  cells: string[][];
  /** Per column: every non-empty cell is a number → right-aligned. */
  numeric: boolean[];
  more: number;
  title?: string;
  note?: string;
}

function prepare(t: Tabular, opts: ShowTableOptions): Prepared {
  const rows = toRows(t);
  const max = opts.max ?? 20;
  const shown = rows.slice(0, max);
  const text = isTextTable(t) ? t : null;
  // Column order: a formatted table's headers, a frame's or ColumnTable's columns (JavaScript would
  // move integer-like keys such as answer codes "1", "2" to the front of an object), else first seen.
  const declared = text ? text.headers : !Array.isArray(t) && "columns" in t && Array.isArray(t.columns) ? (t.columns as string[]) : null;
  const cols = opts.columns
    ? Array.isArray(opts.columns)
      ? [...(opts.columns as readonly string[])]
      : Object.keys(opts.columns)
    : declared
      ? [...declared]
      : [...new Set(shown.flatMap((r) => Object.keys(r)))];
  const header = (c: string): string => (opts.columns && !Array.isArray(opts.columns) ? (opts.columns as Record<string, string>)[c] : c);
  const digitsOf = (c: string): number => (typeof opts.digits === "number" ? opts.digits : (opts.digits?.[c] ?? 3));
  const numeric = cols.map((c) => {
    const vs = shown.map((r) => r[c]).filter((v) => v != null && v !== "");
    return vs.length > 0 && vs.every(isNumericCell);
  });
  return {
    cols: cols.map(header),
    cells: shown.map((r) => cols.map((c) => formatCell(r[c], digitsOf(c)))),
    numeric,
    more: Math.max(0, rows.length - max),
    title: opts.title ?? text?.title,
    note: opts.note ?? text?.note,
  };
}

/** The HTML of a table: a caption above it, a header row, numbers right-aligned in tabular figures, an optional note. */
export function tableHtml(t: Tabular, opts: ShowTableOptions = {}): string {
  const p = prepare(t, opts);
  const cell = "padding:2px 10px;border-bottom:1px solid #ddd;white-space:nowrap;";
  const align = (i: number): string => `text-align:${p.numeric[i] ? "right" : "left"};`;
  const head = `<thead><tr>${p.cols.map((c, i) => `<th style="${cell}${align(i)}border-bottom:1px solid #555;">${esc(c)}</th>`).join("")}</tr></thead>`;
  const body = `<tbody>${p.cells.map((r) => `<tr>${r.map((v, i) => `<td style="${cell}${align(i)}">${esc(v)}</td>`).join("")}</tr>`).join("")}</tbody>`;
  const foot = [p.more ? `… ${p.more} more row${p.more === 1 ? "" : "s"}` : "", p.note ?? ""].filter(Boolean).map(esc).join(" · ");
  // The caption is a block above the table rather than <caption>, which would wrap to a narrow table's width.
  return (
    (p.title ? `<div style="font-weight:bold;margin:8px 0 4px;max-width:60em;">${esc(p.title)}</div>` : "") +
    // A wide table scrolls inside the output area instead of overflowing it.
    `<div style="overflow-x:auto;max-width:100%;"><table style="border-collapse:collapse;font-variant-numeric:tabular-nums;margin:0 0 4px;">` +
    head +
    body +
    `</table></div>` +
    (foot ? `<div style="font-size:90%;color:#555;margin:2px 0 8px;max-width:60em;">${foot}</div>` : "")
  );
}

/** The same table as aligned text (terminal): numbers right-aligned. */
export function tableText(t: Tabular, opts: ShowTableOptions = {}): string {
  const p = prepare(t, opts);
  const width = p.cols.map((c, i) => Math.max(c.length, ...p.cells.map((r) => r[i].length)));
  const line = (xs: string[]): string =>
    xs
      .map((x, i) => (p.numeric[i] ? x.padStart(width[i]) : x.padEnd(width[i])))
      .join("  ")
      .trimEnd();
  return [p.title ?? "", line(p.cols), ...p.cells.map(line), p.more ? `… ${p.more} more rows` : "", p.note ?? ""].filter(Boolean).join("\n");
}

/** Render rows as an HTML table (inline) or text table (terminal). Shows at most `max` rows. */
export function showTable(t: Tabular, opts: ShowTableOptions = {}): void {
  if (inKernel()) display().html(tableHtml(t, opts));
  else console.log(tableText(t, opts));
}

/** A short markdown note (e.g. which data a notebook is running on). */
export function note(markdown: string): void {
  display().markdown(markdown);
}

/** Chat messages (a persona prompt) as a block of role-labelled, pre-wrapped text; plain text in a terminal. */
export function showMessages(messages: readonly { role: string; content: string }[], opts: { title?: string } = {}): void {
  if (!inKernel()) {
    console.log([opts.title ?? "", ...messages.map((m) => `[${m.role}] ${m.content}`)].filter(Boolean).join("\n"));
    return;
  }
  display().html(messagesHtml(messages, opts));
}

/** The HTML of showMessages(). */
export function messagesHtml(messages: readonly { role: string; content: string }[], opts: { title?: string } = {}): string {
  const block = (m: { role: string; content: string }): string =>
    `<div style="margin:2px 0 6px;"><div style="font-size:85%;color:#555;text-transform:uppercase;letter-spacing:0.05em;">${esc(m.role)}</div>` +
    `<div style="white-space:pre-wrap;font-family:monospace;font-size:90%;background:#f6f6f6;border-left:3px solid #bbb;padding:4px 8px;max-width:60em;">${esc(m.content)}</div></div>`;
  return (opts.title ? `<div style="font-weight:bold;margin:8px 0 4px;">${esc(opts.title)}</div>` : "") + messages.map(block).join("");
}
