/**
 * Executes every notebook in notebooks/ with the real tslab kernel (through Debian's nbclient,
 * kernel started at the project root) and fails on any cell error.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../src/paths";

const root = projectRoot();
const kernel = join(root, ".jupyter", "share", "jupyter", "kernels", "tslab", "kernel.json");
const notebooks = readdirSync(join(root, "notebooks"))
  .filter((f) => f.endsWith(".ipynb") && !f.endsWith(".out.ipynb"))
  .sort();

test("there are notebooks to run", () => {
  assert.ok(notebooks.length >= 2, `found ${notebooks.length}`);
});

for (const nb of notebooks) {
  test(`notebook ${nb} runs without a cell error`, { skip: existsSync(kernel) ? false : "tslab kernel not registered: run scripts/setup.sh" }, () => {
    const r = spawnSync("/usr/bin/python3", [join(root, "scripts", "run_notebooks.py"), join("notebooks", nb)], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: join(root, ".jupyter", "share", "jupyter") },
      timeout: 15 * 60_000,
    });
    assert.equal(r.status, 0, `${nb} failed:\n${r.stdout}\n${r.stderr.slice(-4000)}`);
  });
}
