/**
 * The provider registry: one ProviderKind per spec prefix, read by everything that depends on the
 * provider (creation, prices, cache identity, labels, batch, help) — and the README table made from it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../src/paths";
import {
  batchTargetOf,
  cacheIdentity,
  createProvider,
  isBaselineSpec,
  kindOf,
  PROVIDER_KINDS,
  PROVIDER_SPECS,
  priceFor,
  providerLabel,
  providersMarkdown,
  specSummary,
} from "../src/models/registry";

test("one kind per prefix; every spec form in PROVIDER_SPECS belongs to its kind", () => {
  const prefixes = PROVIDER_KINDS.flatMap((k) => k.prefixes);
  assert.equal(new Set(prefixes).size, prefixes.length);
  assert.deepEqual(prefixes, ["openai", "openai-compatible", "anthropic", "llama", "hf", "baseline"]);
  for (const spec of PROVIDER_SPECS) assert.ok(kindOf(spec)!.specs.includes(spec), spec);
  assert.equal(kindOf("hf:user/repo:Q4_K_M"), kindOf("llama:/m.gguf"));
  assert.equal(kindOf("gpt-4"), undefined);
  assert.match(
    specSummary(),
    /^openai:MODEL, openai-compatible:BASE_URL#MODEL, anthropic:MODEL, llama:PATH\.gguf, hf:USER\/REPO:QUANT, baseline:population-mode\|attribute-mode:ATTR\|attribute-product\|uniform$/,
  );
});

test("bad specs: each kind names its syntax; an unknown prefix lists every form", async () => {
  const cases: Array<[string, RegExp]> = [
    ["openai:", /bad model spec "openai:": expected openai:MODEL/],
    ["openai-compatible:http://x/v1", /expected openai-compatible:BASE_URL#MODEL/],
    ["anthropic:", /expected anthropic:MODEL/],
    ["llama:", /expected llama:PATH\.gguf or hf:USER\/REPO:QUANT/],
    [
      "baseline:median",
      /unknown baseline "baseline:median": expected baseline:population-mode, baseline:attribute-mode:ATTR, baseline:attribute-product, baseline:uniform/,
    ],
    ["claude:sonnet", new RegExp(`bad model spec "claude:sonnet": expected one of ${PROVIDER_SPECS.join(", ").replace(/[.|]/g, "\\$&")}`)],
  ];
  for (const [spec, re] of cases) await assert.rejects(createProvider(spec, { env: {} }), re, spec);
});

test("prices: one table per hosted kind with an https source and a date; local kinds say why they have none", () => {
  for (const k of PROVIDER_KINDS) {
    if (!k.prices) {
      assert.ok(k.priceNote, `${k.prefixes[0]}: no table and no note`);
      continue;
    }
    assert.match(k.prices.source, /^https:\/\/\S+$/);
    assert.match(k.prices.asOf, /^20\d\d-\d\d-\d\d$/);
    for (const [m, p] of Object.entries(k.prices.models)) assert.ok(p.input > 0 && p.output >= p.input, `${k.prefixes[0]} ${m}`);
  }
  const usage = { inputTokens: 1e6, outputTokens: 1e6 };
  assert.equal(priceFor("openai:gpt-4o")!(usage), 12.5);
  assert.equal(priceFor("openai:gpt-4o", { batch: true })!(usage), 6.25);
  assert.equal(priceFor("openai:gpt-4.1-2025-04-14")!(usage), 10);
  assert.equal(priceFor("anthropic:claude-sonnet-4-5")!(usage), 18);
  assert.equal(priceFor("openai:not-a-model"), undefined);
  assert.equal(priceFor("openai-compatible:http://127.0.0.1:8000/v1#gpt-4o"), undefined, "a compatible server is not billed at OpenAI's price");
  assert.equal(priceFor("llama:/m/x.gguf"), undefined);
  assert.equal(priceFor("nonsense"), undefined);
});

test("labels, baselines and cache identity come from the registry", () => {
  const cases: Array<[string, string]> = [
    ["openai:gpt-4.1", "gpt-4.1"],
    ["openai-compatible:http://127.0.0.1:8000/v1#qwen2.5-7b", "qwen2.5-7b"],
    ["anthropic:claude-haiku-4-5", "claude-haiku-4-5"],
    ["llama:/x/stories260K.gguf", "stories260K"],
    ["hf:user/repo:Q4_K_M", "repo:Q4_K_M"],
    ["some:thing/else.gguf", "else"],
    ["Sailor2 8B", "Sailor2 8B"],
  ];
  for (const [spec, label] of cases) assert.equal(providerLabel(spec), label, spec);
  assert.equal(providerLabel("baseline:attribute-mode:age_group"), "age group mode");
  assert.ok(isBaselineSpec("baseline:uniform") && !isBaselineSpec("openai:gpt-4.1") && !isBaselineSpec("baselines"));
  assert.deepEqual(cacheIdentity("openai:gpt-4.1", { env: {} }), { id: "openai:gpt-4.1" });
  assert.deepEqual(cacheIdentity("openai:gpt-4.1", { env: { OPENAI_BASE_URL: "http://gw:1/v1" } }), { id: "openai:gpt-4.1", endpoint: "http://gw:1/v1" });
  assert.deepEqual(cacheIdentity("openai-compatible:http://h/v1#m", { env: { OPENAI_BASE_URL: "http://gw:1/v1" } }), { id: "openai-compatible:http://h/v1#m" });
  assert.deepEqual(cacheIdentity("unknown:x"), { id: "unknown:x" });
});

test("batch: only kinds with a batch API; others are refused naming those that have one", () => {
  assert.deepEqual(batchTargetOf("openai:gpt-4.1-mini", { env: {} }), { kind: "openai", model: "gpt-4.1-mini" });
  assert.deepEqual(batchTargetOf("openai-compatible:http://h:1/v1/#m"), { kind: "openai-compatible", baseURL: "http://h:1/v1", model: "m" });
  for (const spec of ["anthropic:claude-haiku-4-5", "llama:/m.gguf", "baseline:uniform"]) {
    assert.throws(
      () => batchTargetOf(spec),
      new RegExp(`^Error: batch mode needs a provider with a batch API \\(openai: or openai-compatible:\\), got "${spec.replace(/[.]/g, "\\.")}"$`),
    );
  }
});

test("the README's providers table is the registry's", () => {
  const readme = readFileSync(join(projectRoot(), "README.md"), "utf8");
  assert.ok(readme.includes(`${providersMarkdown()}\n`), "README.md: regenerate the providers table from providersMarkdown()");
});
