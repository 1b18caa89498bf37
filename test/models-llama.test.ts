/** The llama: provider on the real stories260K model (nonsense answers; we assert mechanics only). */
import { testModelPath } from "../src/paths";
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subgroup } from "../src/benchmark/types";
import type { Question } from "../src/wvs/types";
import type { Provider, ProviderReply } from "../src/models/types";
import { answerFromReply } from "../src/models/parse-answer";
import { createProvider } from "../src/models/registry";
import { loadNodeLlamaCpp } from "../src/models/llama";
import { buildPrompt } from "../src/personas";

const MODEL = testModelPath();
const skip = existsSync(MODEL) ? false : `model not found at ${MODEL} (set SVLAB_TEST_GGUF)`;
if (skip) console.log(`# skipping llama tests: ${skip}`);

const scale = (n: number): Question => ({
  id: `S${n}`,
  label: "x",
  text: `Pick a number from 1 to ${n}.`,
  category: "x",
  ordinal: true,
  offScale: [],
  missing: [],
  scale: Array.from({ length: n }, (_, i) => ({ code: i + 1, label: i === 0 ? "Lowest" : i === n - 1 ? "Highest" : String(i + 1) })),
});
const s1: Subgroup = {
  id: "sex_x_age:Female|65 and over",
  stratum: "sex_x_age",
  attributes: { sex: "Female", age_group: "65 and over" },
  size: 50,
  split: "train",
};
const s2: Subgroup = { id: "sex:Male", stratum: "sex", attributes: { sex: "Male" }, size: 50, split: "train" };

let reuse: Provider;
let fresh: Provider;
before(async () => {
  if (skip) return;
  reuse = await createProvider(`llama:${MODEL}`, { threads: 1 });
  fresh = await createProvider(`llama:${MODEL}`, { threads: 1, reusePrefix: false });
});
after(async () => {
  await reuse?.close?.();
  await fresh?.close?.();
});

function assertDistribution(a: ProviderReply, codes: number[]) {
  assert.ok(a.distribution, `no distribution: ${a.reason}`);
  assert.deepEqual(
    Object.keys(a.distribution)
      .map(Number)
      .sort((x, y) => x - y),
    [...codes].sort((x, y) => x - y),
  );
  const sum = Object.values(a.distribution).reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(sum - 1) < 1e-9, `sums to ${sum}`);
  for (const p of Object.values(a.distribution)) assert.ok(p >= 0 && p <= 1);
  assert.ok(a.validMass! > 0 && a.validMass! <= 1);
  const best = Math.max(...Object.values(a.distribution));
  assert.equal(a.distribution[String(a.code)], best);
  assert.ok(codes.includes(a.code!));
}

test("score mode: a distribution over exactly the valid codes, summing to 1; one pass per trie branch (4- and 10-point scales)", { skip }, async () => {
  // stories260K: " 3" = [▁, 3], " 10" = [▁, 1, 0]. 4-point: 4 leaves → 1 pass + 3 one-token passes;
  // 10-point: the chain ▁ 1 0 (codes 1 and 10) + one pass for each of 2…9.
  for (const [n, passes, extraTokens] of [
    [4, 4, 2 + 3],
    [10, 9, 3 + 8],
  ] as const) {
    const p = buildPrompt(scale(n), s1, "system-persona");
    const a = await fresh.answer(p, { distribution: true });
    assertDistribution(a, p.answerCodes);
    assert.equal(a.meta!.mode, "score");
    assert.equal(a.meta!.scoringPasses, passes);
    // fresh: the whole prompt, then the longest path, then one token per other branch
    assert.equal(a.meta!.evaluatedTokens, (a.meta!.promptTokens as number) + extraTokens);
    assert.equal(a.text, "");
  }
});

test("score mode maths: every code's mass ends there (P(path) · (1 − P(next is a digit))), checked against a direct evaluation", { skip }, async () => {
  const N = await loadNodeLlamaCpp();
  const llama = await N.getLlama({ gpu: false, build: "never", logLevel: N.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: MODEL, gpuLayers: 0 });
  const ctx = await model.createContext({ threads: 1, contextSize: 2048, sequences: 1 });
  const seq = ctx.getSequence();
  try {
    const p = buildPrompt(scale(10), s1, "system-persona");
    const history: any[] = [
      { type: "system", text: p.messages[0].content },
      { type: "user", text: p.messages[1].content },
      { type: "model", response: ["Answer:"] },
    ];
    const promptTokens = N.resolveChatWrapper(model).generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer);
    const ans = model.tokenize("Answer:", false, "trimLeadingSpace");
    const isDigit = (t: number) => /^\s*\d/.test(model.detokenize([t as any]));
    // unnormalised mass of a code, from scratch: product of conditionals, times "no digit follows"
    const direct = async (c: number) => {
      const cont = model.tokenize(`Answer: ${c}`, false, "trimLeadingSpace").slice(ans.length);
      await seq.clearHistory();
      const all = [...promptTokens, ...cont];
      const out = await seq.controlledEvaluate(all.map((t, i) => (i >= promptTokens.length - 1 ? [t, { generateNext: { probabilities: true } }] : t)) as any);
      let mass = 1;
      for (let d = 0; d < cont.length; d++) mass *= out[promptTokens.length - 1 + d]!.next!.probabilities!.get(cont[d]) ?? 0;
      let digit = 0;
      for (const [t, q] of out[all.length - 1]!.next!.probabilities!) if (isDigit(t)) digit += q;
      return { mass: mass * (1 - digit), digit };
    };
    const a = await fresh.answer(p, { distribution: true });
    const expected: Record<string, number> = {};
    for (const c of p.answerCodes) expected[c] = (await direct(c)).mass;
    // code 2 used to keep the mass of "20"–"29": its ending factor is far from 1 on this model
    assert.ok((await direct(2)).digit > 0.1);
    const total = Object.values(expected).reduce((x, y) => x + y, 0);
    assert.ok(Math.abs(a.validMass! - total) < 1e-5 * total, `validMass ${a.validMass} vs ${total}`);
    for (const c of p.answerCodes) {
      const got = a.distribution![String(c)] * a.validMass!;
      assert.ok(Math.abs(got - expected[c]) < 1e-5 * Math.max(expected[c], 1e-9), `code ${c}: ${got} vs ${expected[c]}`);
    }
  } finally {
    await ctx.dispose();
    await model.dispose();
  }
});

test("generate mode: an abort mid-generation rejects with the signal's reason (no cut-off text as an answer)", { skip }, async () => {
  const p = buildPrompt(scale(4), s1, "system-persona");
  const ctl = new AbortController();
  const stop = new Error("stop now");
  const call = reuse.answer(p, { maxTokens: 1500, temperature: 0.8, signal: ctl.signal });
  setTimeout(() => ctl.abort(stop), 30);
  await assert.rejects(call, (e) => e === stop);
  // the provider is still usable afterwards
  const ok = await reuse.answer(p, { maxTokens: 3 });
  assert.equal(ok.meta!.mode, "generate");
  assert.equal(reuse.capabilities.maxConcurrency, 1);
});

test("prefix reuse: same probabilities as a fresh evaluation, with fewer tokens evaluated", { skip }, async () => {
  const q = scale(10);
  // warm the reusing provider with another prompt of the same persona (shared system message)
  await reuse.answer(buildPrompt(scale(4), s2, "system-persona"), { distribution: true });
  const target = buildPrompt(q, s2, "system-persona");
  const a = await reuse.answer(target, { distribution: true });
  const b = await fresh.answer(target, { distribution: true });
  assert.ok((a.meta!.reusedTokens as number) > 20, `reused ${a.meta!.reusedTokens}`);
  assert.equal(b.meta!.reusedTokens, 0);
  assert.ok((a.meta!.evaluatedTokens as number) < (b.meta!.evaluatedTokens as number));
  for (const c of target.answerCodes) {
    const x = a.distribution![String(c)];
    const y = b.distribution![String(c)];
    assert.ok(Math.abs(x - y) < 1e-5 * Math.max(1, y), `code ${c}: ${x} vs ${y}`);
  }
  assert.ok(Math.abs(a.validMass! - b.validMass!) < 1e-5 * b.validMass!);
  // asking the very same prompt again reuses all but the last token and gives the same numbers
  const again = await reuse.answer(target, { distribution: true });
  // (last prompt token + ▁ 1 0, then one token for each of 2…9)
  assert.equal(again.meta!.evaluatedTokens, (again.meta!.promptTokens as number) - (again.meta!.reusedTokens as number) + 3 + 8);
  for (const c of target.answerCodes) assert.ok(Math.abs(again.distribution![String(c)] - a.distribution![String(c)]) < 1e-5);
});

test("generate mode at temperature 0 is deterministic and parsed like any reply", { skip }, async () => {
  const p = buildPrompt(scale(4), s1, "third-person");
  const g1 = answerFromReply(await reuse.answer(p, { temperature: 0, maxTokens: 12 }), p);
  await reuse.answer(buildPrompt(scale(10), s2, "first-person-bio"), { temperature: 0, maxTokens: 5 }); // disturb the cache
  const g2 = await fresh.answer(p, { temperature: 0, maxTokens: 12 });
  const g3 = await reuse.answer(p, { temperature: 0, maxTokens: 12 });
  assert.ok(g1.text.length > 0);
  assert.equal(g2.text, g1.text);
  assert.equal(g3.text, g1.text);
  assert.equal(g1.meta!.mode, "generate");
  assert.ok(g1.usage!.outputTokens > 0 && g1.usage!.outputTokens <= 12);
  // a tiny story model does not answer surveys: a null code always comes with a reason
  if (g1.code === null) assert.ok(g1.reason);
});

test("score mode is deterministic across providers and calls", { skip }, async () => {
  const p = buildPrompt(scale(4), s1, "first-person-bio+reversed");
  const a = await reuse.answer(p, { distribution: true });
  const b = await fresh.answer(p, { distribution: true });
  assert.equal(a.code, b.code);
  assertDistribution(a, [4, 3, 2, 1]);
});

test("hf: URIs resolve from the models folder; offline misses and missing files fail clearly", { skip }, async () => {
  const { resolveModelPath } = await import("../src/models/llama");
  const N = await loadNodeLlamaCpp();
  const dir = mkdtempSync(join(tmpdir(), "svlab-models-"));
  // node-llama-cpp's own naming for a downloaded hf: file
  copyFileSync(MODEL, join(dir, "hf_ggml-org_tinyllamas_stories260K.gguf"));
  const env = { SVLAB_OFFLINE: "1", SVLAB_MODELS_DIR: dir };
  assert.equal(await resolveModelPath("hf:ggml-org/tinyllamas/stories260K.gguf", N, env), join(dir, "hf_ggml-org_tinyllamas_stories260K.gguf"));
  assert.equal(await resolveModelPath("llama:hf:ggml-org/tinyllamas/stories260K.gguf", N, env), join(dir, "hf_ggml-org_tinyllamas_stories260K.gguf"));
  await assert.rejects(
    resolveModelPath("hf:someone/model-GGUF", N, env),
    /hf:someone\/model-GGUF: cannot resolve the model \(No model file found.*download is disabled\)\. Download it with `npx node-llama-cpp pull/,
  );
  await assert.rejects(createProvider("llama:/nonexistent/model.gguf"), /model file not found/);
  await assert.rejects(createProvider("llama:/tmp/model.bin"), /expected llama:PATH\.gguf or hf:USER\/REPO:QUANT/);
});

test("GenerateOptions.json: node-llama-cpp's JSON grammar shapes the reply", { skip }, async () => {
  const p = { ...buildPrompt(scale(4), s1, "system-persona"), answerCodes: [], answerLabels: {} };
  const g = await fresh.answer(p, { json: true, maxTokens: 16, temperature: 0 });
  assert.equal(g.meta!.json, "grammar");
  assert.match(g.text, /^\{/, g.text);
  const plain = await fresh.answer(p, { maxTokens: 16, temperature: 0 });
  assert.equal(plain.meta!.json, undefined);
});
