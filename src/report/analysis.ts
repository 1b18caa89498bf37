/**
 * The whole results analysis in one object: every model (runs and baselines) evaluated on one
 * split, per-attribute scores with CIs, disparity with CIs, model-vs-baseline per group,
 * permutation tests of the largest attribute gaps, and before/after comparisons. Reports,
 * figures and the notebook all read this object; nothing here renders.
 */
import type { Benchmark, Split } from "../benchmark/types";
import { compareRuns, evaluatePredictions, evaluationJson, skillByGroup, type BootstrapResult, type Evaluation, type GroupSkillRow, type MetricFrame, type PermutationResult, type RunComparison } from "../metrics/index";
import { modelLabel, RESULT_ATTRIBUTES } from "../figures/results-labels";
import { baselineSource, DEFAULT_BASELINES, runSources, type PredictionSource } from "./sources";

export interface AnalysisOptions {
  split?: Split;
  /** Baseline specs to include (default population-mode and attribute-product). Always computed from the benchmark. */
  baselines?: string[];
  /** Results root to read runs from (default SVLAB_RESULTS or ./results); null = no runs. */
  results?: string | null;
  /** Extra sources (e.g. predictions built in a notebook). */
  sources?: PredictionSource[];
  bootstrap?: number;
  seed?: number;
  level?: number;
  /** Before/after pairs by source id or model spec ("base vs fine-tuned"). */
  compare?: Array<{ before: string; after: string }>;
  /** Permutation resamples for the attribute-gap tests (default 5000). */
  permutations?: number;
}

export interface ModelResult {
  model: string;
  kind: "run" | "baseline";
  id: string;
  /** Display label, unique within the analysis. */
  label: string;
  evaluation: Evaluation;
  frame: MetricFrame;
  /** Bootstrap by subgroup (overall, per subgroup, every disparity number), accuracy and NMAE. */
  bySubgroup: BootstrapResult;
  /** Bootstrap per attribute value (pooled subgroups), one per attribute present in the split. */
  byAttribute: Record<string, BootstrapResult>;
  /** Best vs worst attribute value per attribute, accuracy, sign-flip test within questions. */
  gapTests: PermutationResult[];
}

export interface SkillTable {
  model: string;
  baseline: string;
  /** "subgroup" or "attribute:<name>". */
  by: string;
  rows: GroupSkillRow[];
}

export interface ComparisonResult {
  before: string;
  after: string;
  accuracy: RunComparison;
  nmae: RunComparison;
}

export interface ResultsAnalysis {
  split: Split;
  benchmark: { preset: string; source: unknown; tiePolicy: string; pairs: number; subgroups: number; questions: number };
  createdAt: string;
  options: { bootstrap: number; seed: number; level: number; baselines: string[] };
  models: ModelResult[];
  /** Each LLM model vs each baseline, by subgroup and by attribute value. */
  skill: SkillTable[];
  comparisons: ComparisonResult[];
  /** The model the per-model figures show (first LLM run; the first baseline when there is none). */
  primary: string;
  attributes: string[];
  warnings: string[];
}

export async function analyseResults(bench: Benchmark, opts: AnalysisOptions = {}): Promise<ResultsAnalysis> {
  const split = opts.split ?? "ood";
  const B = opts.bootstrap ?? 1000;
  const seed = opts.seed ?? 1;
  const level = opts.level ?? 0.95;
  const baselines = opts.baselines ?? DEFAULT_BASELINES;
  const sources: PredictionSource[] = [...(opts.sources ?? [])];
  if (opts.results !== null) sources.push(...(await runSources(opts.results, { split })));
  for (const b of baselines) if (!sources.some((s) => s.model === b)) sources.push(await baselineSource(b, bench, split));

  const splitSubgroups = bench.subgroups.filter((s) => s.split === split);
  const attributes = RESULT_ATTRIBUTES.filter((a) => splitSubgroups.some((s) => a in s.attributes));
  const labels = new Map<string, number>();
  for (const s of sources) labels.set(modelLabel(s.model), (labels.get(modelLabel(s.model)) ?? 0) + 1);

  const models: ModelResult[] = [];
  const warnings: string[] = [];
  for (const src of sources) {
    const ev = evaluatePredictions(bench, src.predictions, { split, bootstrap: B, seed, level });
    const frame = ev.frame;
    const base = modelLabel(src.model);
    const label = (labels.get(base) ?? 0) > 1 ? `${base} [${src.id.slice(0, 16)}]` : base;
    if (ev.coverage.missing > 0) warnings.push(`${label}: ${ev.coverage.missing} of ${ev.coverage.expected} ${split} pairs have no prediction (scores cover the rest)`);
    const byAttribute: Record<string, BootstrapResult> = {};
    for (const a of attributes) byAttribute[a] = frame.bootstrap({ by: `attribute:${a}`, n: B, seed, level });
    const gapTests: PermutationResult[] = [];
    for (const a of attributes) {
      const rows = frame.byGroup("accuracy", `attribute:${a}`);
      if (rows.length < 2) continue;
      const best = rows.reduce((x, y) => (y.value > x.value ? y : x));
      const worst = rows.reduce((x, y) => (y.value < x.value ? y : x));
      gapTests.push(frame.permutationTest("accuracy", `attribute:${a}`, best.group, worst.group, { n: opts.permutations ?? 5000, seed }));
    }
    models.push({
      model: src.model, kind: src.kind, id: src.id, label,
      evaluation: evaluationJson(ev), frame,
      bySubgroup: frame.bootstrap({ by: "subgroup", n: B, seed, level }),
      byAttribute, gapTests,
    });
  }
  const skill: SkillTable[] = [];
  for (const m of models.filter((x) => x.kind === "run")) {
    for (const b of models.filter((x) => x.kind === "baseline")) {
      skill.push({ model: m.label, baseline: b.label, by: "subgroup", rows: skillByGroup(m.frame, b.frame, { by: "subgroup" }) });
      for (const a of attributes) skill.push({ model: m.label, baseline: b.label, by: `attribute:${a}`, rows: skillByGroup(m.frame, b.frame, { by: `attribute:${a}` }) });
    }
  }
  const find = (key: string) => models.find((m) => m.id === key) ?? models.find((m) => m.model === key) ?? models.find((m) => m.label === key);
  const comparisons: ComparisonResult[] = [];
  for (const c of opts.compare ?? []) {
    const a = find(c.before);
    const b = find(c.after);
    if (!a || !b) throw new Error(`compare: no run or model "${!a ? c.before : c.after}" among ${models.map((m) => m.id).join(", ")}`);
    comparisons.push({
      before: a.label, after: b.label,
      accuracy: compareRuns(a.frame, b.frame, "accuracy", { bootstrap: B, seed, level }),
      nmae: compareRuns(a.frame, b.frame, "nmae", { bootstrap: B, seed, level }),
    });
  }
  const primary = (models.find((m) => m.kind === "run") ?? models[0])?.label ?? "";
  const small = models[0]?.frame.warnings("subgroup") ?? [];
  if (small.length) warnings.push(`${small.length} ${split} subgroups are small (fewer than ${models[0].frame.minSize} respondents or ${models[0].frame.minPairs} pairs); their scores are noisy`);
  return {
    split,
    benchmark: {
      preset: bench.options.preset, source: bench.provenance.source ?? bench.provenance, tiePolicy: bench.options.tiePolicy,
      pairs: bench.pairs.filter((p) => p.split === split).length, subgroups: splitSubgroups.length, questions: bench.questions.length,
    },
    createdAt: new Date().toISOString(),
    options: { bootstrap: B, seed, level, baselines },
    models, skill, comparisons, primary, attributes, warnings,
  };
}
