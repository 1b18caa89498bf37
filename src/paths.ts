/**
 * Where things live. Modules that notebooks import cannot use `import.meta` (tslab compiles them to
 * CommonJS), so paths are found from the working folder: the project root is the nearest folder
 * upwards whose package.json is named "svlab" (override with SVLAB_ROOT).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

let cachedRoot: string | null = null;

export function projectRoot(): string {
  if (process.env.SVLAB_ROOT) return resolve(process.env.SVLAB_ROOT);
  if (cachedRoot) return cachedRoot;
  let dir = process.cwd();
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, "utf8")).name === "svlab") return (cachedRoot = dir);
      } catch {
        /* not ours; keep looking */
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`cannot find the svlab project root above ${process.cwd()}; run from inside the project or set SVLAB_ROOT`);
}

/** The shipped data folder (codebook, benchmark aggregates). */
export function dataDir(): string {
  return join(projectRoot(), "data");
}

/** Folders searched for the real WVS-7 microdata, in order. */
export const WVS_FILENAMES = ["WVS_Cross-National_Wave_7_csv_v6_0_SGP_only.csv", "WVS_Cross-National_Wave_7_csv_v6_0.csv", "WVS_Wave_7_Singapore_Csv_v5.1.csv"];

/** The folder with the shared (never committed) real data, beside the project. */
export function sharedDir(): string {
  return resolve(projectRoot(), "..", "shared");
}

/**
 * The real WVS-7 file to use: env WVS_CSV, else ../shared/wvs-real/<known name>; null when none exists
 * (a user's fresh machine: everything then runs on the shipped aggregates). SVLAB_NO_MICRODATA=1
 * makes it return null even when a file exists, to see the notebooks as a fresh machine does.
 */
export function findWvsFile(): string | null {
  if (noMicrodata()) return null;
  const env = process.env.WVS_CSV;
  if (env) return resolve(env);
  for (const name of WVS_FILENAMES) {
    const p = join(sharedDir(), "wvs-real", name);
    if (existsSync(p)) return p;
  }
  return null;
}

/** True when SVLAB_NO_MICRODATA asks to behave as if no WVS-7 microdata existed ("1", "true", "yes"). */
export function noMicrodata(): boolean {
  return /^(1|true|yes)$/i.test(process.env.SVLAB_NO_MICRODATA ?? "");
}

/** The tiny real GGUF model used by tests, benches and notebook 03's fallback (SVLAB_TEST_GGUF overrides). */
export function testModelPath(): string {
  return process.env.SVLAB_TEST_GGUF ? resolve(process.env.SVLAB_TEST_GGUF) : join(sharedDir(), "models", "stories260K.gguf");
}
