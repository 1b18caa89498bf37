/**
 * The stages of src/ flow one way: no import cycle among modules, and no import going backwards in
 * the pipeline order. The detector itself is tested on small folders written here, so a broken
 * detector cannot pass the real check by finding nothing.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { backwardImports, findCycles, importGraph, stageCycles, valueImports, type StageRules } from "./support/import-graph";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "src");

/** The pipeline order, as data: a stage may import its own rank and earlier ones. */
const STAGES: StageRules = {
  order: [["wvs"], ["benchmark"], ["personas"], ["models"], ["runner"], ["metrics"], ["analysis"], ["figures"], ["report"]],
  // Entry points and tools: may import any stage (a stage importing one is fine unless it closes a cycle).
  free: ["cli", "notebook", "import", "finetune", "judge"],
  // Helpers every stage may use, importing no stage themselves: file locations, and the bridge to
  // the Jupyter kernel (runner progress bars and figures display through it).
  shared: ["paths.ts", "notebook/tslab.ts"],
};

function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "svlab-imports-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test("src/: no import cycle among modules (value imports; type-only ones are erased)", () => {
  const graph = importGraph(SRC);
  assert.ok(graph.size > 100, `read ${graph.size} modules`);
  assert.deepEqual(findCycles(valueImports(graph)), []);
});

test("src/: no import goes backwards in the stage order (type-only imports included)", () => {
  assert.deepEqual(backwardImports(importGraph(SRC), STAGES), []);
});

test("src/: no cycle between stage folders, free ones included (type-only imports included)", () => {
  assert.deepEqual(stageCycles(importGraph(SRC), STAGES), []);
});

test("detector: an injected cycle is found, with its path, through .js specifiers and index files", () => {
  const root = tempTree({
    "a/one.ts": 'import { two } from "./two.js";\nexport const one = () => two();\n',
    "a/two.ts": 'export { three as two } from "../b/index";\n',
    "b/index.ts": 'import { one } from "../a/one";\nexport const three = () => one;\n',
    "b/free.ts": "export const free = 1;\n",
  });
  try {
    const graph = importGraph(root);
    assert.deepEqual(graph.get("a/one.ts"), [{ to: "a/two.ts", typeOnly: false }]);
    assert.deepEqual(findCycles(valueImports(graph)), [["a/one.ts", "a/two.ts", "b/index.ts", "a/one.ts"]]);
    // Breaking one edge breaks the cycle.
    writeFileSync(join(root, "b/index.ts"), "export const three = () => 3;\n");
    assert.deepEqual(findCycles(valueImports(importGraph(root))), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("detector: type-only imports make no cycle but still count against the stage order", () => {
  const root = tempTree({
    "early/x.ts": 'import type { Y } from "../late/y";\nimport { type Z } from "../late/z";\nexport type X = Y | Z;\n',
    "late/y.ts": 'import { x } from "../early/w";\nexport type Y = number;\nexport const y = x;\n',
    "late/z.ts": 'import type { X } from "../early/x";\nexport type Z = string;\nexport const z = (v: X) => v;\n',
    "early/w.ts": 'export const x = async () => (await import("../late/y")).y;\n',
  });
  try {
    const graph = importGraph(root);
    assert.deepEqual(graph.get("early/x.ts"), [
      { to: "late/y.ts", typeOnly: true },
      { to: "late/z.ts", typeOnly: true },
    ]);
    // w → y (dynamic import) → w is a value cycle; x ↔ z is type-only.
    assert.deepEqual(findCycles(valueImports(graph)), [["early/w.ts", "late/y.ts", "early/w.ts"]]);
    const rules: StageRules = { order: [["early"], ["late"]], free: ["tool"], shared: [] };
    assert.deepEqual(backwardImports(graph, rules), [
      "early/w.ts → late/y.ts: early comes before late in the stage order",
      "early/x.ts → late/y.ts: early comes before late in the stage order",
      "early/x.ts → late/z.ts: early comes before late in the stage order",
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("detector: free folders import anything; a cycle through one is found; unknown folders are named", () => {
  const root = tempTree({
    "cli/main.ts": 'import { b } from "../late/b";\nexport const main = b;\n',
    "late/b.ts": 'import { main } from "../cli/main";\nimport { p } from "../paths";\nexport const b = () => [main, p];\n',
    "paths.ts": "export const p = 1;\n",
    "odd/c.ts": 'import { p } from "../paths";\nexport const c = p;\n',
  });
  try {
    const rules: StageRules = { order: [["late"]], free: ["cli"], shared: ["paths.ts"] };
    const graph = importGraph(root);
    assert.deepEqual(backwardImports(graph, rules), ['odd/c.ts: its folder "odd" is not in the stage rules']);
    // cli/main.ts ↔ late/b.ts is also a module cycle; stageCycles sees it between the folders.
    assert.deepEqual(stageCycles(graph, rules), [["cli", "late", "cli"]]);
    writeFileSync(join(root, "late/b.ts"), 'import { p } from "../paths";\nexport const b = () => p;\n');
    assert.deepEqual(stageCycles(importGraph(root), rules), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("detector: an import of a file that does not exist is an error naming the file and specifier", () => {
  const root = tempTree({ "a/x.ts": 'import { y } from "./missing";\nexport const x = y;\n' });
  try {
    assert.throws(() => importGraph(root), /a\/x\.ts: import "\.\/missing" resolves to no file/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
