/**
 * The provider registry: one ProviderKind per spec prefix (src/models/providers/*.ts) and one list of
 * them. Everything that depends on the provider — creating it, prices, cache identity, labels, batch
 * support, help texts — asks here, so a new provider is one file plus one line in PROVIDER_KINDS.
 */
import { redactURL } from "./base-url";
import { costIn } from "./pricing";
import { anthropicKind } from "./providers/anthropic";
import { baselineKind } from "./providers/baseline";
import { modelNameOf, specRest, type BatchTarget, type ParsedSpec, type ProviderContext, type ProviderKind } from "./providers/kind";
import { llamaKind } from "./providers/llama";
import { openaiKind } from "./providers/openai";
import { openaiCompatibleKind } from "./providers/openai-compatible";
import type { Provider, Usage } from "./types";

export type { BatchTarget, ParsedSpec, ProviderContext, ProviderKind };

/** Every provider kind, in the order help texts list them. */
export const PROVIDER_KINDS: readonly ProviderKind[] = [openaiKind, openaiCompatibleKind, anthropicKind, llamaKind, baselineKind];

/** The spec forms createProvider understands, for help texts. */
export const PROVIDER_SPECS: readonly string[] = PROVIDER_KINDS.flatMap((k) => k.specs);

/** The kind of a spec ("openai:gpt-4.1" → the openai kind), or undefined for an unknown prefix. */
export function kindOf(spec: string): ProviderKind | undefined {
  const i = spec.indexOf(":");
  if (i <= 0) return undefined;
  const prefix = spec.slice(0, i);
  return PROVIDER_KINDS.find((k) => k.prefixes.includes(prefix));
}

/** The kind of a spec, or an Error listing the spec forms there are. */
export function requireKind(spec: string): ProviderKind {
  const k = kindOf(spec);
  if (!k) throw new Error(`bad model spec "${redactURL(spec)}": expected one of ${PROVIDER_SPECS.join(", ")}`);
  return k;
}

/** Take a spec apart (throws naming the expected syntax). */
export function parseSpec(spec: string): ParsedSpec {
  return requireKind(spec).parse(spec);
}

/** createProvider(spec): one entry point for every provider. */
export async function createProvider(spec: string, ctx: ProviderContext = {}): Promise<Provider> {
  const kind = requireKind(spec);
  kind.parse(spec);
  return kind.create(spec, ctx);
}

/**
 * USD for a usage under the spec's list price, or undefined when no price is known (never guessed):
 * hosted kinds with a table and a listed model; compatible servers and local models have none.
 */
export function priceFor(spec: string, opts: { batch?: boolean } = {}): ((u: Usage) => number | undefined) | undefined {
  const kind = kindOf(spec);
  if (!kind?.prices) return undefined;
  const table = kind.prices;
  let model: string;
  try {
    model = kind.parse(spec).model;
  } catch {
    return undefined;
  }
  if (costIn(table, model, 0, 0) === undefined) return undefined;
  return (u) => costIn(table, model, u.inputTokens, u.outputTokens, opts);
}

/**
 * What the cache keys of a spec depend on, without creating the provider (no key needed, nothing
 * contacted): its id, and for hosted APIs the endpoint when it is not the provider's own.
 */
export function cacheIdentity(spec: string, ctx: Pick<ProviderContext, "baseURL" | "env"> = {}): Pick<Provider, "id" | "endpoint"> {
  const kind = kindOf(spec);
  return kind ? kind.cacheIdentity(spec, ctx) : { id: spec };
}

/**
 * A short display name: "openai:gpt-4.1" → "gpt-4.1", "llama:/x/stories260K.gguf" → "stories260K".
 * A string that is not "kind:rest" is already a label and is kept; an unknown kind gets the model part.
 */
export function providerLabel(spec: string): string {
  if (!/^[a-z][a-z-]*:\S/.test(spec)) return spec;
  return kindOf(spec)?.label(spec) ?? modelNameOf(spec);
}

/**
 * Which environment variable holds the key for a spec, for messages: "SVLAB_API_KEY for
 * openai-compatible:"; for a spec of no known kind, every kind's variable.
 */
export function keyHint(spec: string): string {
  const kind = kindOf(spec);
  const kinds = kind ? [kind] : PROVIDER_KINDS;
  return (
    kinds
      .filter((k) => k.keyVariable)
      .map((k) => `${k.keyVariable} for ${k.prefixes[0]}:`)
      .join(", ") || "no key needed"
  );
}

/** A baseline spec (computed from the benchmark, not a model). */
export function isBaselineSpec(spec: string): boolean {
  return kindOf(spec) === baselineKind;
}

/** Where batch requests for a spec go, or an Error naming the kinds that have a batch mode. */
export function batchTargetOf(spec: string, ctx: Pick<ProviderContext, "baseURL" | "env"> = {}): BatchTarget {
  const kind = kindOf(spec);
  if (!kind?.batchTarget) {
    const able = PROVIDER_KINDS.filter((k) => k.batchTarget).map((k) => `${k.prefixes[0]}:`);
    throw new Error(`batch mode needs a provider with a batch API (${able.join(" or ")}), got "${redactURL(spec)}"`);
  }
  return kind.batchTarget(spec, ctx);
}

/** Every spec form on one line, for option help: "openai:MODEL, …, baseline:population-mode|attribute-mode:ATTR|…". */
export function specSummary(): string {
  return PROVIDER_KINDS.map((k) => (k.specs.length > 2 ? `${k.prefixes[0]}:${k.specs.map(specRest).join("|")}` : k.specs.join(", "))).join(", ");
}

/** Help text: one line per kind, its spec forms and what it is. */
export function providerHelp(): string {
  return PROVIDER_KINDS.map((k) => `  ${k.specs.join(" | ")}\n      ${k.help}`).join("\n");
}

/** One row per kind, for the README's providers table and `--help`. */
export interface ProviderRow {
  spec: string;
  key: string;
  distribution: boolean;
  batch: boolean;
  json: boolean;
  prices: string;
}

export function providerTable(): ProviderRow[] {
  return PROVIDER_KINDS.map((k) => ({
    spec: k.specs.join(", "),
    key: k.keyVariable ?? "none",
    distribution: k.capabilities.distribution,
    batch: k.capabilities.batch,
    json: k.capabilities.json,
    prices: k.prices ? `${k.prices.source} (${k.prices.asOf})` : (k.priceNote ?? "none"),
  }));
}

/** The README's providers table (Markdown), generated from the registry; test/models-registry.test.ts keeps the README equal to it. */
export function providersMarkdown(): string {
  const yes = (b: boolean) => (b ? "yes" : "no");
  const rows = providerTable().map(
    (r) =>
      `| ${r.spec
        .split(", ")
        .map((s) => `\`${s}\``)
        .join(", ")} | ${r.key === "none" ? "none" : `\`${r.key}\``} | ${yes(r.distribution)} | ${yes(r.batch)} | ${yes(r.json)} | ${r.prices} |`,
  );
  return ["| Spec | Key variable | Distribution | Batch | JSON mode | Prices (source, date) |", "|---|---|---|---|---|---|", ...rows].join("\n");
}
