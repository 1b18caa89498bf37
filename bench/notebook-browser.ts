/**
 * Notebook 04 as a user runs it: Jupyter Notebook on loopback, Chromium, Run All — cold (new
 * kernel) and warm (Run All again in the same page and kernel) — and the cost of show() per figure
 * inside the kernel: the static image alone (what show() did before live figures), live + static
 * (the default), live only (SVLAB_FIGURE_STATIC=none).
 * `node --import tsx bench/notebook-browser.ts` prints the numbers; `run()` returns them.
 */
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { closeNotebook, launchChromium, openNotebook, runAll, startNotebookServer } from "../test/support/jupyter-browser";

const NOTEBOOK = "04-metrics-and-fairness.ipynb";

export interface NotebookBench {
  notebook: string;
  coldRunAllMs: number;
  warmRunAllMs: number;
  /** The slowest cells of the warm run: [first line of the cell, ms]. */
  warmSlowestCells: Array<[string, number]>;
  /** show() per figure inside the kernel, median ms over the notebook's figures. */
  showMs: { staticOnly: number; liveAndStatic: number; liveOnly: number; figures: number };
}

/** Run code in the page's kernel (no cell) and return what it printed. */
function kernelExec(page: Page, code: string): Promise<string> {
  // A string, not a function: tsx's keepNames helpers (__name) do not exist in the page.
  return page.evaluate(`new Promise((resolve) => {
    let out = "";
    window.Jupyter.notebook.kernel.execute(${JSON.stringify(code)}, {
      iopub: { output: function (msg) { if (msg.header.msg_type === "stream") out += msg.content.text; } },
      shell: { reply: function () { setTimeout(function () { resolve(out); }, 200); } },
    });
  })`) as Promise<string>;
}

const TIMING = `
{
  const specs = [...figures.values()].map((f) => f.spec);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const time = async (o: Record<string, unknown>) => {
    const ms: number[] = [];
    for (const spec of specs) { const t = performance.now(); await show(spec, o as any); ms.push(performance.now() - t); }
    return Math.round(median(ms));
  };
  const staticOnly = await time({ live: false });
  const liveAndStatic = await time({});
  const liveOnly = await time({ static: "none" });
  console.log("SHOW " + JSON.stringify({ staticOnly, liveAndStatic, liveOnly, figures: specs.length }));
}`;

export async function run(): Promise<NotebookBench> {
  const server = await startNotebookServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await openNotebook(page, server, NOTEBOOK);
    let t = performance.now();
    const cold = await runAll(page);
    const coldRunAllMs = Math.round(performance.now() - t);
    if (cold.some((r) => r.status !== "ok")) throw new Error(`cold run failed: ${JSON.stringify(cold.find((r) => r.status !== "ok"))}`);
    t = performance.now();
    const warm = await runAll(page);
    const warmRunAllMs = Math.round(performance.now() - t);
    const warmSlowestCells = [...warm]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 4)
      .map((r): [string, number] => [r.source.split("\n").find((l) => l.trim() && !l.startsWith("import")) ?? r.source.split("\n")[0], r.ms]);
    await kernelExec(page, `import { show } from "./src/figures/display";`);
    const out = await kernelExec(page, TIMING);
    const line = out.split("\n").find((l) => l.startsWith("SHOW "));
    if (!line) throw new Error(`timing cell printed: ${out.slice(0, 500)}`);
    await closeNotebook(page);
    return { notebook: NOTEBOOK, coldRunAllMs, warmRunAllMs, warmSlowestCells, showMs: JSON.parse(line.slice(5)) };
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await run(), null, 2));
}
