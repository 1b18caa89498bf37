/**
 * Access to tslab's display API when running inside the tslab kernel, and a plain-console fallback
 * elsewhere (tsx scripts, tests), so helpers can always call it.
 */
import { createRequire } from "node:module";
import { join } from "node:path";

export interface Display {
  html(s: string): void;
  markdown(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  text(s: string): void;
}

interface TslabModule {
  display: Display;
  newDisplay(): Display;
}

let mod: TslabModule | null | undefined;

interface TslabJupyter {
  lastWriteDisplayData: ((data: unknown, update: boolean) => void) | null;
}

/** True when this process is a tslab kernel. */
export function inKernel(): boolean {
  return tslab() !== null;
}

/**
 * tslab's kernel module while it executes a cell, found in the CommonJS module cache (requiring
 * tslab outside the kernel would load a second TypeScript compiler for nothing).
 */
function kernelModule(): TslabJupyter | null {
  const cache = createRequire(join(process.cwd(), "package.json")).cache;
  for (const [key, m] of Object.entries(cache)) {
    if (/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) {
      const j = m?.exports as TslabJupyter | undefined;
      if (j?.lastWriteDisplayData) return j;
    }
  }
  return null;
}

/**
 * One display_data output with several representations (e.g. an image and its text/plain title),
 * which tslab's public display API cannot send. Returns false outside a kernel.
 */
/** A mime bundle: text for most types, JSON for JSON mime types (e.g. plotly's figure). */
export type MimeBundle = Record<string, string | object>;

export function displayData(data: MimeBundle): boolean {
  const k = kernelModule();
  if (k?.lastWriteDisplayData) {
    k.lastWriteDisplayData({ data, metadata: {}, transient: {} }, false);
    return true;
  }
  const t = tslab();
  if (!t) return false;
  // Fallback (a tslab without the internal hook): the richest representation through the public API.
  const text = (mime: string): string | undefined => (typeof data[mime] === "string" ? (data[mime] as string) : undefined);
  if (text("text/html")) t.display.html(text("text/html")!);
  else if (text("image/svg+xml")) t.display.svg(text("image/svg+xml")!);
  else if (text("image/png")) t.display.png(Buffer.from(text("image/png")!, "base64"));
  else t.display.text(text("text/plain") ?? "");
  return true;
}

function tslab(): TslabModule | null {
  if (mod !== undefined) return mod;
  mod = null;
  // The kernel's entry point is tslab's own main script; outside it, display calls would go nowhere.
  const isKernel = process.argv.some((a) => /tslab/.test(a)) && process.argv.includes("kernel");
  if (!isKernel) return mod;
  try {
    const req = createRequire(join(process.cwd(), "package.json"));
    mod = req("tslab") as TslabModule;
  } catch {
    mod = null;
  }
  return mod;
}

const consoleDisplay: Display = {
  html: (s) =>
    console.log(
      s
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
    ),
  markdown: (s) => console.log(s),
  svg: () => console.log("[svg figure]"),
  png: () => console.log("[png figure]"),
  text: (s) => console.log(s),
};

/** The notebook display (or the console). */
export function display(): Display {
  return tslab()?.display ?? consoleDisplay;
}

/** A display entry that each call overwrites (live progress lines); the console fallback rewrites the line. */
export function newDisplay(): Display {
  const t = tslab();
  if (t) return t.newDisplay();
  return {
    ...consoleDisplay,
    text: (s) => process.stdout.write(`\r${s}`),
  };
}
