/**
 * What the labels themselves are worth: how stable each modal label is when the subgroup's answers
 * are resampled (noise-floor.ts draws them), how many labels are tied, and which labels are not
 * values at all (off-scale codes such as Q222 "Not allowed to vote", Q254 "I am not Singaporean").
 *
 * Off-scale policy: labels on off-scale codes are KEPT by default, as the paper does (they are what
 * the subgroup answered most often); they are counted here and in `svlab dataset`'s summary, and
 * `svlab evaluate --exclude-off-scale` drops their pairs from the scores (said in the output).
 */
import type { Benchmark, Pair, Split } from "../benchmark/types";
import { pairKey } from "../benchmark/types";
import { isValidCode, scaleOf } from "./ordinal";
import type { PairScore } from "./score";

/** Subgroups below this many respondents are "small" in the label summaries (as MetricFrame's minSize). */
export const SMALL_SUBGROUP = 50;

export interface OffScaleLabel {
  question: string;
  code: number;
  /** The code's answer label from the codebook. */
  label: string;
  pairs: number;
}

export interface LabelFacts {
  /** Scored pairs whose label is one of several tied modal codes. */
  tied: number;
  /** …of which in subgroups under SMALL_SUBGROUP respondents. */
  tiedSmall: number;
  /** Accuracy if any tied mode counted as correct (`--ties any`), beside the scored accuracy. */
  accuracyTiesAny: number;
  accuracy: number;
  /** Scored pairs whose label is an off-scale code (a valid answer with no place on the scale). */
  offScale: number;
  offScaleLabels: OffScaleLabel[];
  policy: string;
}

export const OFF_SCALE_POLICY =
  'labels on off-scale codes (e.g. Q222 "Not allowed to vote", Q254 "I am not Singaporean") are kept, as the paper does; --exclude-off-scale drops their pairs';

/** Whether a pair's label is an off-scale code of its question. */
export function offScaleLabelKeys(bench: Pick<Benchmark, "pairs" | "questions">, split?: Split): Set<string> {
  const scales = new Map(bench.questions.map((q) => [q.id, scaleOf(q)]));
  const out = new Set<string>();
  for (const p of bench.pairs) {
    if (split && p.split !== split) continue;
    const s = scales.get(p.question);
    if (s && s.offScale.has(p.mode)) out.add(pairKey(p.question, p.subgroup));
  }
  return out;
}

/** Ties and off-scale labels among the scored pairs, and the accuracy `--ties any` would give. */
export function labelFacts(bench: Pick<Benchmark, "pairs" | "questions" | "subgroups">, scores: readonly PairScore[]): LabelFacts {
  const byKey = new Map<string, Pair>(bench.pairs.map((p) => [pairKey(p.question, p.subgroup), p]));
  const size = new Map(bench.subgroups.map((s) => [s.id, s.size]));
  const questions = new Map(bench.questions.map((q) => [q.id, q]));
  const scales = new Map(bench.questions.map((q) => [q.id, scaleOf(q)]));
  let tied = 0,
    tiedSmall = 0,
    offScale = 0,
    correct = 0,
    correctAny = 0;
  const off = new Map<string, OffScaleLabel>();
  for (const s of scores) {
    const p = byKey.get(pairKey(s.question, s.subgroup));
    if (!p) continue;
    correct += s.correct;
    let any = s.correct;
    if (p.modes.length > 1) {
      tied++;
      if ((size.get(s.subgroup) ?? Infinity) < SMALL_SUBGROUP) tiedSmall++;
      const scale = scales.get(s.question);
      if (s.code !== null && scale && isValidCode(scale, s.code) && p.modes.includes(s.code)) any = Math.max(any, 1 - (s.failed ?? 0));
    }
    correctAny += any;
    const scale = scales.get(s.question);
    if (scale?.offScale.has(p.mode)) {
      offScale++;
      const k = `${s.question}:${p.mode}`;
      const q = questions.get(s.question);
      const label = q?.offScale.find((o) => o.code === p.mode)?.label ?? String(p.mode);
      const e = off.get(k) ?? { question: s.question, code: p.mode, label, pairs: 0 };
      e.pairs++;
      off.set(k, e);
    }
  }
  const n = scores.length;
  return {
    tied,
    tiedSmall,
    offScale,
    accuracy: n ? correct / n : NaN,
    accuracyTiesAny: n ? correctAny / n : NaN,
    offScaleLabels: [...off.values()].sort((a, b) => b.pairs - a.pairs || a.question.localeCompare(b.question, "en", { numeric: true })),
    policy: OFF_SCALE_POLICY,
  };
}

export interface StabilitySummary {
  draws: number;
  /** Mean label stability over the scored pairs. */
  mean: number;
  /** Mean stability in subgroups under SMALL_SUBGROUP respondents, and in the others. */
  small: number;
  larger: number;
  /** Pairs whose label holds in fewer than 80% of the resamples. */
  unstable: number;
  /** Per subgroup, sorted by stability (least stable first). */
  subgroups: Array<{ subgroup: string; size: number; stability: number; stable80: number }>;
}

/** The label-stability numbers a report prints, from labelBootstrap's per-pair stabilities. */
export function stabilitySummary(
  stability: ReadonlyMap<string, number>,
  subgroups: StabilitySummary["subgroups"],
  sizes: ReadonlyMap<string, number>,
  draws: number,
): StabilitySummary {
  let s = 0,
    n = 0,
    ss = 0,
    sn = 0,
    ls = 0,
    ln = 0,
    unstable = 0;
  for (const [k, v] of stability) {
    if (Number.isNaN(v)) continue;
    const sub = k.slice(k.indexOf("::") + 2);
    s += v;
    n++;
    if ((sizes.get(sub) ?? Infinity) < SMALL_SUBGROUP) {
      ss += v;
      sn++;
    } else {
      ls += v;
      ln++;
    }
    if (v < 0.8) unstable++;
  }
  return {
    draws,
    mean: n ? s / n : NaN,
    small: sn ? ss / sn : NaN,
    larger: ln ? ls / ln : NaN,
    unstable,
    subgroups: [...subgroups].sort((a, b) => a.stability - b.stability),
  };
}
