/**
 * Where predictions come from: results runs (runner's folders) or baseline providers computed on
 * the fly (no run needed: baselines are deterministic functions of the benchmark).
 */
import { pairKey, type Benchmark, type Split } from "../benchmark/types";
// The baselines module directly: baselines are pure functions of the benchmark, so no provider
// registry, cache or runner is needed to score them.
import { createBaselineProvider } from "../models/baselines";
import { isBaselineSpec } from "../models/registry";
import { buildPrompt, DEFAULT_TEMPLATE } from "../personas/index";
import { listRuns, readResults, type RunManifest } from "../runner/results";
import type { Prediction } from "../runner/types";
import { withFailures } from "../metrics/outcomes";

export interface PredictionSource {
  /** Provider spec. */
  model: string;
  /** From the spec: "baseline" for baseline:* (also a baseline run in results/), else "run" (an LLM). */
  kind: "run" | "baseline";
  /** True for the baselines computed here on the whole split (not read from a run). */
  builtIn?: boolean;
  /** Run id for runs; the spec for baselines. */
  id: string;
  split: Split | "all";
  predictions: Prediction[];
  manifest?: RunManifest;
}

/** "baseline" for baseline:* specs (computed or run), "run" for everything else (an LLM). */
export function kindOf(spec: string): "run" | "baseline" {
  return isBaselineSpec(spec) ? "baseline" : "run";
}

/** The default baselines every report includes. */
export const DEFAULT_BASELINES = ["baseline:population-mode", "baseline:attribute-product"];

/** Ask a baseline provider for every pair of the split (prompts built as the runner would). */
export async function baselinePredictions(spec: string, bench: Benchmark, opts: { split?: Split; templateId?: string } = {}): Promise<Prediction[]> {
  if (!isBaselineSpec(spec)) throw new Error(`"${spec}" is not a baseline spec; evaluate LLMs from a results run (svlab run)`);
  const provider = createBaselineProvider(spec, bench);
  const questions = new Map(bench.questions.map((q) => [q.id, q]));
  const subgroups = new Map(bench.subgroups.map((s) => [s.id, s]));
  const templateId = opts.templateId ?? DEFAULT_TEMPLATE;
  const out: Prediction[] = [];
  try {
    for (const p of bench.pairs) {
      if (opts.split && p.split !== opts.split) continue;
      const q = questions.get(p.question);
      const s = subgroups.get(p.subgroup);
      if (!q || !s) throw new Error(`benchmark pair ${pairKey(p.question, p.subgroup)} has no ${q ? "subgroup" : "question"} entry`);
      const a = await provider.answer(buildPrompt(q, s, templateId), {});
      out.push({
        model: spec,
        templateId,
        question: p.question,
        subgroup: p.subgroup,
        split: p.split,
        sample: 0,
        code: a.code,
        refused: a.refused,
        reason: a.reason,
        distribution: a.distribution,
        validMass: a.validMass,
      });
    }
  } finally {
    await provider.close?.();
  }
  return out;
}

export async function baselineSource(spec: string, bench: Benchmark, split?: Split): Promise<PredictionSource> {
  return { model: spec, kind: "baseline", builtIn: true, id: spec, split: split ?? "all", predictions: await baselinePredictions(spec, bench, { split }) };
}

/** Runs of a split that did not complete (aborted, failed, running), as "id (model, status)"; manifests only. */
export async function unfinishedRuns(root: string | undefined, split: Split): Promise<string[]> {
  return (await listRuns(root))
    .map((r) => r.manifest)
    .filter((m) => m.status !== "completed" && (m.split === split || m.split === "all" || m.split === "pairs"))
    .map((m) => `${m.runId} (${m.model}, ${m.status})`);
}

/**
 * Runs in a results folder (default: SVLAB_RESULTS or ./results), optionally only one split and
 * only completed runs. Oldest first.
 */
export async function runSources(root?: string, filter: { split?: Split; model?: string; includeIncomplete?: boolean } = {}): Promise<PredictionSource[]> {
  const runs = await listRuns(root);
  const out: PredictionSource[] = [];
  for (const r of runs) {
    const m = r.manifest;
    if (!filter.includeIncomplete && m.status !== "completed") continue;
    if (filter.model && m.model !== filter.model) continue;
    if (filter.split && m.split !== filter.split && m.split !== "all" && m.split !== "pairs") continue;
    const res = await readResults(r.dir);
    // Failed requests are outcomes, scored wrong as in `svlab evaluate` (not silently dropped).
    const all = withFailures(res.predictions, res.errors);
    const preds = filter.split ? all.filter((p) => p.split === filter.split) : all;
    if (preds.length === 0) continue;
    out.push({ model: m.model, kind: kindOf(m.model), id: m.runId, split: filter.split ?? (m.split as Split | "all"), predictions: preds, manifest: m });
  }
  return out;
}
