/**
 * Every notebook, run as a user runs it: Debian's Jupyter Notebook on loopback, the notebook opened
 * in Debian's Chromium, Run All pressed in the page, the svlab kernel started by the front end in
 * the notebook's folder. Asserts: no cell fails; every figure is a live plotly chart with data that
 * shows a tooltip when hovered; no output is wider than its output area. Then `jupyter nbconvert
 * --to html --execute` run from inside the notebooks folder gives an HTML file whose figures are
 * live in Chromium and fit the page.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { projectRoot } from "../src/paths";
import {
  closeNotebook,
  copyNotebooks,
  figureReport,
  hoverTooltip,
  JUPYTER_NBCONVERT,
  JUPYTER_NOTEBOOK,
  jupyterEnv,
  launchChromium,
  type NotebookServer,
  openNotebook,
  runAll,
  startNotebookServer,
} from "./support/jupyter-browser";

const root = projectRoot();
const kernelSpec = join(root, ".jupyter", "share", "jupyter", "kernels", "svlab", "kernel.json");
const missing = [
  [kernelSpec, "the svlab kernel is not registered: run scripts/setup.sh"],
  [JUPYTER_NOTEBOOK, "Jupyter Notebook is not installed: apt-get install jupyter-notebook"],
  [JUPYTER_NBCONVERT, "nbconvert is not installed: apt-get install jupyter-nbconvert"],
  [process.env.SVLAB_CHROMIUM ?? "/usr/bin/chromium", "Chromium is not installed: apt-get install chromium"],
].find(([p]) => !existsSync(p));
const skip = missing ? missing[1] : false;
if (skip) console.log(`# skipping browser notebook tests: ${skip}`);

/** The notebooks that draw figures, and how many each draws at least. */
const MIN_FIGURES: Record<string, number> = {
  "02-value-landscape.ipynb": 3,
  "04-metrics-and-fairness.ipynb": 3,
  "05-fine-tuning-and-the-fairness-paradox.ipynb": 1,
};

describe("notebooks in Jupyter Notebook, in Chromium", { skip }, () => {
  let server: NotebookServer;
  let browser: Browser;
  before(async () => {
    server = await startNotebookServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const notebooks = skip ? [] : copyNotebooks().notebooks;
  test("there are notebooks to run", () => assert.ok(notebooks.length >= 4, `found ${notebooks.length}`));

  for (const name of notebooks) {
    test(`${name}: Run All, no error, live figures that fit`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      try {
        await openNotebook(page, server, name);
        const replies = await runAll(page);
        const failed = replies.find((r) => r.status !== "ok");
        assert.equal(failed, undefined, failed && `cell ${failed.index} (${failed.status}):\n${failed.source}\n--- output:\n${failed.errorText}`);
        const code = await page.evaluate(() => (window as any).Jupyter.notebook.get_cells().filter((c: any) => c.cell_type === "code").length);
        assert.equal(replies.length, code, "every code cell ran");

        const figs = await figureReport(page);
        assert.ok(figs.figures >= (MIN_FIGURES[name] ?? 0), `${figs.figures} figures, expected at least ${MIN_FIGURES[name]}`);
        assert.equal(figs.live, figs.figures, `${figs.figures - figs.live} of ${figs.figures} figures are not live plotly charts`);
        assert.deepEqual(figs.overflowing, [], "outputs wider than their output area");
        for (let i = 0; i < figs.live; i++) {
          const tip = await hoverTooltip(page, i);
          assert.ok(tip, `figure ${i + 1} of ${name} shows no tooltip when hovered`);
        }
      } finally {
        await closeNotebook(page); // one kernel (and its Chromium) at a time on a 2-core machine
      }
    });
  }
});

describe("jupyter nbconvert --to html --execute, from inside notebooks/", { skip }, () => {
  test("04-metrics-and-fairness.html shows at least 3 live charts, none wider than the page", async () => {
    const { scratch, dir } = copyNotebooks();
    try {
      const r = spawnSync(JUPYTER_NBCONVERT, ["--to", "html", "--execute", "--ExecutePreprocessor.timeout=600", "04-metrics-and-fairness.ipynb"], {
        cwd: dir,
        env: jupyterEnv(scratch),
        encoding: "utf8",
        timeout: 15 * 60_000,
      });
      assert.equal(r.status, 0, `nbconvert failed:\n${r.stderr.slice(-4000)}`);
      const html = join(dir, "04-metrics-and-fairness.html");
      // plotly.js is inlined once (offline), never fetched from a CDN.
      const text = readFileSync(html, "utf8");
      assert.equal(text.match(/once per page \*\//g)?.length, 1, "plotly.js inlined exactly once");
      assert.ok(!/<script[^>]+src="https?:\/\/[^"]*plot/i.test(text), "no plotly.js from a CDN");

      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
        await page.goto(pathToFileURL(html).href);
        const figs = await figureReport(page);
        assert.ok(figs.live >= 3, `${figs.live} live charts`);
        assert.equal(figs.live, figs.figures);
        const widths = await page.evaluate(() => ({
          page: document.documentElement.clientWidth,
          scroll: document.documentElement.scrollWidth,
          widest: Math.max(...[...document.querySelectorAll(".js-plotly-plot")].map((el) => el.getBoundingClientRect().right)),
        }));
        assert.ok(widths.scroll <= widths.page, `page scrolls sideways: ${widths.scroll} > ${widths.page} px`);
        assert.ok(widths.widest <= widths.page, `a chart ends at ${widths.widest} px on a ${widths.page} px page`);
      } finally {
        await browser.close();
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
