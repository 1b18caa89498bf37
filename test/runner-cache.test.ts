import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, readdir, readFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnswerCache, cacheKey, canonicalJson } from "../src/runner/cache";
import type { Answer, ChatMessage } from "../src/models/types";

const messages: ChatMessage[] = [
  { role: "system", content: "You are a Malay woman living in Singapore." },
  { role: "user", content: "How important is family? 1 Very important … 4 Not at all important. Answer: <code>" },
];
const answer = (code: number): Answer => ({ text: `Answer: ${code}`, code, refused: false, latencyMs: 12, usage: { inputTokens: 40, outputTokens: 3 } });

test("cache keys: canonical, and every input matters", () => {
  assert.equal(canonicalJson({ b: 1, a: [1, { d: undefined, c: 2 }] }), '{"a":[1,{"c":2}],"b":1}');
  const base = { provider: "openai:gpt-4.1-mini", messages, generate: { temperature: 0, maxTokens: 8 }, sample: 0 };
  const k = cacheKey(base);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(cacheKey({ ...base, generate: { maxTokens: 8, temperature: 0 } }), k, "key order does not matter");
  const variants = [
    { ...base, provider: "openai:gpt-4.1" },
    { ...base, model: "gpt-4.1-mini-2025-04-14" },
    { ...base, sample: 1 },
    { ...base, generate: { temperature: 0.7, maxTokens: 8 } },
    { ...base, generate: { temperature: 0, maxTokens: 8, seed: 1 } },
    { ...base, generate: { temperature: 0, maxTokens: 8, distribution: true, topLogprobs: 20 } },
    { ...base, messages: [messages[0], { role: "user" as const, content: `${messages[1].content} ` }] },
    { ...base, messages: [{ ...messages[0], role: "user" as const }, messages[1]] },
  ];
  const keys = new Set(variants.map(cacheKey));
  assert.equal(keys.size, variants.length);
  assert.ok(!keys.has(k));
});

test("cache: answers survive reopening; a torn last line is skipped; secrets never written", async () => {
  const dir = await mkdtemp(join(tmpdir(), "svlab-cache-"));
  try {
    const c1 = AnswerCache.open(dir);
    const keys = Array.from({ length: 5 }, (_, i) => cacheKey({ provider: "p", messages, generate: {}, sample: i }));
    keys.forEach((k, i) =>
      c1.put(k, { ...answer(i + 1), cached: false, meta: { model: "m", api_key: "sk-secret-123", Authorization: "Bearer sk-secret-123" } }),
    );
    c1.close();
    const seg = (await readdir(join(dir, "answers"))).filter((f) => f.endsWith(".jsonl"));
    assert.equal(seg.length, 1);
    const text = await readFile(join(dir, "answers", seg[0]), "utf8");
    assert.ok(!text.includes("sk-secret"), "no credential in the cache file");
    assert.ok(!text.includes('"cached"'), "the cached flag is not stored");
    // a write torn by a power cut: no newline at the end
    await appendFile(join(dir, "answers", seg[0]), `{"k":"${"a".repeat(64)}","t":1,"a":{"text":"Ans`);

    const c2 = AnswerCache.open(dir);
    assert.equal(c2.size, 5);
    assert.equal(c2.stats.skipped, 1);
    const got = c2.get(keys[2])!;
    assert.equal(got.code, 3);
    assert.equal(got.cached, true);
    assert.deepEqual(got.meta, { model: "m" });
    assert.equal(c2.get("f".repeat(64)), undefined);
    // a new process (here: a new instance) appends to its own new segment
    const k6 = cacheKey({ provider: "p", messages, generate: {}, sample: 6 });
    c2.put(k6, answer(4));
    c2.close();
    assert.equal((await readdir(join(dir, "answers"))).filter((f) => f.endsWith(".jsonl")).length, 2);
    const c3 = AnswerCache.open(dir, { readOnly: true });
    assert.equal(c3.size, 6);
    assert.equal(c3.get(k6)!.code, 4);
    assert.throws(() => c3.put(k6, answer(1)), /read-only/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("cache: compaction merges segments and keeps every entry (newest wins)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "svlab-cache-"));
  try {
    const key = (i: number) => cacheKey({ provider: "p", messages, generate: {}, sample: i });
    for (let s = 0; s < 4; s++) {
      const c = AnswerCache.open(dir);
      for (let i = 0; i < 10; i++) c.put(key(s * 10 + i), answer(1));
      c.put(key(0), answer(s + 1)); // rewritten each time: the last one wins
      c.close();
      await new Promise((r) => setTimeout(r, 2)); // distinct segment timestamps
    }
    const c = AnswerCache.open(dir, { compactAbove: 2 });
    assert.equal(c.stats.segments, 1);
    assert.equal(c.size, 40);
    assert.equal(c.get(key(0))!.code, 4);
    const again = AnswerCache.open(dir);
    assert.equal(again.size, 40);
    assert.equal(again.get(key(0))!.code, 4);
    assert.equal(again.get(key(39))!.code, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("cache keys are pinned: the provider registry and GenerateOptions.json left every existing key as it was", async () => {
  const { jobKey } = await import("../src/runner/engine");
  const { cacheIdentity } = await import("../src/runner/provider");
  const prompt = {
    question: "Q1",
    subgroup: "sex:Female",
    templateId: "system-persona",
    answerCodes: [1, 2, 3, 4],
    answerLabels: {},
    messages: [
      { role: "system" as const, content: "You are a woman." },
      { role: "user" as const, content: "How important is family? Answer: <code>" },
    ],
  };
  const job = { prompt, split: "ood" as const, sample: 0 };
  const gw = { OPENAI_BASE_URL: "http://gw.local:8080/v1/" };
  // computed on main before the registry existed (commit 3267b64)
  assert.equal(
    jobKey(cacheIdentity("openai:gpt-4.1-mini", { env: {} }), job, { temperature: 0 }),
    "8f968b684ec783836a853237dd8a494fd3ff70e0e59c6030d2d150736cb785bd",
  );
  assert.equal(
    jobKey(cacheIdentity("openai:gpt-4.1-mini", { env: gw }), job, { temperature: 0, seed: 7 }),
    "c8e4b5478456b7e7e68d0db0c6e070ce19c1104b05a5a45ff32bf06a685d5d01",
  );
  assert.equal(
    jobKey(cacheIdentity("openai-compatible:http://127.0.0.1:8000/v1#qwen", { env: gw }), job, { distribution: true }),
    "74dbc6ce6bdda127945be029cd94fe7e6b74f44da63c561b831ce2575135f66d",
  );
  assert.equal(
    jobKey(cacheIdentity("llama:/m/x.gguf", {}), { ...job, sample: 2 }, { maxTokens: 8, seed: 1 }),
    "a6def0fe9da44dd7d887a74435012387516487e621fabb45b9cf5936ff9412e7",
  );
  // json: part of the key only when asked for
  const plain = jobKey({ id: "openai:gpt-4.1-mini" }, job, { temperature: 0 });
  assert.equal(jobKey({ id: "openai:gpt-4.1-mini" }, job, { temperature: 0, json: false }), plain);
  assert.notEqual(jobKey({ id: "openai:gpt-4.1-mini" }, job, { temperature: 0, json: true }), plain);
});
