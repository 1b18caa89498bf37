/**
 * The committed notebooks as files: valid nbformat 4.5 (every cell has an id), the svlab kernel
 * named in their metadata (front ends then start the kernel that finds ./src wherever they start
 * it), and no outputs (outputs could carry respondent rows, which must never be committed).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../src/paths";

const dir = join(projectRoot(), "notebooks");
const notebooks = readdirSync(dir)
  .filter((f) => f.endsWith(".ipynb") && !f.endsWith(".out.ipynb"))
  .sort();

for (const name of notebooks) {
  test(`${name}: nbformat 4.5 with cell ids, kernel "svlab", no outputs`, () => {
    const nb = JSON.parse(readFileSync(join(dir, name), "utf8"));
    assert.equal(nb.nbformat, 4);
    assert.ok(nb.nbformat_minor >= 5, `nbformat_minor ${nb.nbformat_minor}`);
    assert.deepEqual(nb.metadata.kernelspec, { display_name: "TypeScript (svlab)", language: "typescript", name: "svlab" });
    const ids = nb.cells.map((c: { id?: string }) => c.id);
    assert.ok(
      ids.every((id: unknown) => typeof id === "string" && /^[a-zA-Z0-9-_]{1,64}$/.test(id as string)),
      "every cell has a valid id",
    );
    assert.equal(new Set(ids).size, ids.length, "cell ids are unique");
    for (const c of nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code")) {
      assert.deepEqual(c.outputs, [], `cell ${c.id} carries outputs`);
      assert.equal(c.execution_count, null, `cell ${c.id} has an execution count`);
    }
  });
}
