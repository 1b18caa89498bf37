/** Show tables and notes in a notebook (HTML in tslab, aligned text in a terminal). */
import { display, inKernel } from "./tslab";

type Row = Record<string, unknown>;

/** Anything with rows: an array of objects, an arquero table (objects()), or a danfojs DataFrame. */
export type Tabular = readonly object[] | { objects(opts?: unknown): Row[] } | { values: unknown[][]; columns: string[] };

export function toRows(t: Tabular): Row[] {
  if (Array.isArray(t)) return t as Row[];
  if ("objects" in t && typeof t.objects === "function") return t.objects();
  const df = t as { values: unknown[][]; columns: string[] };
  return df.values.map((v) => Object.fromEntries(df.columns.map((c, i) => [c, v[i]])));
}

function fmt(v: unknown, digits: number): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  if (v == null) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Render rows as an HTML table (inline) or text table (terminal). Shows at most `max` rows. */
export function showTable(t: Tabular, opts: { title?: string; max?: number; digits?: number } = {}): void {
  const rows = toRows(t);
  const max = opts.max ?? 20;
  const digits = opts.digits ?? 3;
  const cols = [...new Set(rows.slice(0, max).flatMap((r) => Object.keys(r)))];
  const shown = rows.slice(0, max);
  const more = rows.length > max ? `${rows.length - max} more rows` : "";
  if (inKernel()) {
    const head = `<tr>${cols.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>`;
    const body = shown.map((r) => `<tr>${cols.map((c) => `<td>${esc(fmt(r[c], digits))}</td>`).join("")}</tr>`).join("");
    display().html(
      `${opts.title ? `<b>${esc(opts.title)}</b>` : ""}<table>${head}${body}</table>${more ? `<i>… ${more}</i>` : ""}`,
    );
    return;
  }
  const cells = shown.map((r) => cols.map((c) => fmt(r[c], digits)));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (xs: string[]): string => xs.map((x, i) => x.padEnd(width[i])).join("  ");
  console.log([opts.title ?? "", line(cols), ...cells.map(line), more].filter(Boolean).join("\n"));
}

/** A short markdown note (e.g. which data a notebook is running on). */
export function note(markdown: string): void {
  display().markdown(markdown);
}
