/**
 * Figure export speed: Chromium launch + plotly load (once), then the first figure vs later figures
 * through the same page, vs a fresh page per figure (what we avoid). Figures: the three landscape
 * figures (real benchmark) and a small bar chart; each rendered to SVG + PNG.
 * `node --import tsx bench/figures.ts` prints the numbers; `run()` returns them.
 */
import { fileURLToPath } from "node:url";
import { answerShares, computeLandscape } from "../src/benchmark/landscape";
import { loadBenchmark } from "../src/benchmark/load";
import { answerHeatmapFigure, mdsByCategoryFigure, questionMdsFigure } from "../src/figures/landscape";
import { createRenderer } from "../src/figures/render";
import type { FigureSpec } from "../src/figures/spec";

export interface FiguresBench {
  /** Chromium launch + new page + plotly bundle loaded. */
  startupMs: number;
  /** First figure through the fresh page (plotly warms up). */
  firstFigureMs: number;
  /** Each later figure through the same page: [name, ms] in order. */
  reusedMs: Array<[string, number]>;
  reusedMedianMs: number;
  /** N figures with one page: startup + all renders. */
  onePageTotalMs: number;
  /** Same N figures, a new renderer (browser + page + plotly) per figure, measured on 2 and extrapolated. */
  pagePerFigureEstimateMs: number;
  figures: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number) => Math.round(x);

export async function run(): Promise<FiguresBench> {
  const b = await loadBenchmark();
  const L = computeLandscape(b);
  const bar: FigureSpec = { data: [{ type: "bar", x: ["a", "b", "c"], y: [1, 3, 2] }], layout: { title: { text: "bar" } } };
  const specs: Array<[string, FigureSpec]> = [
    ["bar", bar],
    ["landscape-mds-by-category", mdsByCategoryFigure(L)],
    ["landscape-question-mds", questionMdsFigure(L)],
    ["landscape-answer-heatmap(all 98 subgroups)", answerHeatmapFigure(answerShares(b, "Q171"))],
    ["landscape-answer-heatmap(train strata)", answerHeatmapFigure(answerShares(b, "Q6", ["sex", "age_group", "ethnicity", "religion"]))],
    ["bar(again)", bar],
    ["landscape-mds-by-category(again)", mdsByCategoryFigure(L)],
  ];

  const t0 = performance.now();
  const r = await createRenderer();
  const startupMs = r.startupMs;
  let t = performance.now();
  await r.render(specs[0][1]);
  const firstFigureMs = performance.now() - t;
  const reusedMs: Array<[string, number]> = [];
  for (const [name, spec] of specs.slice(1)) {
    t = performance.now();
    await r.render(spec);
    reusedMs.push([name, ms(performance.now() - t)]);
  }
  const onePageTotalMs = performance.now() - t0;
  await r.close();

  // What a renderer per figure would cost: two fresh renderers, one figure each.
  const fresh: number[] = [];
  for (let i = 0; i < 2; i++) {
    t = performance.now();
    const r2 = await createRenderer();
    await r2.render(bar);
    await r2.close();
    fresh.push(performance.now() - t);
  }
  return {
    startupMs: ms(startupMs),
    firstFigureMs: ms(firstFigureMs),
    reusedMs,
    reusedMedianMs: ms(median(reusedMs.map(([, x]) => x))),
    onePageTotalMs: ms(onePageTotalMs),
    pagePerFigureEstimateMs: ms(median(fresh) * specs.length),
    figures: specs.length,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await run(), null, 2));
}
