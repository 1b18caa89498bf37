/**
 * Notebook helpers for results: show a report table or a results figure inline (tslab), or as
 * text in a terminal. No `import.meta` here: tslab imports this module as CommonJS.
 */
import { sharedRenderer } from "../figures/render";
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

/** Render a figure through the shared Chromium page and show it inline as SVG. */
export async function showFigure(f: NamedFigure | { spec: FigureSpec; width?: number; height?: number }): Promise<void> {
  const r = await sharedRenderer();
  const img = await r.render(f.spec, { width: f.width ?? 900, height: f.height ?? 520, formats: ["svg"] });
  display().svg(img.svg!);
}
