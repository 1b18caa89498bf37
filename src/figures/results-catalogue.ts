/**
 * Results figures in the catalogue (see registry.ts), so `svlab figures` regenerates them. Inputs:
 * the runs under ctx.resultsDir on one split plus the baselines (always computable), so these
 * figures exist even before any LLM run. One analysis is shared by every results figure (ctx.memo).
 * Options read from ctx.options: `split` ("ood" default | "train"), `bootstrap` (default 1000),
 * `seed` (default 1), `level` (CI level, default 0.95), `compare` ([{before, after}] run ids or model specs).
 * The captions below are static (for --list); the rendered figures' titles carry the actual level.
 */
import type { Split } from "../benchmark/types";
import { analyseResults, type AnalysisOptions, type ResultsAnalysis } from "../report/analysis";
import { type FigureContext, registerFigure } from "./registry";
import { HEATMAP_STRATA, resultsFigures, type NamedFigure } from "./results-figures";
import { levelPercent, slug, stratumLabel } from "./results-labels";

/** The CI level the catalogue uses unless ctx.options.level says otherwise. */
const DEFAULT_LEVEL = 0.95;
const CI = `${levelPercent(DEFAULT_LEVEL)} by default, options.level`;

export function resultsFromContext(ctx: FigureContext): Promise<{ analysis: ResultsAnalysis; figures: Map<string, NamedFigure> }> {
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
    return { analysis, figures: new Map(resultsFigures(analysis).map((f) => [f.name, f])) };
  });
}

function register(name: string, title: string, caption: string, width: number, height: number): void {
  registerFigure({
    name,
    stage: "results",
    title,
    caption,
    width,
    height,
    build: async (ctx) => (await resultsFromContext(ctx)).figures.get(name)?.spec ?? null,
  });
}

register("results-main", "Accuracy and NMAE per model with CIs; baselines as reference lines", `Micro averages over pairs, bootstrap CIs over questions (${CI}); dashed lines: baselines.`, 1000, 520);
register("results-attributes-accuracy", "Accuracy per attribute value, models beside the baselines", "One panel per attribute (sex, age group, ethnicity, religion); values pool the subgroups containing them.", 1100, 800);
register("results-attributes-nmae", "NMAE per attribute value, models beside the baselines", "As results-attributes-accuracy, for NMAE.", 1100, 800);
for (const s of HEATMAP_STRATA) {
  register(`results-heatmap-${slug(s)}`, `Accuracy per ${stratumLabel(s)} subgroup`, "The primary model (first LLM run; a baseline when none); blank cells = no subgroup with ≥ 30 respondents.", 900, 560);
}
register("results-model-vs-baseline", "Model vs national-mode baseline, per subgroup", "Each subgroup's accuracy for the primary model (y) against the national mode (x), both on the model's pairs; the diagonal = no better than the baseline.", 800, 700);
register("results-fairness", "Fairness: normalised range and CV for accuracy and NMAE, per model and run", `Population σ; bootstrap CIs (${CI}); before/after bars for compared runs.`, 1100, 760);
register("results-prompt-sensitivity", "Prompt sensitivity: accuracy per template, per model", "Dots: one template each; bar: min–max spread.", 900, 520);
