/**
 * One model's predictions → the headline numbers `svlab evaluate` prints and reports tabulate:
 * micro and macro Accuracy/NMAE, parse and refusal rates, clustered bootstrap CIs, disparity over
 * subgroups, distribution metrics when present, coverage. Pure: benchmark + predictions in, JSON out.
 */
import { pairKey, type Benchmark, type Split } from "../benchmark/types";
import type { Prediction } from "../runner/types";
import { summarise, type Summary } from "./aggregate";
import type { Disparity } from "./disparity";
import type { BootstrapResult, Estimate } from "./bootstrap";
import { MetricFrame } from "./frame";
import { scorePredictions, type Coverage, type PairScore, type TiePolicy } from "./score";
import { basicIntervalWithEstimate, disparityUncertainty, type DisparityCi, type EvaluationUncertainty, type Microdata } from "./noise-floor";
import { headlineMetrics, type MetricInfo } from "./registry";
import { mean } from "./stats";
import { labelFacts, type LabelFacts } from "./label-stability";

export interface EvaluateOptions {
  split?: Split;
  /** Template to evaluate (default: the only one, else the first in `templateIds` order / sorted). */
  templateId?: string;
  ties?: TiePolicy;
  /** Bootstrap resamples for CIs (default 1000; 0 = no CIs). */
  bootstrap?: number;
  seed?: number;
  level?: number;
  /**
   * Leave failed requests (predictions with `failed: true`) out of the scores instead of scoring them
   * wrong (the default). The evaluation says so in `failed.policy`; their pairs count as missing in coverage.
   */
  excludeFailed?: boolean;
  /** Size-matched null draws for the disparity's noise floor (default: `bootstrap`; 0 = none). See noise-floor.ts. */
  nullDraws?: number;
  /** Question + label bootstrap draws for the disparity intervals and label stability (default: `bootstrap`; 0 = none). */
  labelDraws?: number;
  /** The respondents: the null then draws random respondent groups (exact, slower: default 200 draws). */
  microdata?: Microdata;
}

export interface Evaluation extends Summary {
  model: string;
  split: Split | "all";
  templateId: string;
  /** Other templates present in the predictions, with their accuracy and NMAE (prompt sensitivity). */
  templates: { templateId: string; n: number; accuracy: number; nmae: number }[];
  ties: TiePolicy;
  averaging: { micro: "mean over (question, subgroup) pairs"; macro: "mean over subgroups of each subgroup's mean" };
  ci?: {
    level: number;
    resamples: number;
    seed: number;
    cluster: "question";
    accuracy: Estimate;
    nmae: Estimate;
    macroAccuracy: Estimate;
    macroNmae: Estimate;
  };
  /**
   * Every headline metric of the registry (accuracy, NMAE and any registered one): what it is, its
   * micro and macro value, and its clustered bootstrap CI when resampled.
   */
  metrics: Record<string, MetricResult>;
  /**
   * Disparity over subgroups (population σ), per headline metric. Accuracy and NMAE carry `ci`
   * (questions and labels resampled) and `null` (size-matched noise floor); a registered metric
   * carries `ci` from the question bootstrap and no `null` (the floor redraws labels and rescores
   * codes against them, which only the built-in scoring knows how to do).
   */
  disparity: { accuracy: Disparity; nmae: Disparity } & Record<string, Disparity>;
  coverage: Coverage;
  /** Small-subgroup warnings. */
  warnings: string[];
  /** Noise floor per attribute and label stability (noise-floor.ts); absent with nullDraws/labelDraws 0. */
  noiseFloor?: EvaluationUncertainty["noiseFloor"];
  labelStability?: EvaluationUncertainty["labelStability"];
  /** Tied and off-scale labels among the scored pairs, and the accuracy --ties any would give. */
  labels?: LabelFacts;
  /**
   * Failed requests (no answer after retries) of the evaluated template: how many, and what was done
   * with them — "scored wrong" (default: accuracy 0, error 1) or "excluded" (excludeFailed; their
   * pairs are then missing from the scores).
   */
  failed: { requests: number; pairs: number; policy: "scored wrong" | "excluded" };
}

export interface MetricResult {
  label: string;
  description: string;
  direction: "higher" | "lower";
  range: [number, number];
  /** Micro: over pairs. */
  value: number;
  /** Macro: mean over subgroups. */
  macro: number;
  ci?: { overall: Estimate; macro: Estimate };
}

/** Which template to evaluate when none is named: the benchmark-default one if present, else the first sorted. */
export function pickTemplate(templates: string[], preferred?: string): string {
  if (preferred) return preferred;
  if (templates.includes("system-persona")) return "system-persona";
  return [...templates].sort()[0] ?? "";
}

export function evaluatePredictions(
  bench: Benchmark,
  predictions: Prediction[],
  opts: EvaluateOptions = {},
): Evaluation & { scores: PairScore[]; frame: MetricFrame } {
  const failedAll = predictions.filter((p) => p.failed);
  const scored = opts.excludeFailed && failedAll.length ? predictions.filter((p) => !p.failed) : predictions;
  const all = scorePredictions(bench, scored, { split: opts.split, ties: opts.ties });
  const templateId = pickTemplate(all.coverage.templates, opts.templateId);
  if (opts.templateId && !all.coverage.templates.includes(opts.templateId)) {
    throw new Error(`no predictions for template "${opts.templateId}"; templates present: ${all.coverage.templates.join(", ") || "none"}`);
  }
  const scores = all.scores.filter((s) => s.templateId === templateId);
  const frame = new MetricFrame(scores, { subgroups: bench.subgroups });
  const summary = summarise(scores);
  const templates = all.coverage.templates.map((t) => {
    const ts = all.scores.filter((s) => s.templateId === t);
    const sm = summarise(ts);
    return { templateId: t, n: sm.n, accuracy: sm.accuracy, nmae: sm.nmae };
  });
  const splits = new Set(scores.map((s) => s.split));
  const inSplit = new Set(bench.pairs.filter((p) => !opts.split || p.split === opts.split).map((p) => pairKey(p.question, p.subgroup)));
  const failedHere = failedAll.filter((p) => p.templateId === templateId && inSplit.has(pairKey(p.question, p.subgroup)));
  const failed: Evaluation["failed"] = {
    requests: failedHere.length,
    pairs: new Set(failedHere.map((p) => pairKey(p.question, p.subgroup))).size,
    policy: opts.excludeFailed ? "excluded" : "scored wrong",
  };
  const coverage: Coverage = {
    ...all.coverage,
    scored: scores.length,
    missing: all.coverage.expected - scores.length,
  };
  const headline = headlineMetrics();
  const out: Evaluation & { scores: PairScore[]; frame: MetricFrame } = {
    model: all.coverage.models.join(",") || "unknown",
    split: opts.split ?? (splits.size === 1 ? [...splits][0] : "all"),
    templateId,
    ...summary,
    templates,
    ties: opts.ties ?? "label",
    averaging: { micro: "mean over (question, subgroup) pairs", macro: "mean over subgroups of each subgroup's mean" },
    metrics: Object.fromEntries(headline.map((m) => [m.id, metricResult(m, frame)])),
    disparity: Object.fromEntries(headline.map((m) => [m.id, frame.disparity(m.id)])) as Evaluation["disparity"],
    coverage,
    warnings: frame.warnings("subgroup"),
    failed,
    scores,
    frame,
  };
  const B = opts.bootstrap ?? 1000;
  if (B > 0 && scores.length > 0) {
    const bs = frame.bootstrap({ n: B, seed: opts.seed ?? 1, level: opts.level ?? 0.95, metrics: headline.map((m) => m.id), keepDraws: true });
    out.ci = {
      level: bs.level,
      resamples: bs.n,
      seed: bs.seed,
      cluster: "question",
      accuracy: bs.metrics.accuracy!.overall,
      nmae: bs.metrics.nmae!.overall,
      macroAccuracy: bs.metrics.accuracy!.macro,
      macroNmae: bs.metrics.nmae!.macro,
    };
    for (const m of headline) {
      const r = bs.metrics[m.id]!;
      out.metrics[m.id].ci = { overall: r.overall, macro: r.macro };
      // Accuracy and NMAE get their disparity CI from the question + label bootstrap below.
      if (!m.builtIn) out.disparity[m.id].ci = questionDisparityCi(out.disparity[m.id], bs, m.id);
    }
  }
  if (scores.length > 0) {
    // Null and label draws default to the bootstrap's count (so bootstrap 0 = no resampling at all).
    Object.assign(
      out,
      disparityUncertainty(bench, scores, out.disparity, {
        nullDraws: opts.nullDraws ?? (opts.microdata ? Math.min(B, 200) : B),
        labelDraws: opts.labelDraws ?? B,
        seed: opts.seed,
        level: opts.level,
        microdata: opts.microdata,
      }),
    );
    out.labels = labelFacts(bench, scores);
  }
  return out;
}

function metricResult(m: MetricInfo, frame: MetricFrame): MetricResult {
  return { label: m.label, description: m.description, direction: m.direction, range: m.range, value: frame.overall(m.id), macro: frame.macro(m.id) };
}

/** The disparity interval of a registered metric from the question bootstrap: the same basic interval, widened to contain the estimate. */
function questionDisparityCi(d: Disparity, bs: BootstrapResult, metric: string): DisparityCi {
  const draws = bs.metrics[metric]!.draws!.disparity;
  const bias = (k: "normalisedRange" | "cv") => mean(Array.from(draws[k]).filter(Number.isFinite)) - d[k];
  return {
    method: "basic bootstrap (questions resampled), widened to contain the estimate",
    level: bs.level,
    draws: bs.n,
    seed: bs.seed,
    normalisedRange: basicIntervalWithEstimate(d.normalisedRange, draws.normalisedRange, bs.level),
    cv: basicIntervalWithEstimate(d.cv, draws.cv, bs.level),
    bias: { normalisedRange: bias("normalisedRange"), cv: bias("cv") },
  };
}

/** The JSON-safe part of an evaluation (drops the scores and the frame). */
export function evaluationJson(e: Evaluation & { scores?: unknown; frame?: unknown }): Evaluation {
  const { scores: _s, frame: _f, ...rest } = e;
  return rest;
}
