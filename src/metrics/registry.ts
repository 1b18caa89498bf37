/**
 * The metric registry: every per-pair metric svlab knows, built-in or registered by a user. A metric
 * is a per-pair value (undefined where it does not exist for a pair) and a reducer that turns the
 * sum and count of those values over a group of pairs into the group's score (default: the mean).
 * Because every reducer reads only (sum, count), per-group frames, macro averages, disparity, the
 * clustered bootstrap and the permutation tests are one code path for every metric, and resampling
 * stays a weighted sum (fast). A reducer over whole value lists (a median) does not fit this shape.
 *
 * Headline metrics (accuracy, NMAE, and every registered metric unless it says otherwise) are the
 * ones `svlab evaluate`, the report and the per-group figures loop over; the other built-ins
 * (parse and refusal rates, distribution metrics) are diagnostics, read by name.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { PairScore } from "./score";

export type BuiltInMetric = "accuracy" | "nmae" | "parsed" | "refused" | "invalid" | "w1" | "jsd" | "jsDistance" | "expectedNmae" | "validMass";
/** A registered metric's id: a built-in one or any registered string. */
export type MetricName = BuiltInMetric | (string & {});

export interface MetricDefinition {
  /** Id used in JSON keys, options and figure names (letters, digits, "-" and "_"). */
  id: string;
  /** Short display name ("Accuracy", "NMAE"). */
  label: string;
  /** One line for tables and notebooks: what the per-pair value is. */
  description: string;
  /** Which way is better. */
  direction: "higher" | "lower";
  /** The values the metric can take, for axes and colour scales. */
  range: [number, number];
  /** The score of a perfect model (skill scores measure the way from a baseline to it). Default: the best end of range. */
  perfect?: number;
  /** Unit of the values, said in axis titles when not a plain share (e.g. "scale points"). */
  unit?: string;
  /** The per-pair value; undefined or NaN where the metric does not exist for that pair. */
  value: (s: PairScore) => number | undefined;
  /** The group score from the sum and count of per-pair values (default: sum / count, the mean). */
  reduce?: (sum: number, count: number) => number;
  /** Looped over by evaluate, the report and the per-group figures (default true; built-in diagnostics false). */
  headline?: boolean;
}

/** A registered metric, defaults filled in. */
export interface MetricInfo extends Required<Omit<MetricDefinition, "unit" | "reduce">> {
  name: string;
  unit?: string;
  higherIsBetter: boolean;
  /** The reducer, or undefined for the plain mean (the fast path). */
  reduce?: (sum: number, count: number) => number;
  builtIn: boolean;
  /** The PairScore field of a built-in metric. */
  field?: keyof PairScore;
}

/** The mean, NaN for no pairs. */
export function meanOf(sum: number, count: number): number {
  return sum / count;
}

/** A group's score from the sum and count of its per-pair values. */
export function reduceWith(m: MetricInfo, sum: number, count: number): number {
  return m.reduce ? m.reduce(sum, count) : sum / count;
}

// One registry per process, even if this module is loaded twice (the CLI through tsx's ESM loader,
// a notebook through CommonJS, a user's metric module through either).
const STORE = ((globalThis as Record<symbol, unknown>)[Symbol.for("svlab.metric-registry")] ??= {
  metrics: new Map<string, MetricInfo>(),
  listeners: [] as Array<(m: MetricInfo) => void>,
}) as { metrics: Map<string, MetricInfo>; listeners: Array<(m: MetricInfo) => void> };
const REGISTRY = STORE.metrics;
const listeners = STORE.listeners;

function fieldMetric(
  id: BuiltInMetric,
  field: keyof PairScore,
  label: string,
  description: string,
  direction: "higher" | "lower",
  headline: boolean,
): MetricInfo {
  const higher = direction === "higher";
  return {
    id,
    name: id,
    label,
    description,
    direction,
    range: [0, 1],
    perfect: higher ? 1 : 0,
    higherIsBetter: higher,
    headline,
    builtIn: true,
    field,
    value: (s) => {
      const v = s[field];
      return typeof v === "number" ? v : undefined;
    },
  };
}

for (const m of [
  fieldMetric("accuracy", "correct", "Accuracy", "share of pairs whose predicted code equals the subgroup's modal code", "higher", true),
  fieldMetric("nmae", "error", "NMAE", "mean |pos(pred) − pos(mode)| / (K − 1); unparseable/refused = 1", "lower", true),
  fieldMetric("parsed", "parsed", "Parsed", "share of pairs with a parsed answer code", "higher", false),
  fieldMetric("refused", "refused", "Refused", "share of pairs the model refused", "lower", false),
  fieldMetric("invalid", "invalid", "Invalid code", "share of pairs whose parsed code is not an answer option", "lower", false),
  fieldMetric("w1", "w1", "W1 (norm.)", "Wasserstein-1 on the ordinal scale / (K − 1), model vs subgroup distribution", "lower", false),
  fieldMetric("jsd", "jsd", "JSD (base 2)", "Jensen–Shannon divergence, log base 2, no square root", "lower", false),
  fieldMetric("jsDistance", "jsDistance", "JS distance", "sqrt of the base-2 Jensen–Shannon divergence", "lower", false),
  fieldMetric("expectedNmae", "expectedError", "Expected NMAE", "NMAE expected when sampling from the model's distribution", "lower", false),
  fieldMetric("validMass", "validMass", "Valid mass", "probability the model put on valid answer codes", "higher", false),
])
  if (!REGISTRY.get(m.id)?.builtIn) REGISTRY.set(m.id, m);

/**
 * Register a per-pair metric. It then appears wherever metrics are looped over (if headline):
 * evaluate's JSON (value, macro, CI, disparity with CI), the report's tables, the per-group figures.
 * An id already registered is an error unless `replace` (built-ins cannot be replaced).
 */
export function registerMetric(def: MetricDefinition, opts: { replace?: boolean } = {}): MetricInfo {
  const where = `registerMetric(${JSON.stringify(def?.id)})`;
  if (typeof def?.id !== "string" || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(def.id))
    throw new Error(`${where}: id must start with a letter and hold only letters, digits, "-" and "_"`);
  const old = REGISTRY.get(def.id);
  if (old?.builtIn) throw new Error(`${where}: "${def.id}" is a built-in metric; choose another id`);
  if (old && !opts.replace) throw new Error(`${where}: "${def.id}" is already registered (pass { replace: true } to redefine it)`);
  if (typeof def.value !== "function") throw new Error(`${where}: value must be a function (pair score → number | undefined)`);
  if (def.direction !== "higher" && def.direction !== "lower")
    throw new Error(`${where}: direction must be "higher" or "lower", got ${JSON.stringify(def.direction)}`);
  const [lo, hi] = def.range ?? [];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi))
    throw new Error(`${where}: range must be [lo, hi] with finite lo < hi, got ${JSON.stringify(def.range)}`);
  if (def.reduce !== undefined && typeof def.reduce !== "function") throw new Error(`${where}: reduce must be a function (sum, count) → number`);
  if (!def.label) throw new Error(`${where}: label is required`);
  const higher = def.direction === "higher";
  const info: MetricInfo = {
    id: def.id,
    name: def.id,
    label: def.label,
    description: def.description ?? "",
    direction: def.direction,
    range: [lo, hi],
    perfect: def.perfect ?? (higher ? hi : lo),
    unit: def.unit,
    value: def.value,
    reduce: def.reduce,
    headline: def.headline ?? true,
    higherIsBetter: higher,
    builtIn: false,
  };
  REGISTRY.set(info.id, info);
  for (const l of listeners) l(info);
  return info;
}

/** Remove a registered (not built-in) metric; false when it was not registered. */
export function unregisterMetric(id: string): boolean {
  const m = REGISTRY.get(id);
  if (!m) return false;
  if (m.builtIn) throw new Error(`unregisterMetric("${id}"): built-in metrics stay`);
  return REGISTRY.delete(id);
}

export function metricInfo(name: string): MetricInfo {
  const m = REGISTRY.get(name);
  if (!m) throw new Error(`unknown metric "${name}"; expected one of ${[...REGISTRY.keys()].join(", ")}`);
  return m;
}

export function isMetric(name: string): boolean {
  return REGISTRY.has(name);
}

/** Every registered metric id, built-ins first, in registration order. */
export function metricIds(): string[] {
  return [...REGISTRY.keys()];
}

/** The headline metrics (accuracy, NMAE, then registered ones), in registration order. */
export function headlineMetrics(): MetricInfo[] {
  return [...REGISTRY.values()].filter((m) => m.headline);
}

/** Call `listener` for every metric registered from now on (e.g. to add its figures to a catalogue). */
export function onMetricRegistered(listener: (m: MetricInfo) => void): void {
  listeners.push(listener);
}

/**
 * Load modules that register metrics (each calls registerMetric when imported): `--metrics FILE`
 * of evaluate, report and figures. A module that registers nothing is an error naming it.
 */
export async function loadMetricModules(files: readonly string[], cwd = process.cwd()): Promise<MetricInfo[]> {
  const added: MetricInfo[] = [];
  for (const f of files) {
    const path = resolve(cwd, f);
    if (!existsSync(path)) throw new Error(`--metrics ${f}: no such file (expected a .ts or .js module that calls registerMetric from src/metrics/registry)`);
    const before = new Set(REGISTRY.keys());
    await import(pathToFileURL(path).href);
    const now = [...REGISTRY.values()].filter((m) => !before.has(m.id));
    if (!now.length)
      throw new Error(`--metrics ${f}: the module registered no metric (expected a call to registerMetric({ id, label, direction, range, value }))`);
    added.push(...now);
  }
  return added;
}
