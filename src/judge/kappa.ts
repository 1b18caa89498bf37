/**
 * Cohen's kappa between two raters on the three-level verdict scale of the pairwise judge, ordered
 * loss < tie < win from the candidate's point of view (Tan et al. 2026 validate their judge with a
 * weighted kappa; which weights they used is not stated, so both are given).
 *
 *   κ_w = 1 − Σ w_ij O_ij / Σ w_ij E_ij
 *
 * O = the observed joint proportions over the items both rated, E_ij = row_i · col_j (the
 * proportions expected by chance from the two raters' marginals), and disagreement weights
 *   unweighted  w_ij = [i ≠ j]
 *   linear      w_ij = |i − j| / (k − 1)
 *   quadratic   w_ij = ((i − j) / (k − 1))²
 * (the same κ as scikit-learn's cohen_kappa_score: scaling the weights does not change the ratio).
 *
 * When the expected disagreement is 0 — both raters gave one and the same category to every item —
 * κ is 0/0: it is returned as null with the reason, never as NaN (their raw agreement is still given).
 */

/** The ordered verdict scale, worst first. */
export const ORDINAL_VERDICTS = ["loss", "tie", "win"] as const;
export type OrdinalVerdict = (typeof ORDINAL_VERDICTS)[number];

export type KappaWeighting = "unweighted" | "linear" | "quadratic";
export const KAPPA_WEIGHTINGS: readonly KappaWeighting[] = ["unweighted", "linear", "quadratic"];

export interface Kappa {
  /** κ; null when it is undefined (no item, or no expected disagreement): `reason` says which. */
  kappa: number | null;
  reason?: string;
  /** Items both raters rated. */
  n: number;
  /** Share of those items on which the two agree exactly. */
  agreement: number;
}

/** κ for the three weightings, over the same items. */
export interface Kappas {
  n: number;
  agreement: number;
  unweighted: Kappa;
  linear: Kappa;
  quadratic: Kappa;
}

function weight(i: number, j: number, k: number, w: KappaWeighting): number {
  if (w === "unweighted") return i === j ? 0 : 1;
  const d = Math.abs(i - j) / (k - 1);
  return w === "linear" ? d : d * d;
}

/**
 * κ of two equally long lists of paired ratings (position i = the same item), on `categories`
 * (ordered; default loss < tie < win). A rating outside the categories is an error.
 */
export function cohensKappa<C extends string = OrdinalVerdict>(
  a: readonly C[],
  b: readonly C[],
  weighting: KappaWeighting = "unweighted",
  categories: readonly C[] = ORDINAL_VERDICTS as unknown as readonly C[],
): Kappa {
  if (a.length !== b.length) throw new Error(`cohensKappa: the two raters' lists differ in length (${a.length} vs ${b.length}); pair them by item first`);
  const k = categories.length;
  const index = new Map(categories.map((c, i) => [c, i]));
  const n = a.length;
  if (n === 0) return { kappa: null, reason: "no item rated by both raters", n: 0, agreement: NaN };
  const counts = new Float64Array(k * k);
  for (let t = 0; t < n; t++) {
    const i = index.get(a[t]);
    const j = index.get(b[t]);
    if (i === undefined || j === undefined) {
      throw new Error(`cohensKappa: rating ${JSON.stringify(i === undefined ? a[t] : b[t])} at position ${t} is not one of ${categories.join(", ")}`);
    }
    counts[i * k + j]++;
  }
  const rows = new Float64Array(k);
  const cols = new Float64Array(k);
  let same = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      rows[i] += counts[i * k + j] / n;
      cols[j] += counts[i * k + j] / n;
    }
    same += counts[i * k + i];
  }
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weight(i, j, k, weighting);
      observed += (w * counts[i * k + j]) / n;
      expected += w * rows[i] * cols[j];
    }
  }
  const agreement = same / n;
  // Expected disagreement 0 ⇔ both marginals sit on one and the same category; then observed is 0 too.
  if (expected === 0) {
    return {
      kappa: null,
      reason: `both raters gave every one of the ${n} items the same single category (${categories[rows.findIndex((r) => r > 0)]}): chance agreement is 1, so κ is undefined`,
      n,
      agreement,
    };
  }
  return { kappa: 1 - observed / expected, n, agreement };
}

/** The three kappas of two raters keyed by item, over the items both rated. */
export function kappasByItem<C extends string = OrdinalVerdict>(a: ReadonlyMap<string, C>, b: ReadonlyMap<string, C>, categories?: readonly C[]): Kappas {
  const xs: C[] = [];
  const ys: C[] = [];
  for (const [item, v] of a) {
    const w = b.get(item);
    if (w !== undefined) {
      xs.push(v);
      ys.push(w);
    }
  }
  const unweighted = cohensKappa(xs, ys, "unweighted", categories);
  return {
    n: xs.length,
    agreement: unweighted.agreement,
    unweighted,
    linear: cohensKappa(xs, ys, "linear", categories),
    quadratic: cohensKappa(xs, ys, "quadratic", categories),
  };
}

// ---------------------------------------------------------------------------------------------
// Judge–human and human–human agreement

/** Mean of the defined κ over rater pairs (judge × each annotator, or each pair of annotators). */
export interface MeanKappa {
  unweighted: number | null;
  linear: number | null;
  quadratic: number | null;
  /** Rater pairs averaged (those with a defined quadratic κ), of `of`. */
  pairs: number;
  of: number;
  /** Set when no pair had a defined κ. */
  reason?: string;
}

export interface CriterionAgreement {
  criterion: string;
  annotators: string[];
  /** Items any annotator rated for this criterion. */
  items: number;
  /** Present when judge verdicts were given: κ of the judge with each annotator, and their mean. */
  judgeHuman?: { mean: MeanKappa; perAnnotator: Record<string, Kappas> };
  /** κ of every pair of annotators ("a × b"), and their mean. */
  humanHuman: { mean: MeanKappa; pairs: Record<string, Kappas> };
}

function meanKappa(ks: readonly Kappas[], none: string): MeanKappa {
  const avg = (w: KappaWeighting): number | null => {
    const v = ks.map((k) => k[w].kappa).filter((x): x is number => x !== null);
    return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
  };
  const defined = ks.filter((k) => k.quadratic.kappa !== null).length;
  const out: MeanKappa = { unweighted: avg("unweighted"), linear: avg("linear"), quadratic: avg("quadratic"), pairs: defined, of: ks.length };
  if (!ks.length) out.reason = none;
  else if (!defined) out.reason = `κ is undefined for every pair (${ks[0].quadratic.reason ?? "no shared item"})`;
  return out;
}

/**
 * Agreement per criterion, from criterion → annotator → item → verdict, and optionally the judge's
 * criterion → item → verdict. Means are unweighted over rater pairs with a defined κ (the paper's
 * "averaged over annotators"); every pair's own κ and item count are kept beside them.
 */
export function annotatorAgreement(
  humans: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, OrdinalVerdict>>>,
  judge?: ReadonlyMap<string, ReadonlyMap<string, OrdinalVerdict>>,
): CriterionAgreement[] {
  const out: CriterionAgreement[] = [];
  for (const [criterion, byAnnotator] of humans) {
    const annotators = [...byAnnotator.keys()].sort();
    const items = new Set<string>();
    for (const m of byAnnotator.values()) for (const i of m.keys()) items.add(i);
    const pairs: Record<string, Kappas> = {};
    for (let x = 0; x < annotators.length; x++) {
      for (let y = x + 1; y < annotators.length; y++)
        pairs[`${annotators[x]} × ${annotators[y]}`] = kappasByItem(byAnnotator.get(annotators[x])!, byAnnotator.get(annotators[y])!);
    }
    const row: CriterionAgreement = {
      criterion,
      annotators,
      items: items.size,
      humanHuman: { mean: meanKappa(Object.values(pairs), "one annotator only: no pair to compare"), pairs },
    };
    if (judge) {
      const j = judge.get(criterion) ?? new Map<string, OrdinalVerdict>();
      const perAnnotator: Record<string, Kappas> = {};
      for (const a of annotators) perAnnotator[a] = kappasByItem(j, byAnnotator.get(a)!);
      row.judgeHuman = { mean: meanKappa(Object.values(perAnnotator), "no annotator"), perAnnotator };
    }
    out.push(row);
  }
  return out;
}
