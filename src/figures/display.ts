/**
 * Inline figures in notebooks: `await show(spec)` hands the front end plotly's own figure, live.
 *
 * One display_data output carries the figure three ways, and each front end picks what it draws:
 * - `application/vnd.plotly.v1+json` — JupyterLab and VS Code draw it natively (hover, zoom, legend);
 * - `text/html` — classic Jupyter Notebook and nbconvert HTML exports: a div that plotly.js draws
 *   (plotly.js is inlined from node_modules once per page — never a CDN — see livePlotHtml), with
 *   the static image inside it until then, so viewers that run no script (GitHub) show the image;
 * - `image/svg+xml` or `image/png` — the static image alone, for PDF/Markdown exports.
 * Live figures fill the output area's width (responsive); the static image keeps `width`.
 *
 * The static image costs one render in the shared Chromium page (~0.1 s a figure once it is up);
 * `static: "none"` (or env SVLAB_FIGURE_STATIC=none) skips it and Chromium altogether.
 *
 * Outside a tslab kernel (scripts, tests) show() is a no-op unless a file is asked for
 * (`{ file }`, or env SVLAB_SHOW_DIR → <dir>/<slug of the title>.<format>).
 * Returns nothing on purpose: tslab prints a cell's last value, and a result object would clutter it.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import { type RenderOptions, plotlyBundlePath, sharedRenderer } from "./render";
import type { FigureSpec } from "./spec";
import { displayData, inKernel, type MimeBundle } from "../notebook/tslab";

export type StaticFormat = "svg" | "png";

export interface ShowOptions extends Omit<RenderOptions, "formats"> {
  /** The static image's format, and the file's: "svg" (default) or "png". */
  format?: StaticFormat;
  /** The static fallback image in the notebook: "svg"/"png" (default: `format`), or "none" to skip Chromium. */
  static?: StaticFormat | "none";
  /** false: the static image only (no live figure). Default true. */
  live?: boolean;
  /** Also (or, outside the kernel, only) write the image to this path. */
  file?: string;
}

// In a kernel, start Chromium (for the static images) while the cells before the first figure run:
// its ~3–5 s start-up then overlaps other work instead of delaying the first figure.
if (inKernel() && process.env.SVLAB_FIGURE_STATIC !== "none") void sharedRenderer().catch(() => {});

/** True inside a running tslab kernel. */
export function inNotebook(): boolean {
  return inKernel();
}

function titleOf(spec: FigureSpec): string {
  const t = spec.layout?.title as unknown;
  const text = typeof t === "string" ? t : ((t as { text?: string } | undefined)?.text ?? "figure");
  return text.replace(/<br>.*$/s, "").replace(/<[^>]+>/g, "");
}

export function slugify(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "figure"
  );
}

/** Plotly's figure JSON as front ends get it: responsive to the output area, at the figure's height. */
export function liveFigure(spec: FigureSpec, height?: number): { data: unknown[]; layout: Record<string, unknown>; config: Record<string, unknown> } {
  const { width: _fixedWidth, ...layout } = spec.layout ?? {};
  return {
    data: spec.data,
    layout: { ...layout, autosize: true, height: height ?? (layout.height as number | undefined) ?? 500 },
    config: { responsive: true, displaylogo: false },
  };
}

/** JSON safe inside an inline <script> (no "</script>", no U+2028/2029 line breaks). */
function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

let bundleScript: string | undefined;

/** plotly.js from node_modules as one inline <script> that defines window.Plotly if the page has none. */
export function plotlyLoaderHtml(): string {
  if (!bundleScript) {
    // "<!--" inside a script can confuse the HTML parser; "\x3C" is "<" in JS strings and regexes.
    const src = readFileSync(plotlyBundlePath(), "utf8")
      .replace(/<!--/g, "\\x3C!--")
      .replace(/<\/script/gi, "\\x3C/script");
    bundleScript = `<script type="text/javascript">/* plotly.js from svlab's node_modules (no CDN), once per page */\nif (!window.Plotly) {\n${src}\n}</script>`;
  }
  return bundleScript;
}

/**
 * The HTML a classic Notebook page or an nbconvert export draws: a div with the static image (if
 * any) that a script replaces with the live plotly figure as soon as window.Plotly exists (the
 * loader may sit in an earlier output of the page).
 */
export function livePlotHtml(
  spec: FigureSpec,
  o: { height?: number; staticImage?: { mime: string; base64: string }; loader?: boolean; title?: string } = {},
): string {
  const fig = liveFigure(spec, o.height);
  const id = `svlab-fig-${randomUUID()}`;
  const img = o.staticImage
    ? `<img src="data:${o.staticImage.mime};base64,${o.staticImage.base64}" alt="${esc(o.title ?? titleOf(spec))}" style="max-width:100%;height:auto">`
    : "";
  return (
    (o.loader ? plotlyLoaderHtml() : "") +
    `<div id="${id}" class="svlab-figure" style="width:100%;min-height:${fig.layout.height}px">${img}</div>` +
    `<script type="text/javascript">(function () {\n` +
    `  var el = document.getElementById(${JSON.stringify(id)}), fig = ${scriptJson(fig)}, tries = 0;\n` +
    // Waits up to 30 s for plotly.js (a big page loads the loader output first); the image stays otherwise.
    `  function draw() {\n` +
    `    if (window.Plotly) { el.innerHTML = ""; window.Plotly.newPlot(el, fig.data, fig.layout, fig.config); }\n` +
    `    else if (++tries < 300) setTimeout(draw, 100);\n` +
    `  }\n  draw();\n})();</script>`
  );
}

const SESSION_KEY = Symbol.for("svlab.kernel.session");
const LOADED_KEY = Symbol.for("svlab.figures.plotlyLoadedIn");

/**
 * True when this cell's front-end page has not yet been sent plotly.js: once per Jupyter session
 * (a new one per browser page or nbconvert run; bin/svlab-kernel.cjs records it), so a reloaded
 * page gets the library again with its next figure. State lives on globalThis (display.ts can be
 * loaded twice: tslab's compiled copy and a tsx copy).
 */
function needsLoader(): boolean {
  const g = globalThis as unknown as Record<symbol, unknown>;
  const loaded = (g[LOADED_KEY] ??= new Set<string>()) as Set<string>;
  const session = String(g[SESSION_KEY] ?? "unknown");
  if (loaded.has(session)) return false;
  loaded.add(session);
  return true;
}

/** Display `spec` inline (live, with a static fallback) and/or write its image to a file. */
export async function show(spec: FigureSpec, options: ShowOptions = {}): Promise<void> {
  const format = options.format ?? "svg";
  const kernel = inKernel();
  const dir = process.env.SVLAB_SHOW_DIR;
  const file = options.file ?? (!kernel && dir ? path.join(dir, `${slugify(titleOf(spec))}.${format}`) : undefined);
  if (!kernel && !file) return;
  const live = options.live ?? true;
  const envStatic = process.env.SVLAB_FIGURE_STATIC as StaticFormat | "none" | undefined;
  const staticFormat = kernel ? (live ? (options.static ?? envStatic ?? format) : format) : "none";
  const formats = [...new Set([...(file ? [format] : []), ...(staticFormat !== "none" ? [staticFormat] : [])])];
  const img = formats.length ? await (await sharedRenderer()).render(spec, { ...options, formats }) : undefined;
  if (file && img) {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, format === "svg" ? img.svg! : img.png!);
  }
  if (!kernel) return;
  const data: MimeBundle = { "text/plain": `<figure: ${titleOf(spec)}>` };
  let staticImage: { mime: string; base64: string } | undefined;
  if (img && staticFormat !== "none") {
    const mime = staticFormat === "svg" ? "image/svg+xml" : "image/png";
    data[mime] = staticFormat === "svg" ? img.svg! : img.png!.toString("base64");
    staticImage = { mime, base64: staticFormat === "svg" ? Buffer.from(img.svg!).toString("base64") : img.png!.toString("base64") };
  }
  if (live) {
    data["application/vnd.plotly.v1+json"] = liveFigure(spec, options.height);
    data["text/html"] = livePlotHtml(spec, { height: options.height, staticImage, loader: needsLoader() });
  }
  displayData(data);
}
