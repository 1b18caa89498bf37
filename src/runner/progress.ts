/**
 * Progress displays for runs: a cli-progress bar on a terminal, one live line in a tslab notebook
 * (a display updated in place with update_display_data, so the saved notebook keeps only the final
 * line), and plain periodic lines when stderr is not a terminal (CI logs, piped output).
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { inKernel, newDisplay } from "../notebook/tslab";
import type { ProgressState } from "./engine";

export interface ProgressDisplay {
  update(p: ProgressState): void;
  /** Show the final state (`p`, else the last state given to update, even if throttled) and release the display. */
  stop(p?: ProgressState): void;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "?";
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}` : `${m}:${String(sec).padStart(2, "0")}`;
}

export function formatCost(usd: number): string {
  return usd === 0 ? "$0" : usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** One line: "1,234/10,177 (12%) · 512 req/s · 200 cached · 3 errors · $0.0123 · ETA 0:17". */
export function formatProgressLine(p: ProgressState): string {
  const pct = p.total ? Math.floor((p.done / p.total) * 100) : 100;
  const parts = [`${p.done.toLocaleString("en-US")}/${p.total.toLocaleString("en-US")} (${pct}%)`, `${p.rate.toFixed(p.rate < 10 ? 1 : 0)} req/s`];
  if (p.cached) parts.push(`${p.cached.toLocaleString("en-US")} cached`);
  parts.push(`${p.errors} error${p.errors === 1 ? "" : "s"}`);
  if (p.retries) parts.push(`${p.retries} retries`);
  parts.push(formatCost(p.cost));
  // "done" only when every request was answered or failed for good; a stopped run (abort, fail fast) says so
  const finished = p.answered + p.errors;
  const end = finished < p.total ? "stopped after" : p.answered === 0 && p.errors > 0 ? "all failed, after" : "done in";
  parts.push(p.done >= p.total ? `${end} ${formatDuration(p.elapsedMs)}` : `ETA ${formatDuration(p.etaMs)}`);
  if (p.pausedMs > 0) parts.push(`rate-limited, waiting ${Math.ceil(p.pausedMs / 1000)}s`);
  return parts.join(" · ");
}

/**
 * Lines written at most every `intervalMs` (the first at once when `immediateFirst`); stop() always
 * writes the final state, once, so what stays on screen (or in a saved notebook) is the end.
 */
function throttledLines(write: (line: string) => void, label: string, intervalMs: number, immediateFirst: boolean): ProgressDisplay {
  let last = immediateFirst ? 0 : Date.now();
  let latest: ProgressState | undefined;
  let shownLatest = false;
  return {
    update(p) {
      latest = p;
      shownLatest = false;
      const now = Date.now();
      if (last > 0 && now - last < intervalMs) return;
      last = now;
      shownLatest = true;
      write(`${label}${formatProgressLine(p)}`);
    },
    stop(p) {
      const final = p ?? latest;
      if (final && (p || !shownLatest)) write(`${label}${formatProgressLine(final)}`);
      shownLatest = true;
    },
  };
}

/** A live line in a tslab notebook, updated at most every `intervalMs`; outside a kernel, plain lines on stdout. */
export function notebookProgress(label = "", intervalMs = 500): ProgressDisplay {
  if (!inKernel()) return textProgress(process.stdout, label, 10_000);
  const display = newDisplay();
  return throttledLines((line) => display.text(line), label, intervalMs, true);
}

/** Plain lines at most every `intervalMs` (for logs that are not terminals); the final state is always written by stop(). */
export function textProgress(stream: NodeJS.WritableStream = process.stderr, label = "", intervalMs = 5000): ProgressDisplay {
  return throttledLines((line) => stream.write(`${line}\n`), label, intervalMs, false);
}

/** A cli-progress bar on a terminal stream. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr, label = ""): ProgressDisplay {
  const req = createRequire(join(process.cwd(), "package.json"));
  // cli-progress is CommonJS; loading it through require keeps this module importable from tslab too
  const cliProgress = req("cli-progress") as typeof import("cli-progress");
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label}{bar} {value}/{total} | {line}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let latest: ProgressState | undefined;
  const line = (p: ProgressState) => formatProgressLine(p).split(" · ").slice(1).join(" · ");
  return {
    update(p) {
      latest = p;
      if (!started) {
        bar.start(p.total, p.done, { line: line(p) });
        started = true;
      } else bar.update(p.done, { line: line(p) });
    },
    stop(p) {
      const final = p ?? latest;
      if (final) this.update(final);
      if (started) bar.stop();
    },
  };
}

/** The right display for where we run: notebook line, terminal bar, or periodic log lines. */
export function autoProgress(label = ""): ProgressDisplay {
  if (inKernel()) return notebookProgress(label);
  if (process.stderr.isTTY) return terminalProgress(process.stderr, label);
  return textProgress(process.stderr, label);
}

export const silentProgress: ProgressDisplay = { update() {}, stop() {} };
