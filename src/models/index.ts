/** Model providers (LLMs and baselines), answer parsing and prices. */
export * from "./types";
export {
  createProvider,
  PROVIDER_SPECS,
  PROVIDER_KINDS,
  kindOf,
  parseSpec,
  priceFor,
  cacheIdentity,
  providerLabel,
  isBaselineSpec,
  providerHelp,
  providerTable,
  providersMarkdown,
  specSummary,
} from "./registry";
export type { ProviderContext, ProviderKind, ParsedSpec, ProviderRow } from "./registry";
export { parseAnswer, isRefusal, answerFromReply, OPEN_ENDED } from "./parse-answer";
export type { ParsedAnswer, ParseMethod } from "./parse-answer";
export { BATCH_DISCOUNT, priceIn, costIn } from "./pricing";
export type { ModelPrice, PriceTable } from "./pricing";
export { OPENAI_PRICES, OPENAI_PRICE_TABLE, PRICES_AS_OF, priceOf, costOf } from "./providers/openai";
export { ANTHROPIC_PRICE_TABLE } from "./providers/anthropic";
export { normaliseOverCodes, argmaxCode } from "./distribution";
export { createBaselineProvider, PRODUCT_SMOOTHING, BASELINE_NAMES } from "./baselines";
export { distributionFromLogprobs, toProviderError } from "./openai-chat";
export { retryAfterSeconds } from "./http-errors";
