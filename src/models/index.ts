/** Model providers (LLMs and baselines), answer parsing and prices. */
export * from "./types";
export { createProvider, PROVIDER_SPECS } from "./registry";
export type { ProviderContext } from "./registry";
export { parseAnswer, isRefusal } from "./parse-answer";
export type { ParsedAnswer, ParseMethod } from "./parse-answer";
export { OPENAI_PRICES, PRICES_AS_OF, BATCH_DISCOUNT, priceOf, costOf } from "./pricing";
export type { ModelPrice } from "./pricing";
export { normaliseOverCodes, argmaxCode } from "./distribution";
export { createBaselineProvider, PRODUCT_SMOOTHING, BASELINE_NAMES } from "./baselines";
export { distributionFromLogprobs, retryAfterSeconds, toProviderError } from "./openai-chat";
