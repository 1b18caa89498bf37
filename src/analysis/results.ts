/**
 * The whole results analysis in one object: every model (runs and baselines) evaluated on one
 * split, per-attribute scores with CIs, disparity with CIs, model-vs-baseline per group,
 * permutation tests of the largest attribute gaps, and before/after comparisons. Reports,
 * figures and the notebook all read this object; nothing here renders.
 *
 * Pair coverage: a run may cover only part of the split (`svlab run --limit`). Its own scores are
 * over its pairs; every model-vs-baseline number (skill, per-group skill, the model-vs-baseline
 * figure) rescores the built-in baselines on exactly the model's pairs, and before/after
 * comparisons use the pairs both runs share. The built-in baselines are always computed on the
 * whole split. A baseline run in results/ (`svlab run --model baseline:population-mode`) is the same
 * model as the built-in baseline of its spec — baselines are deterministic functions of the
 * benchmark and use no prompt — so it is shown once: its spec joins the built-in baselines, its run
 * id names that model (e.g. in `compare`), and `notes` says so.
 *
 * Labels: a model's label alone; a run's start time is added only when two runs of one model must
 * be told apart (runLabels). Attributes and strata come from the benchmark's subgroups of the split.
 *
 * Largest attribute gap: a max − min permutation test (group labels permuted within each question,
 * the range recomputed), not best-vs-worst pairwise — choosing the pair from the data would inflate
 * false positives (21% at nominal 5% with 6 groups).
 */
import type { Benchmark, Split } from "../benchmark/types";
import {
  attributeGapTest,
  compareRuns,
  headlineMetrics,
  evaluatePredictions,
  evaluationJson,
  skillByGroup,
  type BootstrapResult,
  type Evaluation,
  type GapTestResult,
  type GroupSkillRow,
  type MetricFrame,
  type PairCoverage,
  type RangeTestResult,
  type RunComparison,
} from "../metrics/index";
import { modelLabel, NATIONAL_MODE, runLabels } from "./labels";
import { baselineSource, DEFAULT_BASELINES, kindOf, runSources, unfinishedRuns, type PredictionSource } from "./sources";

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
  /** Permutation resamples for the attribute-gap (max − min) tests (default 5000). */
  permutations?: number;
}

export interface ModelResult {
  model: string;
  /** From the spec: "baseline" for baseline:* (built-in or a baseline run), "run" for an LLM. */
  kind: "run" | "baseline";
  /** A baseline computed on the whole split by the analysis (the reference for skill). */
  builtIn: boolean;
  id: string;
  /** Display label, unique within the analysis. */
  label: string;
  /** For baselines templateId is "" and templates is empty: they use no prompt. */
  evaluation: Evaluation;
  frame: MetricFrame;
  /** Bootstrap by subgroup (overall, per subgroup, every disparity number), accuracy and NMAE. */
  bySubgroup: BootstrapResult;
  /** Bootstrap per attribute value (pooled subgroups), one per attribute present in the split. */
  byAttribute: Record<string, BootstrapResult>;
  /** Per attribute: largest accuracy gap between its values, max − min permutation test within questions. */
  gapTests: RangeTestResult[];
  /**
   * Per attribute: do its values differ beyond what subgroup sizes give? Accuracy, size-adjusted
   * stratified permutation test (gap-test.ts: calibrated for uneven groups). Empty without the null.
   */
  attributeTests: GapTestResult[];
}

export interface SkillTable {
  model: string;
  baseline: string;
  /** "overall" (one row, group "all"), "subgroup" or "attribute:<name>". */
  by: string;
  /** The pairs compared: shared = the model's pairs the baseline was rescored on. */
  pairs: PairCoverage;
  rows: GroupSkillRow[];
}

export interface ComparisonResult {
  before: string;
  after: string;
  accuracy: RunComparison;
  nmae: RunComparison;
  /** Registered headline metrics beyond accuracy and NMAE, by id. */
  extra?: Record<string, RunComparison>;
}

export interface ResultsAnalysis {
  split: Split;
  /** country: whose respondents, by name (from the benchmark; absent on hand-made ones). */
  benchmark: {
    preset: string;
    country?: string;
    source: unknown;
    tiePolicy: string;
    minSubgroupSize: number;
    pairs: number;
    subgroups: number;
    questions: number;
  };
  createdAt: string;
  options: { bootstrap: number; seed: number; level: number; baselines: string[] };
  models: ModelResult[];
  /** Every model vs each built-in baseline overall; each LLM run also by subgroup and attribute value. On shared pairs. */
  skill: SkillTable[];
  comparisons: ComparisonResult[];
  /** The model the per-model figures show (first LLM run; the first baseline when there is none). */
  primary: string;
  /** Attributes of the split's subgroups, in the benchmark's order (e.g. no sex on tan2026's OOD split). */
  attributes: string[];
  /** The split's strata with their attributes, in the benchmark's order. */
  strata: Array<{ key: string; attributes: string[] }>;
  warnings: string[];
  /** What the analysis did that a reader should know (e.g. a baseline run shown as its built-in baseline). */
  notes: string[];
}

export async function analyseResults(bench: Benchmark, opts: AnalysisOptions = {}): Promise<ResultsAnalysis> {
  const split = opts.split ?? "ood";
  const B = opts.bootstrap ?? 1000;
  const seed = opts.seed ?? 1;
  const level = opts.level ?? 0.95;
  const baselines = opts.baselines ?? DEFAULT_BASELINES;
  const given: PredictionSource[] = [...(opts.sources ?? [])];
  // Runs of this split that did not complete (aborted, failed, running) are not scored, but named.
  const unfinished = opts.results === null ? [] : await unfinishedRuns(opts.results, split);
  if (opts.results !== null) given.push(...(await runSources(opts.results, { split })));
  // A baseline run is its built-in baseline (same deterministic answers, no prompt): one model, shown once.
  const notes: string[] = [];
  const aliases = new Map<string, string>();
  const builtInSpecs = [...new Set(baselines)];
  const sources: PredictionSource[] = [];
  for (const s of given) {
    if (s.kind !== "baseline" || s.builtIn) {
      sources.push(s);
      continue;
    }
    if (!builtInSpecs.includes(s.model)) builtInSpecs.push(s.model);
    aliases.set(s.id, s.model);
    notes.push(
      `Run ${s.id} (${s.model}) is the ${modelLabel(s.model)} baseline, which the analysis scores on the whole ${split.toUpperCase()} split anyway (baselines are deterministic and use no prompt): shown once, as the ${modelLabel(s.model)}.`,
    );
  }
  for (const b of builtInSpecs) sources.push(await baselineSource(b, bench, split));

  const splitSubgroups = bench.subgroups.filter((s) => s.split === split);
  // Attribute order: first appearance over the whole benchmark (the preset's order), kept if the split has it.
  const attributeOrder = [...new Set(bench.subgroups.flatMap((s) => Object.keys(s.attributes)))];
  const attributes = attributeOrder.filter((a) => splitSubgroups.some((s) => a in s.attributes));
  const strata: ResultsAnalysis["strata"] = [];
  for (const s of splitSubgroups) if (!strata.some((x) => x.key === s.stratum)) strata.push({ key: s.stratum, attributes: Object.keys(s.attributes) });
  const labelOf = runLabels(sources.map((s) => ({ model: s.model, id: s.id })));

  const models: ModelResult[] = [];
  const warnings: string[] = [];
  if (unfinished.length) {
    warnings.push(
      `${unfinished.length} run${unfinished.length > 1 ? "s" : ""} of the ${split.toUpperCase()} split did not complete and ${unfinished.length > 1 ? "are" : "is"} not scored: ${unfinished.join(", ")}; rerun the same \`svlab run\` command to finish (it resumes)`,
    );
  }
  for (const [i, src] of sources.entries()) {
    const ev = evaluatePredictions(bench, src.predictions, { split, bootstrap: B, seed, level });
    const frame = ev.frame;
    const label = labelOf[i];
    if (ev.coverage.missing > 0)
      warnings.push(`${label}: ${ev.coverage.missing} of ${ev.coverage.expected} ${split.toUpperCase()} pairs have no prediction (scores cover the rest)`);
    const byAttribute: Record<string, BootstrapResult> = {};
    for (const a of attributes) byAttribute[a] = frame.bootstrap({ by: `attribute:${a}`, n: B, seed, level });
    const gapTests: RangeTestResult[] = [];
    for (const a of attributes) {
      const t = frame.rangeTest("accuracy", `attribute:${a}`, { n: opts.permutations ?? 5000, seed });
      if (t.groups >= 2) gapTests.push(t);
    }
    const attributeTests: GapTestResult[] = [];
    const nullSubs = ev.noiseFloor?.subgroups;
    if (nullSubs) {
      const input = { scores: frame.values("accuracy", "subgroup"), null: new Map(nullSubs.map((x) => [x.subgroup, x.accuracy])), subgroups: bench.subgroups };
      for (const a of attributes) {
        const t = attributeGapTest(input, a, { n: opts.permutations ?? 5000, seed });
        if (t.values.length >= 2) attributeTests.push(t);
      }
    }
    models.push({
      model: src.model,
      kind: kindOf(src.model),
      builtIn: src.builtIn === true,
      id: src.id,
      label,
      // Baselines use no prompt: no template to show (the provider API only needed one to be asked).
      evaluation: kindOf(src.model) === "baseline" ? { ...evaluationJson(ev), templateId: "", templates: [] } : evaluationJson(ev),
      frame,
      bySubgroup: frame.bootstrap({ by: "subgroup", n: B, seed, level }),
      byAttribute,
      gapTests,
      attributeTests,
    });
  }
  const skill: SkillTable[] = [];
  const table = (m: ModelResult, b: ModelResult, by: string): SkillTable => {
    const rows = skillByGroup(m.frame, b.frame, { by: by === "overall" ? () => "all" : (by as "subgroup") });
    return { model: m.label, baseline: b.label, by, pairs: rows.pairs, rows: [...rows] };
  };
  const builtIns = models.filter((x) => x.builtIn);
  for (const b of builtIns) for (const m of models) if (m !== b) skill.push(table(m, b, "overall"));
  for (const m of models.filter((x) => x.kind === "run")) {
    for (const b of builtIns) {
      skill.push(table(m, b, "subgroup"));
      for (const a of attributes) skill.push(table(m, b, `attribute:${a}`));
    }
  }
  const find = (key: string) => {
    const k = aliases.get(key) ?? key;
    return models.find((m) => m.id === k) ?? models.find((m) => m.model === k) ?? models.find((m) => m.label === k);
  };
  const comparisons: ComparisonResult[] = [];
  const extraIds = headlineMetrics()
    .filter((m) => !m.builtIn)
    .map((m) => m.id);
  for (const c of opts.compare ?? []) {
    const a = find(c.before);
    const b = find(c.after);
    if (!a || !b) throw new Error(`compare: no run or model "${!a ? c.before : c.after}" among ${[...models.map((m) => m.id), ...aliases.keys()].join(", ")}`);
    comparisons.push({
      before: a.label,
      after: b.label,
      accuracy: compareRuns(a.frame, b.frame, "accuracy", { bootstrap: B, seed, level }),
      nmae: compareRuns(a.frame, b.frame, "nmae", { bootstrap: B, seed, level }),
      ...(extraIds.length ? { extra: Object.fromEntries(extraIds.map((id) => [id, compareRuns(a.frame, b.frame, id, { bootstrap: B, seed, level })])) } : {}),
    });
  }
  const primary = (models.find((m) => m.kind === "run") ?? models.find((m) => m.builtIn) ?? models[0])?.label ?? "";
  // Small subgroups of the split, judged on a whole-split model (a --limit run has few pairs per subgroup anyway).
  const ref = models.find((m) => m.builtIn) ?? models[0];
  const small = ref?.frame.warnings("subgroup") ?? [];
  if (small.length)
    warnings.push(
      `${small.length} ${split.toUpperCase()} subgroups are small (fewer than ${ref.frame.minSize} respondents or ${ref.frame.minPairs} pairs); their scores are noisy`,
    );
  return {
    split,
    benchmark: {
      preset: bench.options.preset,
      ...(bench.country ? { country: bench.country.name } : {}),
      source: bench.provenance.source ?? bench.provenance,
      tiePolicy: bench.options.tiePolicy,
      minSubgroupSize: bench.options.minSubgroupSize,
      pairs: bench.pairs.filter((p) => p.split === split).length,
      subgroups: splitSubgroups.length,
      questions: bench.questions.length,
    },
    createdAt: new Date().toISOString(),
    options: { bootstrap: B, seed, level, baselines },
    models,
    skill,
    comparisons,
    primary,
    attributes,
    strata,
    warnings,
    notes,
  };
}

/** The built-in (whole-split) baseline of a spec, e.g. the national mode; undefined when not in the analysis. */
export function builtInBaseline(a: ResultsAnalysis, spec = NATIONAL_MODE): ModelResult | undefined {
  return a.models.find((m) => m.builtIn && m.model === spec);
}

/** The overall skill of a model (by label) against a baseline (by label), on the pairs they share. */
export function overallSkill(a: ResultsAnalysis, model: string, baseline: string): SkillTable | undefined {
  return a.skill.find((s) => s.by === "overall" && s.model === model && s.baseline === baseline);
}
