/**
 * svlab's version, from the project's package.json. Read from the project root (src/paths.ts), not
 * through import.meta, so this also works in modules tslab compiles to CommonJS.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../paths";

export function svlabVersion(root: string = projectRoot()): string {
  const file = join(root, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { version?: unknown };
  if (typeof pkg.version !== "string" || !pkg.version) throw new Error(`${file}: field "version": expected a version string such as "0.1.0"`);
  return pkg.version;
}
