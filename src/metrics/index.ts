/** Public API of svlab's metrics: scoring, averages, per-group frames, disparity, uncertainty, comparisons. */
export * from "./ordinal";
export * from "./score";
export * from "./registry";
export { micro, macro, macroMean, skill, summarise, type Summary } from "./aggregate";
export * from "./disparity";
export * from "./frame";
export * from "./bootstrap";
export * from "./permutation";
export * from "./compare";
export { seededRandom, populationSd, quantile, pearson, spearman } from "./stats";
export * from "./evaluate";
export * from "./outcomes";
export * from "./noise-floor";
export * from "./label-stability";
export * from "./gap-test";
