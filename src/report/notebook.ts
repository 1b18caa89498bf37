/**
 * Notebook helpers for results: show a report table or a results figure inline (tslab), or as
 * text in a terminal. No `import.meta` here: tslab imports this module as CommonJS.
 */
import { show } from "../figures/display";
import type { NamedFigure } from "../figures/results-figures";
import type { FigureSpec } from "../figures/spec";
import { display, inKernel } from "../notebook/tslab";
import type { Table } from "./tables";
import { tableHtml, tableMarkdown } from "./write";

/** Show one report table (HTML in the kernel, Markdown text elsewhere). */
export function showReportTable(t: Table): void {
  if (inKernel()) display().html(tableHtml(t));
  else console.log(tableMarkdown(t));
}

/** Show a results figure inline at its own size (figures/display.ts show(): SVG, no-op outside the kernel). */
export async function showFigure(f: NamedFigure | { spec: FigureSpec; width?: number; height?: number }): Promise<void> {
  await show(f.spec, { width: f.width ?? 900, height: f.height ?? 520 });
}
