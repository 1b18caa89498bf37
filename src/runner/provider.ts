/**
 * The runner's bridge to src/models: turn a spec into a Provider, its price function and cache
 * identity — all read from the provider registry, so the grid and the dry run agree.
 */
import { cacheIdentity, createProvider, priceFor, type ProviderContext } from "../models/registry";
import type { Provider } from "../models/types";

export { cacheIdentity, priceFor };

/** A Provider as given, or one made from its spec (baselines get the benchmark). */
export async function resolveProvider(model: string | Provider, ctx: ProviderContext = {}): Promise<Provider> {
  if (typeof model !== "string") return model;
  return createProvider(model, ctx);
}
