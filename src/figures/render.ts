/**
 * Plotly figure specs → SVG / PNG, through one headless Chromium page.
 *
 * Loading the 4.6 MB plotly bundle into a page costs ~3–4 s; after that each figure costs ~0.1 s.
 * So a renderer owns ONE browser page with plotly loaded once and renders every figure through it
 * (calls are queued: one `Plotly.toImage` at a time keeps output deterministic and memory flat).
 *
 * No `import.meta` here: notebooks (tslab, CommonJS) import this module. Package files are
 * resolved from the project root with `createRequire(<cwd>/package.json)`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import type { FigureSpec } from "./spec";

export type ImageFormat = "svg" | "png";

export interface RenderOptions {
  /** CSS pixels; default 800. */
  width?: number;
  /** CSS pixels; default 500. */
  height?: number;
  /** Which images to make; default both. */
  formats?: ImageFormat[];
  /** PNG pixel density (2 = retina-sharp, ~2–3× the bytes); default 1. */
  scale?: number;
}

export interface RenderedFigure {
  /** SVG text (starts with "<svg"). */
  svg?: string;
  /** PNG bytes. */
  png?: Buffer;
  width: number;
  height: number;
}

export interface FigureRenderer {
  render(spec: FigureSpec, options?: RenderOptions): Promise<RenderedFigure>;
  /** Figures rendered so far by this renderer (all through the same page). */
  readonly rendered: number;
  /** Milliseconds spent launching Chromium and loading plotly into the page. */
  readonly startupMs: number;
  close(): Promise<void>;
}

export interface RendererOptions {
  /** Chromium binary; default $SVLAB_CHROMIUM or /usr/bin/chromium. */
  executablePath?: string;
  /** Per-figure timeout; default 60 s. */
  timeoutMs?: number;
  /**
   * Let the process exit while the renderer is idle (Chromium's pipes no longer keep Node's event
   * loop alive; Playwright kills the browser at exit). The shared renderer uses this so a script
   * that never calls close() still ends. Renders and close() hold the loop open while they run.
   */
  unref?: boolean;
}

/** Flags measured to work for Debian's chromium in containers (see notes/toolchain.md §3). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

export class FigureRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FigureRenderError";
  }
}

function projectRequire(): NodeJS.Require {
  return createRequire(path.join(process.cwd(), "package.json"));
}

/** The chromium binary to use, or a FigureRenderError saying how to install one. */
export function resolveChromium(explicit?: string): string {
  const exe = explicit ?? process.env.SVLAB_CHROMIUM ?? DEFAULT_CHROMIUM;
  if (!existsSync(exe)) {
    throw new FigureRenderError(
      `Chromium not found at ${exe}; figure export needs a headless Chromium. ` +
        `Install it with \`apt-get install -y chromium\` (Debian/Ubuntu), ` +
        `or point SVLAB_CHROMIUM at a Chrome/Chromium binary.`,
    );
  }
  return exe;
}

/** Path of the plotly.js-dist-min bundle, resolved from the project root. */
export function plotlyBundlePath(): string {
  try {
    return projectRequire().resolve("plotly.js-dist-min");
  } catch {
    throw new FigureRenderError(`plotly.js-dist-min is not installed under ${process.cwd()}/node_modules; run \`npm ci\` at the project root.`);
  }
}

/** Launch Chromium, open one page and load plotly into it. Close it with `close()`. */
export async function createRenderer(options: RendererOptions = {}): Promise<FigureRenderer> {
  const exe = resolveChromium(options.executablePath);
  const bundle = plotlyBundlePath();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const { chromium } = projectRequire()("playwright-core") as typeof import("playwright-core");
  const t0 = performance.now();
  let browser: Browser;
  const handlesBefore = new Set(activeHandles());
  try {
    // launch() gives each browser a fresh temporary user-data-dir, removed on close.
    browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS, timeout: timeoutMs });
  } catch (err) {
    throw new FigureRenderError(`could not start Chromium (${exe}): ${(err as Error).message.split("\n")[0]}`);
  }
  // The browser's child process and pipes: the handles that appeared during launch.
  const browserHandles = activeHandles().filter((h) => !handlesBefore.has(h));
  let page: Page;
  try {
    page = await browser.newPage();
    page.setDefaultTimeout(timeoutMs);
    // A file:// page with <script src> loads the bundle ~1.7x faster than addScriptTag (measured).
    await page.goto(pathToFileURL(hostPage(bundle)).href);
    const ok = await page.evaluate(() => typeof (globalThis as any).Plotly?.toImage === "function");
    if (!ok) throw new Error("Plotly.toImage missing after loading the bundle");
  } catch (err) {
    await browser.close().catch(() => {});
    throw new FigureRenderError(`could not load plotly into Chromium: ${(err as Error).message.split("\n")[0]}`);
  }
  const startupMs = performance.now() - t0;
  if (options.unref) for (const h of browserHandles) (h as { unref?: () => void }).unref?.();
  // While work is in flight, a ref'd timer keeps the loop alive (the browser handles may be unref'd).
  const busy = async <T>(work: () => Promise<T>): Promise<T> => {
    const keep = options.unref ? setInterval(() => {}, 1 << 30) : null;
    try {
      return await work();
    } finally {
      if (keep) clearInterval(keep);
    }
  };

  let queue: Promise<unknown> = Promise.resolve();
  let rendered = 0;
  let closed = false;

  const renderOne = async (spec: FigureSpec, o: RenderOptions): Promise<RenderedFigure> => {
    const width = o.width ?? (spec.layout?.width as number | undefined) ?? 800;
    const height = o.height ?? (spec.layout?.height as number | undefined) ?? 500;
    const formats = o.formats ?? ["svg", "png"];
    const scale = o.scale ?? 1;
    const fig = { data: spec.data, layout: { ...(spec.layout ?? {}), width, height } };
    const out = await page.evaluate(
      async ({ fig, formats, width, height, scale }) => {
        const P = (globalThis as any).Plotly;
        const res: Record<string, string> = {};
        for (const format of formats) res[format] = await P.toImage(fig, { format, width, height, scale });
        return res;
      },
      { fig, formats, width, height, scale },
    );
    const result: RenderedFigure = { width, height };
    if (out.svg !== undefined) result.svg = decodeSvgDataUrl(out.svg);
    if (out.png !== undefined) result.png = Buffer.from(out.png.slice(out.png.indexOf(",") + 1), "base64");
    rendered++;
    return result;
  };

  return {
    get rendered() {
      return rendered;
    },
    startupMs,
    render(spec, o = {}) {
      if (closed) return Promise.reject(new FigureRenderError("renderer is closed"));
      if (!spec || !Array.isArray(spec.data)) {
        return Promise.reject(new FigureRenderError("render(spec): spec.data must be an array of plotly traces"));
      }
      const job = queue.then(() => busy(() => renderOne(spec, o)));
      queue = job.catch(() => {});
      return job.catch((err) => {
        throw new FigureRenderError(`plotly could not render "${titleOf(spec)}": ${(err as Error).message.split("\n")[0]}`);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await busy(async () => {
        await queue;
        await browser.close().catch(() => {});
      });
    },
  };
}

function activeHandles(): unknown[] {
  // Undocumented but long-stable Node API; without it we simply don't unref.
  const f = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  return typeof f === "function" ? f.call(process) : [];
}

let hostDir: string | null = null;

/** A tiny HTML page (in a temp dir, removed at exit) whose only job is to load the plotly bundle. */
function hostPage(bundle: string): string {
  if (!hostDir) {
    hostDir = mkdtempSync(path.join(tmpdir(), "svlab-figures-"));
    const dir = hostDir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  const file = path.join(hostDir, "plotly-host.html");
  const html = `<!doctype html><html><head><meta charset="utf-8"></head><body>` + `<script src="${pathToFileURL(bundle).href}"></script></body></html>`;
  writeFileSync(file, html);
  return file;
}

function decodeSvgDataUrl(url: string): string {
  const comma = url.indexOf(",");
  const head = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return head.endsWith(";base64") ? Buffer.from(body, "base64").toString("utf8") : decodeURIComponent(body);
}

function titleOf(spec: FigureSpec): string {
  const t = spec.layout?.title as unknown;
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") return (t as { text: string }).text;
  return "figure";
}

// ---- one shared renderer per process ------------------------------------------------------

let shared: Promise<FigureRenderer> | null = null;
let exitHookInstalled = false;

/**
 * The process-wide renderer (created on first use, reused by `show()` and `writeFigures()`).
 * It is closed by `closeSharedRenderer()`, and on process exit / SIGINT / SIGTERM; while idle it
 * does not keep the process alive, so scripts that forget to close it still end.
 */
export function sharedRenderer(options?: RendererOptions): Promise<FigureRenderer> {
  if (!shared) {
    shared = createRenderer({ unref: true, ...options });
    // A failed launch must not poison later attempts (e.g. after installing Chromium).
    shared.catch(() => {
      shared = null;
    });
    installExitHook();
  }
  return shared;
}

export async function closeSharedRenderer(): Promise<void> {
  const s = shared;
  shared = null;
  if (s) await (await s.catch(() => null))?.close();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Playwright also kills its browsers on exit; these hooks make a clean close happen first
  // when the event loop drains (scripts that forget to close) or on Ctrl-C.
  process.once("beforeExit", () => void closeSharedRenderer());
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    // Only when nobody else handles the signal: tslab uses SIGINT to interrupt a cell, not to exit.
    if (process.listenerCount(sig) > 0) continue;
    process.once(sig, () => {
      void closeSharedRenderer().finally(() => process.kill(process.pid, sig));
    });
  }
}
