/**
 * Real Chromium: figures render to SVG and PNG through ONE page reused for many figures, and
 * writeFigures() writes stable file names. (Timings are in bench/figures.ts, not here.)
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { show } from "../src/figures/display";
import { createFigureContext, loadCatalogue, registerFigure, writeFigures } from "../src/figures/registry";
import { createRenderer, type FigureRenderer, FigureRenderError, resolveChromium } from "../src/figures/render";
import type { FigureSpec } from "../src/figures/spec";

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20) });
const bar = (i: number): FigureSpec => ({
  data: [{ type: "bar", x: ["a", "b", "c"], y: [1, i + 2, 3] }],
  layout: { title: { text: `figure ${i}` }, xaxis: { title: { text: "option" } } },
});

let r: FigureRenderer;
before(async () => {
  r = await createRenderer();
});
after(async () => {
  await r?.close();
});

test("one renderer renders several figures to SVG and PNG through the same page", async () => {
  for (let i = 0; i < 3; i++) {
    const img = await r.render(bar(i), { width: 640, height: 400 });
    assert.ok(img.svg!.startsWith("<svg"), img.svg!.slice(0, 40));
    assert.match(img.svg!, new RegExp(`figure ${i}`));
    assert.ok(img.png!.subarray(0, 8).equals(PNG_MAGIC));
    assert.deepEqual(pngSize(img.png!), { width: 640, height: 400 });
    assert.ok(img.png!.length > 3_000 && img.png!.length < 200_000, `png ${img.png!.length} bytes`);
  }
  assert.equal(r.rendered, 3);
  // Only the requested format; scale multiplies PNG pixels.
  const png2 = await r.render(bar(9), { width: 300, height: 200, formats: ["png"], scale: 2 });
  assert.equal(png2.svg, undefined);
  assert.deepEqual(pngSize(png2.png!), { width: 600, height: 400 });
  // Concurrent calls are queued on the one page, and each gets its own figure back.
  const many = await Promise.all([0, 1, 2, 3].map((i) => r.render(bar(10 + i), { formats: ["svg"] })));
  many.forEach((m, i) => assert.match(m.svg!, new RegExp(`figure ${10 + i}`)));
  assert.equal(r.rendered, 8);
});

test("a bad spec is a clear error and the page keeps working", async () => {
  await assert.rejects(() => r.render({ data: "nope" } as unknown as FigureSpec), /spec\.data must be an array/);
  const ok = await r.render(bar(1), { formats: ["svg"] });
  assert.ok(ok.svg!.startsWith("<svg"));
});

test("missing Chromium: the error says how to install it", () => {
  assert.throws(
    () => resolveChromium("/nonexistent/chromium"),
    (e: Error) => e instanceof FigureRenderError && /apt-get install -y chromium/.test(e.message) && /SVLAB_CHROMIUM/.test(e.message),
  );
});

test("writeFigures: every landscape figure to <name>.svg/.png with stable names; null builds are skipped", async () => {
  await loadCatalogue();
  registerFigure({ name: "test-absent", stage: "test-stage", title: "needs inputs that are absent", build: () => null });
  registerFigure({ name: "test-told", stage: "test-stage", title: "says why", build: () => null, skipReason: async () => "needs an LLM run" });
  const dir = mkdtempSync(join(tmpdir(), "svlab-fig-"));
  const out = await writeFigures(dir, { only: ["landscape", "test-absent", "test-told"], renderer: r, context: createFigureContext() });
  assert.deepEqual(
    out.map((f) => [f.name, f.skipped ?? "written"]),
    [
      ["landscape-answer-heatmap", "written"],
      ["landscape-mds-by-category", "written"],
      ["landscape-question-mds", "written"],
      ["test-absent", 'no inputs for stage "test-stage" yet'],
      ["test-told", "needs an LLM run"],
    ],
  );
  assert.deepEqual(readdirSync(dir).sort(), [
    "landscape-answer-heatmap.png",
    "landscape-answer-heatmap.svg",
    "landscape-mds-by-category.png",
    "landscape-mds-by-category.svg",
    "landscape-question-mds.png",
    "landscape-question-mds.svg",
  ]);
  const svg = readFileSync(join(dir, "landscape-mds-by-category.svg"), "utf8");
  assert.ok(svg.startsWith("<svg"));
  assert.match(svg, /Religious Values \(12\)/);
  assert.match(svg, /Tan et al\. \(2026\)/);
  assert.deepEqual(pngSize(readFileSync(join(dir, "landscape-mds-by-category.png"))), { width: 1000, height: 600 });
  assert.match(readFileSync(join(dir, "landscape-answer-heatmap.svg"), "utf8"), /Q171/);
  await assert.rejects(() => writeFigures(dir, { only: ["nope"], renderer: r }), /unknown figure or stage: nope/);
});

test("show() outside a kernel: no-op by default, writes the image when given a file", async () => {
  await show(bar(0)); // must not throw nor launch anything visible
  const dir = mkdtempSync(join(tmpdir(), "svlab-show-"));
  const file = join(dir, "x.svg");
  await show(bar(0), { file, width: 400, height: 300 });
  assert.ok(existsSync(file));
  assert.ok(readFileSync(file, "utf8").startsWith("<svg"));
  const { closeSharedRenderer } = await import("../src/figures/render");
  await closeSharedRenderer();
});
