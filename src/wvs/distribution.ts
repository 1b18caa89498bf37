/** Answer distributions of the respondents: overall or by a demographic attribute, weighted or not. */
import * as aq from "arquero";
import type { Respondents } from "./respondents";
import { getQuestion } from "./codebook";
import { getAttribute } from "./attributes";

export interface DistributionOptions {
  /** Attribute to break down by (e.g. "ethnicity"); absent = the whole sample. */
  by?: string;
  /** Weight by W_WEIGHT (the survey's design weight; it mirrors Singapore's age, sex and ethnic mix). */
  weighted?: boolean;
  /** Keep missing codes (-1 … -5) in the denominator and as rows (as the official WVS tables do). Default true. */
  includeMissing?: boolean;
}

export interface DistributionRow {
  question: string;
  /** Attribute value, or "All" without `by`. */
  group: string;
  code: number;
  label: string;
  /** Respondents (unweighted). */
  n: number;
  /** Share of the group, percent (weighted when asked). */
  percent: number;
}

/** Distribution rows for one question (codes ascending; missing codes last). */
export function answerDistribution(resp: Respondents, question: string, opts: DistributionOptions = {}): DistributionRow[] {
  const q = getQuestion(question);
  if (!resp.questions.includes(question)) throw new Error(`${resp.file}: no column ${question}`);
  if (opts.by) {
    getAttribute(opts.by);
    if (!resp.attributes.includes(opts.by as never)) throw new Error(`${resp.file}: attribute ${opts.by} cannot be derived from this file`);
  }
  const includeMissing = opts.includeMissing ?? true;
  const labels = new Map([...q.scale, ...q.offScale, ...q.missing].map((o) => [o.code, o.label]));
  const groupCol = opts.by ?? null;
  let t = resp.table.params({ q: question }).derive({ code: aq.escape((d: any) => d[question]) as any });
  t = t.derive({ group: groupCol ? aq.escape((d: any) => d[groupCol]) : (() => "All") } as any);
  if (!includeMissing) t = t.filter((d: any) => d.code >= 0);
  t = t.filter((d: any) => d.group != null);
  const w = opts.weighted ? "weight" : null;
  const cells = t
    .groupby("group", "code")
    .rollup({ n: aq.op.count(), w: w ? aq.op.sum(w) : aq.op.count() })
    .objects() as { group: string; code: number; n: number; w: number }[];
  const totals = new Map<string, number>();
  for (const c of cells) totals.set(c.group, (totals.get(c.group) ?? 0) + c.w);
  const order = (code: number): number => (code < 0 ? 1000 - code : code);
  return cells
    .map((c) => ({
      question,
      group: c.group,
      code: c.code,
      label: labels.get(c.code) ?? String(c.code),
      n: c.n,
      percent: (100 * c.w) / totals.get(c.group)!,
    }))
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : order(a.code) - order(b.code)));
}

export interface WeightingRow {
  /** Answer code (questions only). */
  code?: number;
  label: string;
  n: number;
  unweighted: number;
  weighted: number;
  /** weighted − unweighted, percentage points. */
  shift: number;
}

/**
 * Unweighted vs W_WEIGHT-weighted shares of one question's answers (or of an attribute's values:
 * pass an attribute name such as "ethnicity"). Shows what the survey weights change.
 */
export function compareWeighting(resp: Respondents, questionOrAttribute: string): WeightingRow[] {
  const isAttribute = resp.attributes.includes(questionOrAttribute as never);
  const col = resp.table.array(questionOrAttribute) as ArrayLike<number | string | null>;
  const weights = resp.table.array("weight") as ArrayLike<number>;
  const tally = new Map<number | string, { n: number; w: number }>();
  let n = 0;
  let wsum = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v == null) continue;
    const t = tally.get(v) ?? { n: 0, w: 0 };
    t.n++;
    t.w += weights[i];
    tally.set(v, t);
    n++;
    wsum += weights[i];
  }
  const labels = isAttribute
    ? null
    : new Map((({ scale, offScale, missing }) => [...scale, ...offScale, ...missing])(getQuestion(questionOrAttribute)).map((o) => [o.code, o.label]));
  const rows: WeightingRow[] = [...tally.entries()].map(([v, t]) => ({
    ...(isAttribute ? {} : { code: v as number }),
    label: labels ? (labels.get(v as number) ?? String(v)) : String(v),
    n: t.n,
    unweighted: (100 * t.n) / n,
    weighted: (100 * t.w) / wsum,
    shift: (100 * t.w) / wsum - (100 * t.n) / n,
  }));
  const order = (c: number): number => (c < 0 ? 1000 - c : c);
  return rows.sort((a, b) => (isAttribute ? b.n - a.n : order(a.code!) - order(b.code!)));
}

/** Shares (percent of valid answers, unweighted) of the whole sample from a benchmark's shipped counts. */
export function populationShares(population: Record<string, Record<string, number>>, question: string): { code: number; label: string; n: number; percent: number }[] {
  const counts = population[question];
  if (!counts) throw new Error(`no population counts for question ${question}`);
  const q = getQuestion(question);
  const labels = new Map([...q.scale, ...q.offScale].map((o) => [o.code, o.label]));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return Object.entries(counts).map(([c, k]) => ({ code: Number(c), label: labels.get(Number(c)) ?? c, n: k, percent: (100 * k) / total }));
}
