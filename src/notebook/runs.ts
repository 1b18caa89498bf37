/** Small helpers for notebooks: which model to run, and a comparison table of runs. */
import { existsSync } from "node:fs";
import type { Benchmark, Split } from "../benchmark/types";
import { evaluatePredictions } from "../metrics/evaluate";
import { withFailures } from "../metrics/outcomes";
import { testModelPath } from "../paths";
import type { RunSummary } from "../runner/grid";

export interface NotebookModel {
  /** Provider spec, or null when none is available. */
  spec: string | null;
  /** Why this one (printed in the notebook). */
  note: string;
}

/** SVLAB_MODEL when set; else the tiny local llama model when present; else none. */
export function notebookModel(env: Record<string, string | undefined> = process.env): NotebookModel {
  if (env.SVLAB_MODEL) return { spec: env.SVLAB_MODEL, note: `SVLAB_MODEL is set: ${env.SVLAB_MODEL}` };
  const gguf = testModelPath();
  if (existsSync(gguf)) {
    return {
      spec: `llama:${gguf}`,
      note: "no SVLAB_MODEL set: using the tiny local llama model stories260K (a 260K-parameter story model: its answers are noise, but every mechanism is real)",
    };
  }
  return {
    spec: null,
    note: `no SVLAB_MODEL set and no local model at ${gguf}: only the baselines will run. Set SVLAB_MODEL, e.g. openai:gpt-4.1-mini or openai-compatible:http://127.0.0.1:8000/v1#MODEL`,
  };
}

export interface ComparisonRow {
  model: string;
  n: number;
  parsed: number;
  refused: number;
  /** Requests that failed for good (no answer after retries): scored wrong in accuracy and NMAE. */
  failed: number;
  /** "complete", "partial" (some requests failed), or the run's status ("failed", "aborted", …). */
  state: string;
  accuracy: number;
  nmae: number;
  cost: number;
}

/** Score each run's predictions against the benchmark labels, one row per run (best accuracy first). */
export function scoreRunsTable(bench: Benchmark, runs: RunSummary[], split?: Split): ComparisonRow[] {
  return runs
    .map((r) => {
      // point estimates only: no bootstrap (1000 resamples per run would be thrown away)
      // failed requests count as answered wrong, as in `svlab evaluate`
      const e = evaluatePredictions(bench, withFailures(r.result.predictions, r.result.errors), { split, bootstrap: 0 });
      return {
        model: r.model,
        n: r.n,
        parsed: r.parsed,
        refused: r.refused,
        failed: r.errors,
        state: r.status === "completed" ? (r.errors > 0 ? "partial" : "complete") : r.status,
        accuracy: +e.accuracy.toFixed(3),
        nmae: +e.nmae.toFixed(3),
        cost: r.cost,
      };
    })
    .sort((a, b) => b.accuracy - a.accuracy);
}
