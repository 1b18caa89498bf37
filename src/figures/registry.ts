/**
 * The figure catalogue: every named figure svlab can regenerate, and `writeFigures()` which renders
 * them all to figures/<name>.svg + .png through ONE Chromium page.
 *
 * How to add figures (additive; no edit of this file needed):
 *   1. Write a catalogue module named `src/figures/<stage>-catalogue.ts` (e.g. landscape-catalogue.ts,
 *      results-catalogue.ts) that calls `registerFigure({ name, stage, title, build })` at top level
 *      for each figure. `build(ctx)` returns a plotly spec, or null when the stage's inputs are
 *      absent (e.g. no runs yet) — the figure is then skipped, not an error.
 *   2. `loadCatalogue()` imports every `*-catalogue.ts` in src/figures, so the CLI (`svlab figures`)
 *      and `writeFigures()` pick it up. In a notebook you can also import it directly:
 *      `import "./src/figures/landscape-catalogue"`.
 * Names are stable file stems (`<stage>-<what>`, lowercase, hyphens): no dates, no run ids.
 * Share expensive inputs between figures through `ctx.memo(key, make)` (one analysis per writeFigures).
 *
 * The registry lives on globalThis so a catalogue module loaded twice (tslab's compiled copy and a
 * tsx copy) still fills one catalogue; re-registering a name replaces it (re-run notebook cells).
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { loadBenchmark, type LoadBenchmarkOptions } from "../benchmark/load";
import type { Benchmark } from "../benchmark/types";
import { type FigureRenderer, type ImageFormat, sharedRenderer } from "./render";
import type { FigureSpec } from "./spec";

export interface FigureContext {
  /** The benchmark (loaded once per context, lazily). */
  benchmark(): Promise<Benchmark>;
  /** Where run results live (default "results"). */
  resultsDir: string;
  /** Per-figure options from the caller, e.g. { question: "Q6" } for the answer heatmap. */
  options: Record<string, unknown>;
  /** Compute `make()` once per context and share it between figures. */
  memo<T>(key: string, make: () => T | Promise<T>): Promise<T>;
}

export interface FigureDef {
  /** Stable file stem, e.g. "landscape-mds-by-category". */
  name: string;
  /** Pipeline stage that owns it, e.g. "landscape", "results". */
  stage: string;
  title: string;
  /** One-line caption for reports and `svlab figures --list`. */
  caption?: string;
  /** Image size in CSS pixels (default: the spec's layout.width/height, else 800×500). */
  width?: number;
  height?: number;
  build(ctx: FigureContext): FigureSpec | null | Promise<FigureSpec | null>;
  /** Why build() gave null, in words a user acts on (default: the stage's inputs are absent). */
  skipReason?(ctx: FigureContext): string | undefined | Promise<string | undefined>;
}

const NAME_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const STORE_KEY = Symbol.for("svlab.figures.registry");

function store(): Map<string, FigureDef> {
  const g = globalThis as unknown as Record<symbol, Map<string, FigureDef> | undefined>;
  return (g[STORE_KEY] ??= new Map());
}

/** Add (or replace) a figure in the catalogue. */
export function registerFigure(def: FigureDef): void {
  if (!NAME_RE.test(def.name)) throw new Error(`registerFigure: name "${def.name}" must be lowercase words joined by hyphens (it is a file name)`);
  if (!def.stage) throw new Error(`registerFigure: figure "${def.name}" needs a stage`);
  if (typeof def.build !== "function") throw new Error(`registerFigure: figure "${def.name}" needs a build(ctx) function`);
  store().set(def.name, def);
}

/** Registered figures, by stage then name. */
export function listFigures(): FigureDef[] {
  return [...store().values()].sort((a, b) => a.stage.localeCompare(b.stage) || a.name.localeCompare(b.name));
}

export function getFigure(name: string): FigureDef {
  const f = store().get(name);
  if (!f)
    throw new Error(
      `unknown figure "${name}"; registered: ${
        listFigures()
          .map((x) => x.name)
          .join(", ") || "(none; call loadCatalogue() first)"
      }`,
    );
  return f;
}

/** The catalogue module files (`src/figures/*-catalogue.ts`), sorted. */
export function catalogueFiles(dir = path.join(process.cwd(), "src", "figures")): string[] {
  return readdirSync(dir)
    .filter((f) => /^[a-z0-9-]+-catalogue\.ts$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

// Hidden from tslab's import()→require rewrite.
const nativeImport = new Function("s", "return import(s)") as (s: string) => Promise<unknown>;

/**
 * True when this module runs as CommonJS: inside the tslab kernel, which compiles src/ to CommonJS
 * (and tsx's own CommonJS loader). As an ES module it was loaded by tsx's ESM loader (CLI, tests,
 * benches), since Node alone cannot resolve its extensionless imports — so import() resolves
 * TypeScript there.
 */
function runsAsCommonJS(): boolean {
  return typeof module === "object" && module !== null && typeof exports === "object";
}

/**
 * Import every catalogue module so its figures register. Under tsx's ESM loader (CLI, tests,
 * benches) this is a plain dynamic import. Inside the tslab kernel it goes through tsx's CommonJS
 * API on every Node: there import() reaches Node's own ESM loader, which on Node 20 refuses .ts
 * files and on Node 22+ strips the types but then cannot resolve the file's extensionless imports
 * (ERR_MODULE_NOT_FOUND for "../benchmark/landscape").
 */
export async function loadCatalogue(dir?: string): Promise<FigureDef[]> {
  const files = catalogueFiles(dir);
  if (runsAsCommonJS()) {
    const parent = path.join(process.cwd(), "package.json");
    const tsx = createRequire(parent)("tsx/cjs/api") as { require: (id: string, from: string) => unknown };
    for (const file of files) tsx.require(file, parent);
  } else {
    for (const file of files) await nativeImport(pathToFileURL(file).href);
  }
  return listFigures();
}

export interface FigureContextOptions {
  /** Benchmark options (e.g. { wvs: "/path/file.csv" }) or a benchmark already loaded; default: shipped aggregates. */
  benchmark?: LoadBenchmarkOptions | Benchmark;
  resultsDir?: string;
  options?: Record<string, unknown>;
}

export function createFigureContext(o: FigureContextOptions = {}): FigureContext {
  const memo = new Map<string, Promise<unknown>>();
  const ctx: FigureContext = {
    resultsDir: o.resultsDir ?? "results",
    options: o.options ?? {},
    memo<T>(key: string, make: () => T | Promise<T>): Promise<T> {
      let p = memo.get(key) as Promise<T> | undefined;
      if (!p) {
        p = Promise.resolve().then(make);
        memo.set(key, p);
      }
      return p;
    },
    benchmark: () => ctx.memo("benchmark", () => (isBenchmark(o.benchmark) ? o.benchmark : loadBenchmark(o.benchmark ?? {}))),
  };
  return ctx;
}

/** A loaded benchmark rather than options to load one (a type guard: tslab's TypeScript 5.0 does not narrow `"pairs" in x` on a property). */
function isBenchmark(b: LoadBenchmarkOptions | Benchmark | undefined): b is Benchmark {
  return b !== undefined && "pairs" in b;
}

export interface WrittenFigure {
  name: string;
  stage: string;
  title: string;
  /** Paths written (empty when skipped). */
  files: string[];
  /** Why nothing was written: the stage's inputs are absent. */
  skipped?: string;
  /** Build + render time. */
  ms: number;
}

export interface WriteFiguresOptions {
  /** Only these figure names (or stage names). */
  only?: string[];
  formats?: ImageFormat[];
  context?: FigureContext;
  /** Renderer to use (default: the shared one; it stays open for later calls). */
  renderer?: FigureRenderer;
  /** Called after each figure (for progress output). */
  onFigure?: (f: WrittenFigure, index: number, total: number) => void;
}

/**
 * Render every registered figure (or `only`) to `<outDir>/<name>.<format>`, reusing one page.
 * Figures whose build returns null are reported as skipped. Call `loadCatalogue()` first (the CLI does).
 */
export async function writeFigures(outDir = "figures", opts: WriteFiguresOptions = {}): Promise<WrittenFigure[]> {
  const formats = opts.formats ?? ["svg", "png"];
  let defs = listFigures();
  if (opts.only?.length) {
    const want = new Set(opts.only);
    const unknown = opts.only.filter((n) => !defs.some((d) => d.name === n || d.stage === n));
    if (unknown.length) {
      throw new Error(`unknown figure or stage: ${unknown.join(", ")}; registered: ${defs.map((d) => d.name).join(", ") || "(none)"}`);
    }
    defs = defs.filter((d) => want.has(d.name) || want.has(d.stage));
  }
  const ctx = opts.context ?? createFigureContext();
  mkdirSync(outDir, { recursive: true });
  const out: WrittenFigure[] = [];
  let renderer = opts.renderer;
  for (const [i, def] of defs.entries()) {
    const t0 = performance.now();
    let spec: FigureSpec | null;
    try {
      spec = await def.build(ctx);
    } catch (err) {
      throw new Error(`figure "${def.name}" (${def.stage}): ${(err as Error).message}`);
    }
    const rec: WrittenFigure = { name: def.name, stage: def.stage, title: def.title, files: [], ms: 0 };
    if (!spec) {
      rec.skipped = (await def.skipReason?.(ctx)) ?? `no inputs for stage "${def.stage}" yet`;
    } else {
      renderer ??= await sharedRenderer();
      const img = await renderer.render(spec, { width: def.width, height: def.height, formats });
      for (const f of formats) {
        const file = path.join(outDir, `${def.name}.${f}`);
        writeFileSync(file, f === "svg" ? img.svg! : img.png!);
        rec.files.push(file);
      }
    }
    rec.ms = performance.now() - t0;
    out.push(rec);
    opts.onFigure?.(rec, i, defs.length);
  }
  return out;
}
