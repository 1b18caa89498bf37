/**
 * Results figures in the catalogue (see registry.ts), so `svlab figures` regenerates them. Inputs:
 * the runs under ctx.resultsDir on one split plus the baselines (always computable), so these
 * figures exist even before any LLM run. One analysis is shared by every results figure (ctx.memo).
 * Options read from ctx.options: `split` ("ood" default | "train"), `bootstrap` (default 1000),
 * `seed` (default 1), `level` (CI level, default 0.95), `compare` ([{before, after}] run ids or model specs).
 * The captions below are static (for --list); the rendered figures' titles carry the actual level.
 */
import type { Split } from "../benchmark/types";
import { analyseResults, type AnalysisOptions, type ResultsAnalysis } from "../analysis/results";
import { type FigureContext, registerFigure } from "./registry";
import {
  attributeFigureName,
  HEATMAP_STRATA,
  presetStratumAttributes,
  RESULTS_FIGURE_SIZES,
  resultsFigureSet,
  type MissingFigure,
  type NamedFigure,
} from "./results-figures";
import { BASELINE_NAMES, levelPercent, NATIONAL_MODE, slug, stratumLabel } from "../analysis/labels";
import { headlineMetrics, onMetricRegistered, type MetricInfo } from "../metrics/registry";

const NATIONAL = BASELINE_NAMES[NATIONAL_MODE];

/** The CI level the catalogue uses unless ctx.options.level says otherwise. */
const DEFAULT_LEVEL = 0.95;
const CI = `${levelPercent(DEFAULT_LEVEL)} by default, options.level`;

export function resultsFromContext(ctx: FigureContext): Promise<{ analysis: ResultsAnalysis; figures: Map<string, NamedFigure>; missing: MissingFigure[] }> {
  const split = (ctx.options.split as Split | undefined) ?? "ood";
  const key = `results:${split}:${ctx.resultsDir}:${String(ctx.options.level ?? DEFAULT_LEVEL)}`;
  return ctx.memo(key, async () => {
    const analysis = await analyseResults(await ctx.benchmark(), {
      split,
      results: ctx.resultsDir,
      bootstrap: (ctx.options.bootstrap as number | undefined) ?? 1000,
      seed: (ctx.options.seed as number | undefined) ?? 1,
      level: (ctx.options.level as number | undefined) ?? DEFAULT_LEVEL,
      compare: ctx.options.compare as AnalysisOptions["compare"],
    });
    const set = resultsFigureSet(analysis);
    return { analysis, figures: new Map(set.figures.map((f) => [f.name, f])), missing: set.missing };
  });
}

function register(name: string, title: string, caption: string, size: { width: number; height?: number }): void {
  registerFigure({
    name,
    stage: "results",
    title,
    caption,
    width: size.width,
    // No height: the spec's layout.height (the attribute figures grow with their panels).
    ...(size.height ? { height: size.height } : {}),
    // null (not drawn) when the analysis lacks what the figure needs: resultsFigureSet(a).missing says what.
    build: async (ctx) => (await resultsFromContext(ctx)).figures.get(name)?.spec ?? null,
    skipReason: (ctx) => resultsSkipReason(ctx, name),
  });
}

const S = RESULTS_FIGURE_SIZES;
register(
  "results-main",
  "Accuracy and NMAE per model with CIs; baselines as reference lines",
  `Bars: models with bootstrap CIs over questions (${CI}); dashed lines: the baselines. With no model run, the bars are the baselines.`,
  S["results-main"],
);
/** One per-attribute figure per headline metric: accuracy and NMAE now, a registered metric when it is registered. */
function registerAttributeFigure(m: MetricInfo): void {
  if (!m.headline) return;
  const caption =
    m.id === "accuracy"
      ? "One panel per attribute the split's subgroups have (no empty panels); a value pools the subgroups containing it."
      : `As results-attributes-accuracy, for ${m.label}.`;
  register(attributeFigureName(m.id), `${m.label} per attribute value, models beside the baselines`, caption, { width: S["results-attributes"].width });
}
for (const m of headlineMetrics()) registerAttributeFigure(m);
onMetricRegistered(registerAttributeFigure);
for (const s of HEATMAP_STRATA) {
  register(
    `results-heatmap-${slug(s)}`,
    `Accuracy per ${stratumLabel(s, presetStratumAttributes(s)).toLowerCase()} subgroup`,
    `The primary model (first LLM run; the ${NATIONAL} when there is none) on the fixed 0–1 accuracy scale; blank cells = no subgroup large enough.`,
    S["results-heatmap"],
  );
}
register(
  "results-model-vs-baseline",
  `Model vs the ${NATIONAL}, per subgroup`,
  `Each subgroup's accuracy for the first LLM run (y) against the ${NATIONAL} (x), both on the run's pairs. Not drawn without an LLM run.`,
  S["results-model-vs-baseline"],
);
register(
  "results-fairness",
  "Fairness: normalised range and CV for every headline metric (accuracy, NMAE, …), per model",
  `One bar per model in its colour, population σ; bootstrap CIs (${CI}); compared runs as before/after.`,
  S["results-fairness"],
);
register(
  "results-prompt-sensitivity",
  "Prompt sensitivity: accuracy per template, per LLM run",
  "Dots: one template each; bar: worst-to-best spread. Needs an LLM run with two or more templates (baselines use no prompt).",
  S["results-prompt-sensitivity"],
);

/**
 * Why a results figure is not drawn for this context (undefined when it is), e.g. "needs an LLM run
 * on the OOD split (svlab run --model SPEC --split ood)" — for callers that report skipped figures.
 */
export async function resultsSkipReason(ctx: FigureContext, name: string): Promise<string | undefined> {
  const r = await resultsFromContext(ctx);
  if (r.figures.has(name)) return undefined;
  return r.missing.find((m) => m.name === name)?.reason ?? `not drawn for the ${r.analysis.split.toUpperCase()} split`;
}
