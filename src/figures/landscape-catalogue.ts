/**
 * Landscape figures in the catalogue (see registry.ts). Inputs: the benchmark only, so these are
 * always available (shipped aggregates when there is no microdata).
 * Options read from ctx.options: `strata` ("all" | "train" | "ood" | string[]) and `question`
 * (the heatmap's question; default: the question with the largest MDS × W1, i.e. divisive both in the
modal answer and in the whole distribution — MDS alone can be topped by 50/50 items whose modes flip).
 */
import { answerShares, computeLandscape, type Landscape, type LandscapeOptions } from "../benchmark/landscape";
import { answerHeatmapFigure, mdsByCategoryFigure, questionMdsFigure } from "./landscape";
import { type FigureContext, registerFigure } from "./registry";

export function landscapeFromContext(ctx: FigureContext): Promise<Landscape> {
  const strata = (ctx.options.strata as LandscapeOptions["strata"]) ?? "all";
  return ctx.memo(`landscape:${JSON.stringify(strata)}`, async () => computeLandscape(await ctx.benchmark(), { strata }));
}

/** The question most divisive on both measures (largest MDS × W1); ties by id order. */
export function defaultHeatmapQuestion(L: Landscape): string | undefined {
  let best: { q: string; v: number } | undefined;
  for (const q of L.questions) {
    const v = q.mds * (q.w1 ?? 0);
    if (!best || v > best.v) best = { q: q.question, v };
  }
  return best?.q;
}

registerFigure({
  name: "landscape-mds-by-category",
  stage: "landscape",
  title: "Modal Diversity Score by WVS-7 category, with the Wasserstein cross-check",
  caption: "Mean MDS per category (± SE over questions) beside the mean pairwise W1 between subgroup answer distributions; diamonds: the paper's values.",
  build: async (ctx) => mdsByCategoryFigure(await landscapeFromContext(ctx)),
});

registerFigure({
  name: "landscape-question-mds",
  stage: "landscape",
  title: "Question-level Modal Diversity Score by category",
  caption: "Each point is one question's MDS (mean over strata); boxes show the spread within each category.",
  build: async (ctx) => questionMdsFigure(await landscapeFromContext(ctx)),
});

registerFigure({
  name: "landscape-answer-heatmap",
  stage: "landscape",
  title: "Answer shares per subgroup for one question",
  caption: "Subgroups × answer options for the chosen question (default: largest MDS × W1); colour = % of the subgroup; outlined = modal answer.",
  build: async (ctx) => {
    const L = await landscapeFromContext(ctx);
    const question = (ctx.options.question as string | undefined) ?? defaultHeatmapQuestion(L);
    if (!question) return null;
    return answerHeatmapFigure(answerShares(await ctx.benchmark(), question, L.options.strata));
  },
});
