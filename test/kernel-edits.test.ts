/**
 * The svlab kernel survives what notebook users do: a cell imports a helper that does not exist
 * yet, the user writes it (saved by rename, as editors do) and edits another, and later cells run.
 * On tslab 1.0.22 unpatched, every cell after such an edit failed with "Unexpected pending
 * rebuildTimer" until the kernel restarted (bin/tslab-timer-fix.cjs). Also: the kernel works from
 * the folder front ends start it in (notebooks/), with the project root as its working folder.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../src/paths";

const root = projectRoot();
const kernel = join(root, ".jupyter", "share", "jupyter", "kernels", "svlab", "kernel.json");
const skip = existsSync(kernel) ? false : "svlab kernel not registered: run scripts/setup.sh";

interface CellResult {
  status: string;
  stdout: string;
  stderr: string;
}

function runSteps(steps: unknown[]): CellResult[] {
  const r = spawnSync("/usr/bin/python3", [join(root, "test", "support", "kernel_steps.py")], {
    input: JSON.stringify(steps),
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: join(root, ".jupyter", "share", "jupyter") },
    timeout: 5 * 60_000,
  });
  assert.equal(r.status, 0, r.stderr.slice(-3000));
  return JSON.parse(r.stdout) as CellResult[];
}

test("cells keep running after helpers are written and edited while the kernel runs", { skip }, () => {
  const dir = ".cache/kernel-edits-probe"; // git-ignored, under the project root (tslab's root)
  rmSync(join(root, dir), { recursive: true, force: true });
  try {
    const results = runSteps([
      { write: `${dir}/a.ts`, text: "export const a = 1;\n" },
      { cell: `import { a } from "./${dir}/a"; console.log("a", a, process.cwd() === ${JSON.stringify(root)});` },
      { write: `${dir}/a.ts`, text: "export const a = 1; // edited\n" },
      { sleep: 1.5 }, // the file watchers fire
      { cell: `console.log("after an edit");` },
      { cell: `import { b } from "./${dir}/b"; console.log("b", b);` }, // not written yet
      { write: `${dir}/b.ts`, text: "export const b = 2;\n" },
      { sleep: 1.5 },
      { cell: `console.log("after writing the missing helper");` },
      { cell: `import { b as b2 } from "./${dir}/b"; console.log("b", b2);` },
      { cell: `console.log("still fine");` },
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["ok", "ok", "error", "ok", "ok", "ok"],
      JSON.stringify(results, null, 1),
    );
    assert.equal(results[0].stdout, "a 1 true\n");
    assert.equal(results[1].stdout, "after an edit\n");
    assert.match(results[2].stderr, /Cannot find module '\.\/\.cache\/kernel-edits-probe\/b'/);
    assert.equal(results[3].stdout, "after writing the missing helper\n");
    assert.equal(results[4].stdout, "b 2\n");
    assert.equal(results[5].stdout, "still fine\n");
  } finally {
    rmSync(join(root, dir), { recursive: true, force: true });
  }
});
