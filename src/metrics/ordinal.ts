/**
 * Per-item distances on a question's answer scale. Pure functions, no I/O.
 *
 * Positions come from `Question.scale`, which lists options in ordinal order (not code order:
 * Q56 lists 1, 3, 2). Distances use unit spacing between adjacent options, so a scale of K options
 * has span K − 1 and every normalised distance lies in [0, 1].
 */
import { wasserstein1 } from "../benchmark/landscape";
import type { Question } from "../wvs/types";

/** A question's scale reduced to what the metrics need. Build once per question with `scaleOf`. */
export interface Scale {
  question: string;
  /** Codes of the ordinal options, in ordinal order. */
  codes: number[];
  /** Code → ordinal position 0 … K−1. */
  position: Map<number, number>;
  /** Substantive off-scale codes (e.g. Q254 5 "I am not Singaporean"): valid answers with no position. */
  offScale: Set<number>;
  /** K − 1 (0 for a one-option scale, which no real question has). */
  span: number;
  ordinal: boolean;
}

export function scaleOf(q: Question): Scale {
  const codes = q.scale.map((o) => o.code);
  return {
    question: q.id,
    codes,
    position: new Map(codes.map((c, i) => [c, i])),
    offScale: new Set(q.offScale.map((o) => o.code)),
    span: Math.max(0, codes.length - 1),
    ordinal: q.ordinal,
  };
}

/** Whether `code` is a substantive answer to the question (on or off the scale). */
export function isValidCode(scale: Scale, code: number): boolean {
  return scale.position.has(code) || scale.offScale.has(code);
}

/**
 * Normalised absolute error of one predicted code against one target code:
 * |pos(pred) − pos(target)| / (K − 1). When either code is off-scale (or unknown) there is no
 * distance: 0 if the codes are equal, else 1. A null prediction (unparseable/refused) is 1.
 */
export function itemError(scale: Scale, pred: number | null, target: number): number {
  if (pred === null) return 1;
  if (pred === target) return 0;
  const a = scale.position.get(pred);
  const b = scale.position.get(target);
  if (a === undefined || b === undefined || scale.span === 0) return 1;
  return Math.abs(a - b) / scale.span;
}

/** A probability distribution keyed by answer code (string keys, as JSON gives them). */
export type Dist = Record<string, number>;

/** Normalise non-negative weights over `codes` to sum 1; null when the mass is 0. */
export function normalise(d: Dist, codes: Iterable<number>): Map<number, number> | null {
  const out = new Map<number, number>();
  let total = 0;
  for (const c of codes) {
    const v = d[String(c)] ?? 0;
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`distribution value for code ${c} must be a finite number ≥ 0, got ${v}`);
    out.set(c, v);
    total += v;
  }
  if (total <= 0) return null;
  for (const [c, v] of out) out.set(c, v / total);
  return out;
}

/**
 * Wasserstein-1 between two distributions on the ordinal scale, divided by the span (K − 1),
 * so it lies in [0, 1]: Σ_k |F_P(k) − F_Q(k)| / (K − 1). Off-scale codes are dropped and both
 * distributions renormalised over the scale (as SubPOP's ordinal_emd and OpinionQA do).
 * NaN when either has no mass on the scale. The distance itself is the benchmark's one W1
 * (wasserstein1, also behind the value landscape), on the masses of the scale's codes.
 */
export function w1Normalised(scale: Scale, p: Dist, q: Dist): number {
  if (scale.span === 0) return 0;
  // normalise validates the values and says whether there is mass on the scale.
  if (!normalise(p, scale.codes) || !normalise(q, scale.codes)) return NaN;
  const masses = (d: Dist) => scale.codes.map((c) => d[String(c)] ?? 0);
  return wasserstein1(masses(p), masses(q)) / scale.span;
}

/**
 * Jensen–Shannon divergence with log base 2 (so it lies in [0, 1]); NOT square-rooted.
 * Take `Math.sqrt` of it for the Jensen–Shannon distance (scipy's `jensenshannon(p, q, base=2)`).
 * Computed over every substantive code (scale and off-scale: JSD ignores order), both
 * distributions renormalised over those codes. NaN when either has no mass.
 */
export function jsDivergence(scale: Scale, p: Dist, q: Dist): number {
  const codes = [...scale.codes, ...scale.offScale];
  const P = normalise(p, codes);
  const Q = normalise(q, codes);
  if (!P || !Q) return NaN;
  let js = 0;
  for (const c of codes) {
    const a = P.get(c)!;
    const b = Q.get(c)!;
    const m = (a + b) / 2;
    if (a > 0) js += 0.5 * a * Math.log2(a / m);
    if (b > 0) js += 0.5 * b * Math.log2(b / m);
  }
  // Rounding can leave −1e-17; the divergence is never negative.
  return Math.min(1, Math.max(0, js));
}

/**
 * Expected item error under a predicted distribution: Σ_k P(k)·min_t itemError(k, t), with P
 * renormalised over every substantive code. It is the NMAE a sampler drawing from P would get.
 * Several targets (tied modes under `ties: "any"`): each sampled code is scored against its nearest
 * tied mode — the expectation of the minimum, not the minimum of per-mode expectations.
 */
export function expectedError(scale: Scale, p: Dist, target: number | readonly number[]): number {
  const targets = typeof target === "number" ? [target] : target;
  const codes = [...scale.codes, ...scale.offScale];
  const P = normalise(p, codes);
  if (!P) return NaN;
  let e = 0;
  for (const [c, w] of P) {
    let best = Infinity;
    for (const t of targets) best = Math.min(best, itemError(scale, c, t));
    e += w * best;
  }
  return e;
}
