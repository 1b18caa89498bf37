/**
 * List prices (USD per 1M tokens) and what they cost. Each provider kind keeps its own table with
 * its source and date (src/models/providers/*.ts); this file only knows how to read one. Models not
 * in a table get no cost (never a guess). Prices change — check the source before budgeting a run.
 */

/** Batch APIs (OpenAI Batch, Anthropic Message Batches) cost half the online price. */
export const BATCH_DISCOUNT = 0.5;

export interface ModelPrice {
  /** USD per 1M input tokens. */
  input: number;
  /** USD per 1M cached input tokens, when the provider lists one. */
  cachedInput?: number;
  /** USD per 1M output tokens. */
  output: number;
}

/** One provider's list prices, with where and when they were read. */
export interface PriceTable {
  /** The page the prices were read from. */
  source: string;
  /** When they were read (YYYY-MM-DD). */
  asOf: string;
  /** Standard tier, per model name. */
  models: Readonly<Record<string, ModelPrice>>;
  /** Dated snapshot → the listed name ("gpt-4.1-2025-04-14" → "gpt-4.1"); default: no change. */
  undated?: (model: string) => string;
}

/** The price of a model in a table, also for dated snapshots; undefined when not listed. */
export function priceIn(table: PriceTable, model: string): ModelPrice | undefined {
  if (table.models[model]) return table.models[model];
  return table.undated ? table.models[table.undated(model)] : undefined;
}

/** USD for the given token counts, or undefined when the model has no listed price. */
export function costIn(table: PriceTable, model: string, inputTokens: number, outputTokens: number, opts: { batch?: boolean } = {}): number | undefined {
  const p = priceIn(table, model);
  if (!p) return undefined;
  const usd = (inputTokens * p.input + outputTokens * p.output) / 1e6;
  return opts.batch ? usd * BATCH_DISCOUNT : usd;
}
