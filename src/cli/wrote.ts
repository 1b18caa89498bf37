/**
 * How a command that writes files ends: one labelled line per file (or per folder of figure images),
 * labels padded so the paths line up, paths as the user would type them from here.
 *
 *   wrote Markdown report  results/report-ood/report.md
 *   wrote HTML report      results/report-ood/report.html
 */
import { isAbsolute, relative, resolve } from "node:path";

export interface WrittenFile {
  /** What the file is, for a reader: "HTML report", "predictions (64)". */
  label: string;
  path: string;
}

/** A path relative to the working folder when it is inside it, else absolute. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const abs = resolve(cwd, path);
  const rel = relative(cwd, abs);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
}

/** An argument as a POSIX shell reads it back: bare when safe, else single-quoted. */
export function shellArg(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** "wrote <label>  <path>" per file, in the order given. */
export function wroteLines(files: WrittenFile[], cwd = process.cwd()): string[] {
  const width = Math.max(0, ...files.map((f) => f.label.length));
  return files.map((f) => `wrote ${f.label.padEnd(width)}  ${displayPath(f.path, cwd)}`);
}

const FORMAT_NAMES: Record<string, string> = { svg: "SVG", png: "PNG", json: "plotly JSON" };
const FORMAT_ORDER = ["svg", "png", "json"];

/** "9 figures (SVG, PNG)": a set of figure files is one line for its folder, not one per file. */
export function figuresLabel(n: number, files: string[]): string {
  const exts = [...new Set(files.map((f) => f.slice(f.lastIndexOf(".") + 1)))];
  exts.sort((a, b) => FORMAT_ORDER.indexOf(a) - FORMAT_ORDER.indexOf(b));
  return `${n} figure${n === 1 ? "" : "s"}${exts.length ? ` (${exts.map((e) => FORMAT_NAMES[e] ?? e).join(", ")})` : ""}`;
}
