/**
 * OpenAI list prices (USD per 1M tokens, standard tier) for the runner's dry-run estimate and
 * per-answer cost, as of PRICES_AS_OF. The gpt-4.1 family and gpt-4o / gpt-4o-mini (the paper's
 * models) were cross-checked in 2026-11 against public price listings from 2026-05; the others are
 * the list prices of the date. Prices change — check before budgeting a large run; models not
 * listed get no cost (never a guess). The Batch API costs half (BATCH_DISCOUNT).
 */
export const PRICES_AS_OF = "2025-08-07";
export const BATCH_DISCOUNT = 0.5;

export interface ModelPrice {
  /** USD per 1M input tokens. */
  input: number;
  /** USD per 1M cached input tokens, when OpenAI lists one. */
  cachedInput?: number;
  /** USD per 1M output tokens. */
  output: number;
}

export const OPENAI_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
  "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  "o3": { input: 2, cachedInput: 0.5, output: 8 },
  "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "gpt-4-turbo": { input: 10, output: 30 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
});

/**
 * Price of a model name, also for dated snapshots ("gpt-4.1-2025-04-14" → "gpt-4.1");
 * undefined for unknown models (cost is then left unknown, never guessed).
 */
export function priceOf(model: string): ModelPrice | undefined {
  const m = model.replace(/^openai\//, "");
  if (OPENAI_PRICES[m]) return OPENAI_PRICES[m];
  const undated = m.replace(/-\d{4}-\d{2}-\d{2}$/, "");
  return OPENAI_PRICES[undated];
}

/** USD for the given token counts, or undefined when the model has no known price. */
export function costOf(model: string, inputTokens: number, outputTokens: number, opts: { batch?: boolean } = {}): number | undefined {
  const p = priceOf(model);
  if (!p) return undefined;
  const usd = (inputTokens * p.input + outputTokens * p.output) / 1e6;
  return opts.batch ? usd * BATCH_DISCOUNT : usd;
}
