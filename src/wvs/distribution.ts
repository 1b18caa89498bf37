/** Answer distributions of the respondents: overall or by a demographic attribute, weighted or not. */
import type { Respondents } from "./respondents";
import { getQuestion } from "./codebook";
import { getAttribute } from "./attributes";
import type { Question } from "./types";

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

/** Sort key for answer codes: substantive codes ascending, then missing codes -1, -2, … */
export function codeOrder(code: number): number {
  return code < 0 ? 1000 - code : code;
}

/** Respondents and summed weights per (group, value): the one tally behind every distribution here. */
function tally(
  values: ArrayLike<number | string | null>,
  weights: ArrayLike<number>,
  groups: ArrayLike<string | null> | null,
  keep: (v: number | string) => boolean = () => true,
): Map<string, Map<number | string, { n: number; w: number }>> {
  const out = new Map<string, Map<number | string, { n: number; w: number }>>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const g = groups ? groups[i] : "All";
    if (v == null || g == null || !keep(v)) continue;
    let m = out.get(g);
    if (!m) out.set(g, (m = new Map()));
    const t = m.get(v);
    if (t) {
      t.n++;
      t.w += weights[i];
    } else m.set(v, { n: 1, w: weights[i] });
  }
  return out;
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
  const codes = resp.table.array(question) as ArrayLike<number>;
  const weights = resp.table.array("weight") as ArrayLike<number>;
  const groups = opts.by ? (resp.table.array(opts.by) as ArrayLike<string | null>) : null;
  const rows: DistributionRow[] = [];
  for (const [group, cells] of tally(codes, weights, groups, (v) => includeMissing || (v as number) >= 0)) {
    let total = 0;
    for (const c of cells.values()) total += opts.weighted ? c.w : c.n;
    for (const [code, c] of cells) {
      const k = code as number;
      rows.push({ question, group, code: k, label: labels.get(k) ?? String(k), n: c.n, percent: (100 * (opts.weighted ? c.w : c.n)) / total });
    }
  }
  return rows.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : codeOrder(a.code) - codeOrder(b.code)));
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
  if (!isAttribute && !resp.questions.includes(questionOrAttribute)) {
    throw new Error(`${resp.file}: "${questionOrAttribute}" is neither a question column nor an attribute (${resp.attributes.join(", ")})`);
  }
  const cells =
    tally(resp.table.array(questionOrAttribute) as ArrayLike<number | string | null>, resp.table.array("weight") as ArrayLike<number>, null).get("All") ??
    new Map();
  let n = 0;
  let wsum = 0;
  for (const c of cells.values()) {
    n += c.n;
    wsum += c.w;
  }
  const labels = isAttribute
    ? null
    : new Map((({ scale, offScale, missing }) => [...scale, ...offScale, ...missing])(getQuestion(questionOrAttribute)).map((o) => [o.code, o.label]));
  const rows: WeightingRow[] = [...cells.entries()].map(([v, t]) => ({
    ...(isAttribute ? {} : { code: v as number }),
    label: labels ? (labels.get(v as number) ?? String(v)) : String(v),
    n: t.n,
    unweighted: (100 * t.n) / n,
    weighted: (100 * t.w) / wsum,
    shift: (100 * t.w) / wsum - (100 * t.n) / n,
  }));
  return rows.sort((a, b) => (isAttribute ? b.n - a.n : codeOrder(a.code!) - codeOrder(b.code!)));
}

/** Shares (percent of valid answers, unweighted) of the whole sample from a benchmark's shipped counts. */
export function populationShares(
  population: Record<string, Record<string, number>>,
  question: string,
): { code: number; label: string; n: number; percent: number }[] {
  const counts = population[question];
  if (!counts) throw new Error(`no population counts for question ${question}`);
  const q = getQuestion(question);
  const labels = new Map([...q.scale, ...q.offScale].map((o) => [o.code, o.label]));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return Object.entries(counts).map(([c, k]) => ({ code: Number(c), label: labels.get(Number(c)) ?? c, n: k, percent: (100 * k) / total }));
}

/** The column name of an answer code in a wide table: "1 Never justifiable", "2", …, "10 Always justifiable". */
export function answerColumn(q: Pick<Question, "scale" | "offScale" | "missing">, code: number): string {
  const label = [...q.scale, ...q.offScale, ...q.missing].find((o) => o.code === code)?.label;
  return label === undefined || label === String(code) ? String(code) : `${code} ${label}`;
}

/**
 * A table whose column order matters (answer codes "1" … "10" as object keys would be reordered by
 * JavaScript): column names and one array of values per row. showTable() shows it as it is.
 */
export interface ColumnTable {
  columns: string[];
  values: (string | number)[][];
}

/**
 * Distribution rows (one per group × code) → one row per group: the group (column `groupColumn`,
 * e.g. "religion"), its answers (n), then the % of the group giving each answer code (`digits`
 * decimals, default 0), in the question's scale order, then off-scale and missing codes present;
 * codes nobody in a group gave are 0. Groups keep their first-seen order. `minN` leaves out groups
 * with fewer answers (a tiny group's shares come close to showing individual respondents' answers).
 */
export function wideShares(
  rows: readonly Pick<DistributionRow, "group" | "code" | "n" | "percent">[],
  question: string,
  groupColumn: string,
  opts: { digits?: number; minN?: number } = {},
): ColumnTable {
  const q = getQuestion(question);
  const digits = opts.digits ?? 0;
  const round = (x: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
  const scaleCodes = q.scale.map((o) => o.code);
  const seen = [...new Set(rows.map((r) => r.code))].filter((c) => !scaleCodes.includes(c)).sort((a, b) => codeOrder(a) - codeOrder(b));
  const codes = [...scaleCodes, ...seen];
  const groups = new Map<string, { n: number; pct: Map<number, number> }>();
  for (const r of rows) {
    let g = groups.get(r.group);
    if (!g) groups.set(r.group, (g = { n: 0, pct: new Map() }));
    g.n += r.n;
    g.pct.set(r.code, (g.pct.get(r.code) ?? 0) + r.percent);
  }
  return {
    columns: [groupColumn, "n", ...codes.map((c) => answerColumn(q, c))],
    values: [...groups].filter(([, g]) => g.n >= (opts.minN ?? 0)).map(([group, g]) => [group, g.n, ...codes.map((c) => round(g.pct.get(c) ?? 0))]),
  };
}

/** One question's answers by an attribute as a wide table (% of each group; see answerDistribution for the options). */
export function answerSharesTable(
  resp: Respondents,
  question: string,
  opts: DistributionOptions & { by: string; digits?: number; minN?: number },
): ColumnTable {
  return wideShares(answerDistribution(resp, question, opts), question, opts.by, { digits: opts.digits, minN: opts.minN });
}
