/**
 * `baseline:NAME` — the baselines (src/models/baselines.ts), computed from the benchmark: no key,
 * no price, never cached (they are instant).
 */
import { BASELINE_NAMES, createBaselineProvider } from "../baselines";
import { redactURL } from "../base-url";
import { specRest, type ProviderKind } from "./kind";

export const baselineKind: ProviderKind = {
  prefixes: ["baseline"],
  specs: ["baseline:population-mode", "baseline:attribute-mode:ATTR", "baseline:attribute-product", "baseline:uniform"],
  help: `baselines from the benchmark's counts: ${BASELINE_NAMES.join(", ")} (no key; exact distributions)`,
  priceNote: "local: free",
  capabilities: { distribution: true, batch: false, json: false, seed: false },
  parse(spec) {
    const model = specRest(spec);
    const name = model.split(":")[0];
    if (!(BASELINE_NAMES as readonly string[]).includes(name)) {
      throw new Error(`unknown baseline "${redactURL(spec)}": expected ${this.specs.join(", ")}`);
    }
    return { kind: "baseline", model };
  },
  async create(spec, ctx) {
    return createBaselineProvider(spec, ctx.benchmark);
  },
  cacheIdentity: (spec) => ({ id: spec }),
  /** "baseline:attribute-mode:religion" → "religion mode"; figures give the named ones their own words. */
  label(spec) {
    const rest = specRest(spec);
    const attr = /^attribute-mode:(.+)$/.exec(rest);
    return attr ? `${attr[1].replace(/_/g, " ")} mode` : rest.replace(/[-_]/g, " ");
  },
};
