/**
 * Notebooks the way users run them: Debian's Jupyter Notebook on loopback, opened in Debian's
 * Chromium through playwright-core, Run All pressed in the page. Used by the browser tests and
 * the notebook benchmark. The kernel is the registered "svlab" one, started by the front end in
 * the notebook's folder — a scratch copy of notebooks/, so the server's autosave never writes
 * outputs into the committed notebooks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { unusedPort } from "./ports";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { projectRoot } from "../../src/paths";
import { CHROMIUM_ARGS, resolveChromium } from "../../src/figures/render";

export const JUPYTER_NOTEBOOK = "/usr/bin/jupyter-notebook"; // what scripts/notebook.sh runs
export const JUPYTER_NBCONVERT = "/usr/bin/jupyter-nbconvert";

export interface NotebookServer {
  url: string;
  token: string;
  /** The folder the server serves: a copy of notebooks/. */
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

/** Environment for Jupyter processes: our kernel spec, scratch config/runtime dirs (no user config leaks in). */
export function jupyterEnv(scratch: string): NodeJS.ProcessEnv {
  const root = projectRoot();
  return {
    ...process.env,
    JUPYTER_PATH: join(root, ".jupyter", "share", "jupyter"),
    JUPYTER_CONFIG_DIR: join(scratch, "config"),
    JUPYTER_RUNTIME_DIR: join(scratch, "runtime"),
    JUPYTER_DATA_DIR: join(scratch, "data"),
  };
}

/** A scratch folder holding a copy of the committed notebooks (not the *.out.ipynb copies). */
export function copyNotebooks(): { scratch: string; dir: string; notebooks: string[] } {
  const root = projectRoot();
  const scratch = mkdtempSync(join(tmpdir(), "svlab-jupyter-"));
  const dir = join(scratch, "notebooks");
  const notebooks = readdirSync(join(root, "notebooks"))
    .filter((f) => f.endsWith(".ipynb") && !f.endsWith(".out.ipynb"))
    .sort();
  for (const f of notebooks) cpSync(join(root, "notebooks", f), join(dir, f));
  return { scratch, dir, notebooks };
}

/**
 * Start Jupyter Notebook the way a user does, `npm run notebook` (scripts/notebook.sh), but on a
 * copy of notebooks/; resolves with the URL the script prints once the server answers.
 */
export async function startNotebookServer(): Promise<NotebookServer> {
  const { scratch, dir } = copyNotebooks();
  const root = projectRoot();
  let output = "";
  const child: ChildProcess = spawn("bash", [join(root, "scripts", "notebook.sh")], {
    cwd: root,
    env: { ...jupyterEnv(scratch), SVLAB_NOTEBOOKS: dir, SVLAB_NOTEBOOK_PORT: String(await unusedPort()) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (b) => (output += b));
  child.stderr!.on("data", (b) => (output += b));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    rmSync(scratch, { recursive: true, force: true });
  };
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`npm run notebook exited (${child.exitCode}):\n${output}`);
    const m = /svlab: open +(http:\/\/127\.0\.0\.1:\d+)\/tree\?token=([0-9a-f]+)/.exec(output);
    if (m) {
      try {
        const r = await fetch(`${m[1]}/api/status?token=${m[2]}`);
        if (r.ok) return { url: m[1], token: m[2], dir, log: () => output, stop };
      } catch {
        /* not listening yet */
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`npm run notebook did not answer within 60 s:\n${output}`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: resolveChromium(), args: CHROMIUM_ARGS });
}

export interface CellReply {
  index: number;
  status: string;
  /** Milliseconds since the previous reply (or Run All): the cell's time as the page saw it. */
  ms: number;
  /** Text of the cell's stderr/error outputs (tslab reports errors on stderr). */
  errorText: string;
  source: string;
}

/**
 * Open a notebook in the page and wait until its kernel is ready. Autosave is switched off
 * (the page would otherwise write outputs into the scratch copy mid-run; harmless, but noisy).
 */
export async function openNotebook(page: Page, server: NotebookServer, name: string): Promise<void> {
  await page.goto(`${server.url}/notebooks/${encodeURIComponent(name)}?token=${server.token}`);
  await page.waitForFunction(
    () => {
      const J = (window as any).Jupyter;
      return !!J?.notebook?.kernel?.is_connected?.() && !!J.notebook.kernel.info_reply?.implementation;
    },
    null,
    { timeout: 60_000 },
  );
  await page.evaluate(() => (window as any).Jupyter.notebook.set_autosave_interval(0));
}

/** Shut the notebook's kernel down (as File → Close and Halt does) and close the page. */
export async function closeNotebook(page: Page): Promise<void> {
  await page
    .evaluate(
      `new Promise((resolve) => { const s = window.Jupyter && window.Jupyter.notebook && window.Jupyter.notebook.session; if (!s) return resolve(); s.delete(resolve, resolve); setTimeout(resolve, 10000); })`,
    )
    .catch(() => {});
  await page.close();
}

/**
 * Press Run All and wait for every code cell's execute_reply (or the first error: tslab then aborts
 * the queue). Returns each reply's status with the cell's stderr text.
 */
export async function runAll(page: Page, timeoutMs = 10 * 60_000): Promise<CellReply[]> {
  await page.evaluate(() => {
    const w = window as any;
    const CodeCell = w.IPython.CodeCell;
    w.__svlabReplies = [];
    w.__svlabStart = performance.now();
    if (!CodeCell.prototype.__svlabWrapped) {
      const orig = CodeCell.prototype._handle_execute_reply;
      CodeCell.prototype._handle_execute_reply = function (this: unknown, msg: any, ...rest: unknown[]) {
        w.__svlabReplies.push({ cell: this, status: msg.content.status, at: performance.now() });
        return orig.call(this, msg, ...rest);
      };
      CodeCell.prototype.__svlabWrapped = true;
    }
    w.Jupyter.notebook.clear_all_output();
    w.Jupyter.notebook.execute_all_cells();
  });
  await page.waitForFunction(
    () => {
      const w = window as any;
      const code = w.Jupyter.notebook.get_cells().filter((c: any) => c.cell_type === "code");
      const replies = w.__svlabReplies as { status: string }[];
      return replies.length >= code.length || replies.some((r) => r.status !== "ok");
    },
    null,
    { timeout: timeoutMs, polling: 250 },
  );
  // A failed cell's stderr may arrive just after its reply.
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    const w = window as any;
    const cells = w.Jupyter.notebook.get_cells();
    let last = w.__svlabStart as number;
    return (w.__svlabReplies as { cell: any; status: string; at: number }[]).map((r) => ({
      index: cells.indexOf(r.cell),
      status: r.status,
      ms: Math.round(r.at - last + 0 * (last = r.at)),
      source: String(r.cell.get_text()).slice(0, 300),
      errorText: r.cell.output_area.outputs
        .filter((o: any) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr"))
        .map((o: any) => (o.output_type === "error" ? `${o.ename}: ${o.evalue}` : o.text))
        .join(""),
    }));
  });
}

export interface FigureReport {
  /** svlab figure outputs in the page (div.svlab-figure or plotly's own div). */
  figures: number;
  /** Of those, drawn by plotly.js with data (div.js-plotly-plot with at least one trace). */
  live: number;
  /** Figures wider than their output area, and other outputs that overflow it. */
  overflowing: string[];
}

/** Count live plotly charts and overflowing outputs in a classic Notebook page. */
export async function figureReport(page: Page): Promise<FigureReport> {
  // Plotly draws after the loader script; give the last figures a moment.
  await page
    .waitForFunction(() => [...document.querySelectorAll(".svlab-figure")].every((el) => el.classList.contains("js-plotly-plot")), null, { timeout: 30_000 })
    .catch(() => {});
  return page.evaluate(() => {
    const figs = [...document.querySelectorAll<HTMLElement>(".svlab-figure")];
    const live = figs.filter((el) => el.classList.contains("js-plotly-plot") && ((el as any).data?.length ?? 0) > 0);
    const overflowing: string[] = [];
    for (const area of document.querySelectorAll<HTMLElement>(".output_subarea")) {
      const w = area.clientWidth;
      const a = area.getBoundingClientRect();
      // Inside a scroll box that fits (a wide table scrolling sideways, as pandas does) is not overflow.
      // (Loops, not helper functions: tsx's __name helper does not exist in the page.)
      for (const el of area.querySelectorAll<HTMLElement>(".svlab-figure, .main-svg, img, table")) {
        const r = el.getBoundingClientRect();
        let inScrollBox = false;
        for (let p = el.parentElement; p && p !== area && !inScrollBox; p = p.parentElement) {
          inScrollBox = /auto|scroll/.test(getComputedStyle(p).overflowX) && p.getBoundingClientRect().right <= a.right + 1;
        }
        if (r.width > 0 && r.right > a.right + 1 && !inScrollBox)
          overflowing.push(`${el.tagName}.${el.className} ${Math.round(r.width)} px in a ${w} px output area`);
      }
    }
    return { figures: figs.length, live: live.length, overflowing };
  });
}

/**
 * Hover over a live chart until plotly shows a tooltip: sweeps a grid over the plot area with the
 * real mouse. Returns the tooltip's text, or null when no point answered.
 */
export async function hoverTooltip(page: Page, index: number): Promise<string | null> {
  const fig = page.locator(".svlab-figure.js-plotly-plot").nth(index);
  await fig.scrollIntoViewIfNeeded();
  const drag = fig.locator(".nsewdrag").first();
  const box = (await drag.count()) ? await drag.boundingBox() : await fig.boundingBox();
  const vp = page.viewportSize();
  if (!box || !vp) return null;
  // Only the part of the plot area inside the viewport can be hovered (tall figures overhang it).
  const top = Math.max(box.y, 0);
  const bottom = Math.min(box.y + box.height, vp.height);
  if (bottom <= top) return null;
  for (let gy = 1; gy <= 9; gy++) {
    for (let gx = 1; gx <= 19; gx++) {
      await page.mouse.move(box.x + (box.width * gx) / 20, top + ((bottom - top) * gy) / 10);
      const tip = fig.locator(".hoverlayer .hovertext");
      if (await tip.count()) return (await tip.first().textContent()) ?? "";
    }
  }
  return null;
}
