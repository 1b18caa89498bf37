/**
 * A cell that fails shows why, through the real svlab kernel (bin/svlab-kernel.cjs → tslab) driven
 * by Debian's nbclient: Jupyter's "error" output (name, message, stack) in the cell, and the same in
 * the execute_reply, so nbclient/nbconvert/scripts/run_notebooks.py report the message instead of
 * an empty "<Error>:". Also: the figure catalogue loads inside the kernel (loadCatalogue on every Node).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../src/paths";

const root = projectRoot();
const jupyterPath = join(root, ".jupyter", "share", "jupyter");
const kernelSpec = join(jupyterPath, "kernels", "svlab", "kernel.json");
const skip = existsSync(kernelSpec) ? false : "svlab kernel not registered: run scripts/setup.sh";

interface Output {
  output_type: string;
  name?: string;
  text?: string;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
interface CellResult {
  outputs: Output[];
  reply: { status?: string; ename?: string; evalue?: string; traceback?: string[] };
  failure: string | null;
}

/** Run the cells in one kernel (a fresh notebook started outside the project, like a user's). */
function runCells(cells: string[]): CellResult[] {
  const r = spawnSync("/usr/bin/python3", [join(root, "test", "support", "run-cells.py")], {
    cwd: root,
    input: JSON.stringify(cells),
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: jupyterPath },
    timeout: 10 * 60_000,
  });
  assert.equal(r.status, 0, `run-cells.py failed:\n${r.stdout}\n${r.stderr.slice(-4000)}`);
  return (JSON.parse(r.stdout) as { cells: CellResult[] }).cells;
}

const text = (c: CellResult) => c.outputs.map((o) => o.text ?? [o.ename, o.evalue, ...(o.traceback ?? [])].join("\n")).join("\n");

/**
 * The cell failed, with exactly one error output naming `ename` and carrying `message`, in the cell
 * and the reply. A thrown value is shown once, as the error output's traceback; TypeScript
 * diagnostics (`compile`) stay stderr lines as tslab prints them and the error output's traceback is
 * empty, so front ends do not show them twice.
 */
function assertShowsError(c: CellResult, label: string, ename: RegExp, message: string, compile = false): void {
  const errors = c.outputs.filter((o) => o.output_type === "error");
  assert.equal(errors.length, 1, `${label}: one error output, got ${JSON.stringify(c.outputs).slice(0, 2000)}`);
  const e = errors[0]!;
  assert.match(e.ename ?? "", ename, `${label}: ename`);
  assert.ok(e.evalue?.includes(message), `${label}: evalue ${JSON.stringify(e.evalue)} should include ${JSON.stringify(message)}`);
  if (compile) assert.deepEqual(e.traceback, [], `${label}: empty traceback`);
  else assert.ok(e.traceback?.join("\n").includes(message), `${label}: traceback should include the message`);
  assert.equal(c.reply.status, "error", `${label}: execute_reply status`);
  assert.equal(c.reply.ename, e.ename, `${label}: execute_reply ename`);
  assert.equal(c.reply.evalue, e.evalue, `${label}: execute_reply evalue`);
  assert.ok(c.failure?.includes(message), `${label}: nbclient's failure text should include the message, got ${c.failure}`);
  assert.ok(!c.failure?.includes("<Error>:"), `${label}: no empty <Error>:`);
  const onStderr = c.outputs.some((o) => o.output_type === "stream" && o.name === "stderr" && o.text?.includes(message));
  assert.equal(onStderr, compile, `${label}: ${compile ? "diagnostics on stderr" : "not duplicated on stderr"}`);
}

// One kernel for both tests (starting one costs ~10 s): the error probes, then the catalogue.
const CATALOGUE_CELL = `import { listFigures, loadCatalogue } from "./src/figures/registry";\nawait loadCatalogue();\nconsole.log(JSON.stringify(listFigures().map((f) => f.name)));`;
let ran: CellResult[] | undefined;
const cellsRun = () =>
  (ran ??= runCells([
    // 0: thrown synchronously
    `throw new Error("probe-sync 7f3a");`,
    // 1: rejected in an awaited promise (top-level await)
    `await new Promise((_, reject) => setTimeout(() => reject(new TypeError("probe-async 7f3a")), 10));`,
    // 2: thrown from a src/ module the cell imports (stack into the .ts module)
    `import { getFigure } from "./src/figures/registry";\ngetFigure("probe-unknown-figure");`,
    // 3: not an Error at all
    `throw "probe-string 7f3a";`,
    // 4: an error from another realm (vm context)
    `import * as vm from "node:vm";\nthrow vm.runInNewContext('new RangeError("probe-realm 7f3a")');`,
    // 5: an error-like object whose name/message/stack getters throw (an Error whose getter throws
    //    is no probe: Node 20's vm reads err.name itself and throws the getter's error instead)
    `throw { get name(): string { throw new Error("no name"); }, get message(): string { throw new Error("no message"); }, get stack(): string { throw new Error("no stack"); }, toString: () => "probe-getters 7f3a" };`,
    // 6: a Node error with a code (like ERR_MODULE_NOT_FOUND)
    `import * as fs from "node:fs";\nfs.readFileSync("/nonexistent/probe-enoent-7f3a");`,
    // 7: a TypeScript compile error
    `const probeCompile: number = "not a number";`,
    // 8: the kernel still works, and console.error of an Error in a passing cell stays plain stderr
    `console.error(new Error("probe-logged 7f3a"));\nconsole.log("still alive");`,
    // 9: see the second test
    CATALOGUE_CELL,
  ]));

test("a failing cell shows its error's name, message and stack in the cell; the kernel goes on", { skip, timeout: 10 * 60_000 }, () => {
  const cells = cellsRun();
  assert.equal(cells.length, 10);
  assertShowsError(cells[0]!, "sync throw", /^Error$/, "probe-sync 7f3a");
  assert.ok(
    cells[0]!.outputs[0]!.traceback!.some((l) => /^\s+at /.test(l)),
    "sync throw: traceback has stack frames",
  );
  assertShowsError(cells[1]!, "async rejection", /^TypeError$/, "probe-async 7f3a");
  assertShowsError(cells[2]!, "error from src/", /^Error$/, 'unknown figure "probe-unknown-figure"');
  assert.match(cells[2]!.outputs.find((o) => o.output_type === "error")!.traceback!.join("\n"), /registry/, "stack names the module");
  assertShowsError(cells[3]!, "thrown string", /string/, "probe-string 7f3a");
  assertShowsError(cells[4]!, "other realm", /^RangeError$/, "probe-realm 7f3a");
  assertShowsError(cells[5]!, "throwing getters", /^Object$/, "probe-getters 7f3a");
  assertShowsError(cells[6]!, "node error with code", /^Error \[ENOENT\]$/, "probe-enoent-7f3a");
  assertShowsError(cells[7]!, "compile error", /^TypeScript$/, "is not assignable to type 'number'", true);
  const last = cells[8]!;
  assert.equal(last.reply.status, "ok", `last cell: ${JSON.stringify(last)}`);
  assert.ok(!last.outputs.some((o) => o.output_type === "error"), "a passing cell has no error output");
  assert.match(text(last), /still alive/);
  assert.match(text(last), /probe-logged 7f3a/);
});

test("the figure catalogue loads inside the kernel (tsx's CommonJS API, on every Node)", { skip, timeout: 10 * 60_000 }, () => {
  const c = cellsRun()[9];
  assert.equal(c!.reply.status, "ok", c!.failure ?? JSON.stringify(c!.outputs));
  const names = JSON.parse(c!.outputs.find((o) => o.name === "stdout")!.text!) as string[];
  assert.ok(names.includes("landscape-mds-by-category"), `registered: ${names.join(", ")}`);
  assert.ok(
    names.some((n) => n.startsWith("results-")),
    `registered: ${names.join(", ")}`,
  );
});
