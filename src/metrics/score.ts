/**
 * Scores predictions against benchmark labels, one row per (template, question, subgroup).
 *
 * Policies (stated once, here):
 * - Label: the benchmark's single `Pair.mode` (its tie policy already chose one code). With
 *   `ties: "any"`, a prediction equal to ANY tied modal code counts as correct and its error is
 *   the distance to the nearest tied mode — more lenient; the default stays with the paper's label.
 * - Unparseable or refused (code null): wrong, error 1; counted in `parsed`/`refused` as well.
 * - Failed (the request got no answer after retries; `Prediction.failed`): wrong, error 1 — a pair
 *   the model could not be made to answer is not dropped from the score. evaluate's excludeFailed
 *   leaves them out instead (and says so).
 * - Repeated predictions for one (template, question, subgroup, sample): identical ones count once
 *   (coverage.duplicates); conflicting ones (different codes) are an error naming the pair.
 * - A parsed code that is not a substantive answer to the question ("invalid"): wrong, error 1.
 * - Several samples for one pair (sample = 0, 1, …): the row averages them, so every pair weighs
 *   the same whatever its sample count (`correct` then is the fraction of samples that match).
 * - Predictions for pairs the benchmark does not have are not scored; they are counted in `unknown`.
 */
import type { Pair, Split } from "../benchmark/types";
import { pairKey } from "../benchmark/types";
import type { Prediction } from "../runner/types";
import type { Question } from "../wvs/types";
import { expectedError, itemError, jsDivergence, scaleOf, isValidCode, w1Normalised, type Scale } from "./ordinal";

export type TiePolicy = "label" | "any";

/** One scored benchmark pair. Optional fields exist only when the prediction had a distribution. */
export interface PairScore {
  model: string;
  templateId: string;
  question: string;
  subgroup: string;
  split: Split;
  /** The label scored against (the benchmark's mode). */
  label: number;
  /** The predicted code (the first sample's, when there are several). */
  code: number | null;
  samples: number;
  /** 1 when the code equals the label (fraction over samples). */
  correct: number;
  /** Normalised absolute error in [0, 1]; 1 for null or invalid codes. */
  error: number;
  /** K − 1 of the question's ordinal scale: error × span is the distance in scale points (for registered metrics such as within-one). */
  span?: number;
  /** 1 when a code was parsed (valid or not). */
  parsed: number;
  refused: number;
  /** 1 when the request failed (no answer; fraction over samples). Absent in scores made before failures were scored. */
  failed?: number;
  /** 1 when the parsed code is not a substantive answer code of the question. */
  invalid: number;
  /** W1 on the ordinal scale / span, model distribution vs the subgroup's answer distribution. */
  w1?: number;
  /** Jensen–Shannon divergence, base 2, not square-rooted. */
  jsd?: number;
  /** sqrt(jsd): the Jensen–Shannon distance. */
  jsDistance?: number;
  /** Expected item error under the model's distribution. */
  expectedError?: number;
  /** Probability mass the model put on valid codes before renormalising. */
  validMass?: number;
}

export interface ScoreOptions {
  ties?: TiePolicy;
  /** Score only this template (default: every template present, one row per template and pair). */
  templateId?: string;
  /** Score only pairs of this split. */
  split?: Split;
}

export interface Coverage {
  /** Pairs expected per template (benchmark pairs of the scored splits). */
  expected: number;
  scored: number;
  /** Expected pairs with no prediction, summed over templates. */
  missing: number;
  /** Predictions whose (question, subgroup) is not a benchmark pair. */
  unknown: number;
  /** Repeated identical predictions (same template, question, subgroup, sample and answer), counted once. */
  duplicates?: number;
  templates: string[];
  models: string[];
}

export interface ScoreResult {
  scores: PairScore[];
  coverage: Coverage;
}

/** What the scorer needs from a benchmark. */
export interface LabelSource {
  pairs: Pair[];
  questions: Question[];
}

export function scalesByQuestion(questions: Question[]): Map<string, Scale> {
  return new Map(questions.map((q) => [q.id, scaleOf(q)]));
}

/** Score one prediction (or several samples of it) against one pair. Exported for tests and custom loops. */
export function scorePair(pair: Pair, scale: Scale, preds: Prediction[], ties: TiePolicy = "label"): PairScore {
  if (preds.length === 0) throw new Error(`no prediction for ${pairKey(pair.question, pair.subgroup)}`);
  const targets = ties === "any" && pair.modes.length > 1 ? pair.modes : [pair.mode];
  let correct = 0,
    error = 0,
    parsed = 0,
    refused = 0,
    invalid = 0,
    failed = 0;
  let w1 = 0,
    jsd = 0,
    jsDist = 0,
    expErr = 0,
    mass = 0,
    nDist = 0,
    nMass = 0;
  for (const p of preds) {
    const code = p.code;
    const valid = code !== null && isValidCode(scale, code);
    if (code !== null) parsed++;
    if (p.refused) refused++;
    if (p.failed) failed++;
    if (code !== null && !valid) invalid++;
    if (valid && targets.includes(code!)) correct++;
    error += valid ? Math.min(...targets.map((t) => itemError(scale, code, t))) : 1;
    if (p.distribution && Object.keys(p.distribution).length > 0) {
      nDist++;
      w1 += w1Normalised(scale, p.distribution, pair.counts);
      const j = jsDivergence(scale, p.distribution, pair.counts);
      jsd += j;
      jsDist += Math.sqrt(j);
      expErr += expectedError(scale, p.distribution, targets);
    }
    if (typeof p.validMass === "number") {
      nMass++;
      mass += p.validMass;
    }
  }
  const k = preds.length;
  const row: PairScore = {
    model: preds[0].model,
    templateId: preds[0].templateId,
    question: pair.question,
    subgroup: pair.subgroup,
    split: pair.split,
    label: pair.mode,
    code: preds[0].code,
    samples: k,
    correct: correct / k,
    error: error / k,
    span: scale.span,
    parsed: parsed / k,
    refused: refused / k,
    failed: failed / k,
    invalid: invalid / k,
  };
  // Distribution metrics average over the samples that carried a distribution.
  if (nDist > 0) {
    row.w1 = w1 / nDist;
    row.jsd = jsd / nDist;
    row.jsDistance = jsDist / nDist;
    row.expectedError = expErr / nDist;
  }
  if (nMass > 0) row.validMass = mass / nMass;
  return row;
}

/** Score predictions against the benchmark's labels. Rows come out in benchmark pair order, per template. */
export function scorePredictions(bench: LabelSource, predictions: Iterable<Prediction>, opts: ScoreOptions = {}): ScoreResult {
  const ties = opts.ties ?? "label";
  const scales = scalesByQuestion(bench.questions);
  const pairs = opts.split ? bench.pairs.filter((p) => p.split === opts.split) : bench.pairs;
  const pairByKey = new Map(pairs.map((p) => [pairKey(p.question, p.subgroup), p]));
  const allKeys = new Set(bench.pairs.map((p) => pairKey(p.question, p.subgroup)));
  // template → pair key → samples
  const byTemplate = new Map<string, Map<string, Prediction[]>>();
  const models = new Set<string>();
  const splits = new Set<Split>();
  let unknown = 0;
  // one prediction per (model, template, question, subgroup, sample): identical repeats count once, conflicts are an error
  const seen = new Map<string, Prediction>();
  let duplicates = 0;
  for (const p of predictions) {
    if (opts.templateId !== undefined && p.templateId !== opts.templateId) continue;
    const id = `${p.model}\u0000${p.templateId}\u0000${p.question}\u0000${p.subgroup}\u0000${p.sample}`;
    const prev = seen.get(id);
    if (prev) {
      if (sameAnswer(prev, p)) {
        duplicates++;
        continue;
      }
      throw new Error(
        `conflicting predictions for (${p.question}, ${p.subgroup}), template ${p.templateId}, sample ${p.sample} of ${p.model}: ${describeAnswer(prev)} and ${describeAnswer(p)}. ` +
          "Repeated samples need distinct sample numbers; a results file with repeated lines needs one of them removed",
      );
    }
    seen.set(id, p);
    const key = pairKey(p.question, p.subgroup);
    if (!pairByKey.has(key)) {
      if (!allKeys.has(key)) unknown++;
      continue;
    }
    models.add(p.model);
    splits.add(pairByKey.get(key)!.split);
    let m = byTemplate.get(p.templateId);
    if (!m) byTemplate.set(p.templateId, (m = new Map()));
    const list = m.get(key);
    if (list) list.push(p);
    else m.set(key, [p]);
  }
  // Expected pairs: the requested split, or the splits the predictions touch.
  const expectedPairs = opts.split ? pairs : pairs.filter((p) => splits.has(p.split));
  const scores: PairScore[] = [];
  let missing = 0;
  const templates = [...byTemplate.keys()].sort();
  for (const t of templates) {
    const m = byTemplate.get(t)!;
    for (const pair of expectedPairs) {
      const preds = m.get(pairKey(pair.question, pair.subgroup));
      if (!preds) {
        missing++;
        continue;
      }
      const scale = scales.get(pair.question);
      if (!scale) throw new Error(`benchmark pair ${pairKey(pair.question, pair.subgroup)}: question ${pair.question} is not in benchmark.questions`);
      scores.push(
        scorePair(
          pair,
          scale,
          preds.sort((a, b) => a.sample - b.sample),
          ties,
        ),
      );
    }
  }
  return {
    scores,
    coverage: { expected: expectedPairs.length, scored: scores.length, missing, unknown, duplicates, templates, models: [...models].sort() },
  };
}

function sameAnswer(a: Prediction, b: Prediction): boolean {
  return (
    a.code === b.code &&
    a.refused === b.refused &&
    !!a.failed === !!b.failed &&
    JSON.stringify(a.distribution ?? null) === JSON.stringify(b.distribution ?? null)
  );
}

function describeAnswer(p: Prediction): string {
  if (p.failed) return "a failed request";
  if (p.code !== null) return `code ${p.code}${p.distribution ? " (with a distribution)" : ""}`;
  return p.refused ? "a refusal" : "no code";
}
