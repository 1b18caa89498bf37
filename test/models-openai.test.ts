/** The OpenAI path against our local chat-completions server (test/support/openai-server.ts). */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { startOpenAIServer, type OpenAIServer } from "./support/openai-server";
import { createProvider } from "../src/models/registry";
import { ProviderError, type Answer, type GenerateOptions, type Prompt, type Provider } from "../src/models/types";
import { costOf, priceOf, PRICES_AS_OF } from "../src/models/providers/openai";
import { answerFromReply } from "../src/models/parse-answer";
import { distributionFromLogprobs, openaiEndpoint } from "../src/models/openai-chat";

const prompt: Prompt = {
  question: "Q1",
  subgroup: "sex:Female",
  templateId: "system-persona",
  messages: [
    { role: "system", content: "You are a woman living in Singapore." },
    { role: "user", content: "Question: How important is family?\n1. Very important\n2. Rather important\n3. Not very important\n4. Not at all important" },
  ],
  answerCodes: [1, 2, 3, 4],
  answerLabels: { "1": "Very important", "2": "Rather important", "3": "Not very important", "4": "Not at all important" },
};

let server: OpenAIServer;
let openai: Provider;
let compatible: Provider;

before(async () => {
  server = await startOpenAIServer();
  openai = await createProvider("openai:gpt-4.1-mini", { baseURL: server.baseURL, env: { OPENAI_API_KEY: "sk-test-123" }, timeoutMs: 300 });
  compatible = await createProvider(`openai-compatible:${server.baseURL}#local-model`, { env: {}, timeoutMs: 300 });
});
after(async () => server.close());

/** Ask, then parse the raw reply the way the runner does (providers never parse). */
async function ask(p: Provider, pr: Prompt, opts: GenerateOptions): Promise<Answer> {
  return answerFromReply(await p.answer(pr, opts), pr);
}

async function rejectsWith(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected ProviderError, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    return e;
  }
  assert.fail("expected a rejection");
}

test("answer: text parsed, parameters passed through, meta and cost recorded, key only in the header", async () => {
  server.reset();
  server.setBehaviour(() => ({ text: "Answer: 2", usage: { prompt_tokens: 1000, completion_tokens: 4 }, systemFingerprint: "fp_abc" }));
  const raw = await openai.answer(prompt, { temperature: 0, seed: 7, maxTokens: 5 });
  assert.equal("code" in raw, false, "the provider gives raw text; the runner parses it");
  const a = answerFromReply(raw, prompt);
  assert.equal(a.code, 2);
  assert.equal(a.refused, false);
  assert.equal(a.text, "Answer: 2");
  assert.deepEqual(a.usage, { inputTokens: 1000, outputTokens: 4 });
  assert.equal(a.cost, costOf("gpt-4.1-mini", 1000, 4));
  assert.ok(Math.abs(a.cost! - (1000 * 0.4 + 4 * 1.6) / 1e6) < 1e-15);
  assert.equal(a.meta!.systemFingerprint, "fp_abc");
  assert.equal(a.meta!.model, "gpt-4.1-mini-2025-04-14");
  assert.equal(a.meta!.finishReason, "stop");
  assert.ok(!JSON.stringify(a).includes("sk-test-123"), "the key must not appear in the answer");
  const req = server.requests[0];
  assert.equal(req.body.model, "gpt-4.1-mini");
  assert.equal(req.body.temperature, 0);
  assert.equal(req.body.seed, 7);
  assert.equal(req.body.max_completion_tokens, 5);
  assert.equal(req.body.logprobs, undefined);
  assert.deepEqual(req.body.messages, prompt.messages);
  assert.equal(req.headers.authorization, "Bearer sk-test-123");
});

test("openai-compatible sends max_tokens, uses SVLAB_API_KEY (never OPENAI_API_KEY), records baseURL", async () => {
  server.reset();
  server.setBehaviour(() => ({ text: "Answer: 4" }));
  const a = await ask(compatible, prompt, { maxTokens: 8 });
  assert.equal(a.code, 4);
  assert.equal(server.requests[0].body.max_tokens, 8);
  assert.equal(server.requests[0].headers.authorization, "Bearer no-key");
  assert.equal(a.meta!.baseURL, server.baseURL);
  assert.equal(a.cost, undefined); // no price for unknown models, never guessed
  const keyed = await createProvider(`openai-compatible:${server.baseURL}#m`, { env: { SVLAB_API_KEY: "sv-1", OPENAI_API_KEY: "sk-nope" } });
  await ask(keyed, prompt, {});
  assert.equal(server.requests[1].headers.authorization, "Bearer sv-1");
});

test("openai: without OPENAI_API_KEY the provider refuses to start", async () => {
  await assert.rejects(createProvider("openai:gpt-4o", { env: {} }), /OPENAI_API_KEY is not set/);
});

test("logprobs → distribution over codes (renormalised, validMass kept)", async () => {
  server.reset();
  server.setBehaviour(() => ({ text: "Answer: 2", codeProbabilities: { "1": 0.2, "2": 0.5, "3": 0.1, "4": 0.1, "7": 0.1 } }));
  const a = await ask(compatible, prompt, { distribution: true, topLogprobs: 5 });
  assert.equal(server.requests[0].body.logprobs, true);
  assert.equal(server.requests[0].body.top_logprobs, 5);
  assert.equal(a.code, 2);
  const d = a.distribution!;
  assert.ok(Math.abs(d["1"] - 0.2 / 0.9) < 1e-9 && Math.abs(d["2"] - 0.5 / 0.9) < 1e-9 && Math.abs(d["4"] - 0.1 / 0.9) < 1e-9);
  assert.ok(Math.abs(Object.values(d).reduce((s, x) => s + x, 0) - 1) < 1e-12);
  assert.ok(Math.abs(a.validMass! - 0.9) < 1e-9);
  assert.equal(a.meta!.logprobs, "ok");
});

test("multi-digit code tokens: ' 10' is code 10, ' 1' is code 1", async () => {
  server.reset();
  server.setBehaviour(() => ({
    text: "Answer: 10",
    logprobsContent: [
      { token: "Answer", logprob: 0 },
      { token: ":", logprob: 0 },
      {
        token: " 10",
        logprob: Math.log(0.6),
        top_logprobs: [
          { token: " 10", logprob: Math.log(0.6) },
          { token: " 1", logprob: Math.log(0.3) },
          { token: " 9", logprob: Math.log(0.1) },
        ],
      },
    ],
  }));
  const ten = { ...prompt, answerCodes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], answerLabels: {} };
  const a = await ask(compatible, ten, { distribution: true });
  assert.equal(a.code, 10);
  assert.ok(Math.abs(a.distribution!["10"] - 0.6) < 1e-9 && Math.abs(a.distribution!["1"] - 0.3) < 1e-9 && a.distribution!["2"] === 0);
});

test("a server without logprobs gives no distribution but still an answer", async () => {
  server.reset();
  server.setBehaviour(() => ({ text: "Answer: 3", logprobsContent: [] }));
  const a = await ask(compatible, prompt, { distribution: true });
  assert.equal(a.code, 3);
  assert.equal(a.distribution, undefined);
  assert.equal(a.meta!.logprobs, "unavailable");
});

test("429 with Retry-After → transient ProviderError with retryAfterSeconds; asked exactly once (no SDK retries)", async () => {
  server.reset();
  server.setBehaviour(() => ({ kind: "rate-limit", retryAfterSeconds: 7 }));
  const e = await rejectsWith(openai.answer(prompt, {}));
  assert.equal(e.status, 429);
  assert.equal(e.retryAfterSeconds, 7);
  assert.equal(e.transient, true);
  assert.equal(server.count(), 1);
});

test("500 is transient; 400, 401, 404 are not; each asked once", async () => {
  for (const [status, transient] of [
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
  ] as const) {
    server.reset();
    server.setBehaviour(() => ({ kind: "status", status, body: { error: { message: `boom ${status}` } } }));
    const e = await rejectsWith(openai.answer(prompt, {}));
    assert.equal(e.status, status);
    assert.equal(e.transient, transient, `status ${status}`);
    assert.match(e.message, new RegExp(`HTTP ${status}: boom ${status}`));
    assert.ok(!e.message.includes("sk-test-123"));
    assert.equal(server.count(), 1, `status ${status} asked once`);
  }
});

test("timeouts, malformed JSON, truncated bodies and connection resets are transient", async () => {
  for (const kind of ["hang", "malformed", "truncated", "reset"] as const) {
    server.reset();
    server.setBehaviour(() => ({ kind }));
    const t0 = Date.now();
    const e = await rejectsWith(openai.answer(prompt, {}));
    assert.equal(e.transient, true, `${kind}: ${e.message}`);
    if (kind === "hang") {
      assert.match(e.message, /timed out after 300 ms/);
      assert.ok(Date.now() - t0 < 3000);
    }
    assert.equal(server.count(), 1, `${kind} asked once`);
  }
});

test("a 200 without choices is a transient malformed response", async () => {
  server.reset();
  server.setBehaviour(() => ({ kind: "status", status: 200, body: { id: "x", object: "chat.completion" } }));
  const e = await rejectsWith(openai.answer(prompt, {}));
  assert.equal(e.transient, true);
  assert.match(e.message, /malformed response/);
});

test("abort via signal rejects with the signal's reason, not a ProviderError", async () => {
  server.reset();
  server.setBehaviour(() => ({ kind: "hang" }));
  const ac = new AbortController();
  const p = compatible.answer(prompt, { signal: ac.signal });
  setTimeout(() => ac.abort(new Error("user stop")), 20);
  await assert.rejects(p, (e: Error) => e.message === "user stop");
});

test("prices: dated snapshots resolve, unknown models have none", () => {
  assert.deepEqual(priceOf("gpt-4.1-2025-04-14"), priceOf("gpt-4.1"));
  assert.equal(priceOf("llama3"), undefined);
  assert.equal(costOf("gpt-4o", 1e6, 1e6), 12.5);
  assert.equal(costOf("gpt-4o", 1e6, 1e6, { batch: true }), 6.25);
  assert.match(PRICES_AS_OF, /^\d{4}-\d{2}-\d{2}$/);
});

test("bad specs give one clear error", async () => {
  await assert.rejects(createProvider("openai-compatible:http://x/v1"), /expected openai-compatible:BASE_URL#MODEL/);
  await assert.rejects(createProvider("gpt-4"), /bad model spec "gpt-4"/);
});

test("429 insufficient_quota (billing) is not transient; a plain 429 still is", async () => {
  server.reset();
  server.setBehaviour(() => ({
    kind: "status",
    status: 429,
    headers: { "retry-after": "20" },
    body: { error: { message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota" } },
  }));
  const e = await rejectsWith(openai.answer(prompt, {}));
  assert.equal(e.status, 429);
  assert.equal(e.transient, false);
  assert.match(e.message, /HTTP 429: You exceeded your current quota \(insufficient_quota: add credit or raise the limit; not retried\)/);
  server.reset();
  server.setBehaviour(() => ({
    kind: "status",
    status: 429,
    body: { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } },
  }));
  assert.equal((await rejectsWith(openai.answer(prompt, {}))).transient, true);
});

test("logprobs: the code token is the last 'Answer: <n>' marker's number, not a later 'answer' word", () => {
  const tok = (token: string, top?: Array<[string, number]>) => ({
    token,
    logprob: Math.log(0.9),
    bytes: null,
    top_logprobs: (top ?? []).map(([t, p]) => ({ token: t, logprob: Math.log(p), bytes: null })),
  });
  const reply = [
    tok("Answer"),
    tok(":"),
    tok(" 3", [
      [" 3", 0.75],
      [" 2", 0.25],
    ]),
    tok("."),
    tok(" This"),
    tok(" answer"),
    tok(" reflects"),
    tok(" 1"),
    tok(" view"),
  ];
  assert.deepEqual(distributionFromLogprobs(reply as any, [1, 2, 3, 4]), { distribution: { "1": 0, "2": 0.25, "3": 0.75, "4": 0 }, validMass: 1 });
  // "answered" is no marker: without one, the first number of the reply is the code token
  const noMarker = [
    tok("I"),
    tok(" answered"),
    tok(" 4", [
      [" 4", 0.5],
      [" 1", 0.5],
    ]),
    tok(" before"),
  ];
  assert.deepEqual(distributionFromLogprobs(noMarker as any, [1, 2, 3, 4]), { distribution: { "1": 0.5, "2": 0, "3": 0, "4": 0.5 }, validMass: 1 });
});

test("base URLs with credentials are refused with a clear error that does not echo them", async () => {
  for (const url of ["http://user:sk-secret-9@127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1?api_key=sk-secret-9"]) {
    await assert.rejects(createProvider(`openai-compatible:${url}#m`, { env: {} }), (e: Error) => {
      assert.match(e.message, /carries credentials or a query.*SVLAB_API_KEY/);
      assert.ok(!e.message.includes("sk-secret-9"), e.message);
      return true;
    });
    await assert.rejects(createProvider("openai:gpt-4.1-mini", { baseURL: url, env: { OPENAI_API_KEY: "k" } }), /carries credentials/);
    await assert.rejects(
      createProvider("openai:gpt-4.1-mini", { env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: url } }),
      /OPENAI_BASE_URL: .*carries credentials/,
    );
  }
  await assert.rejects(
    createProvider("openai-compatible:http://u:sk-secret-9@h/v1", { env: {} }),
    (e: Error) => !e.message.includes("sk-secret-9") && /bad model spec/.test(e.message),
  );
});

test("openai: endpoint identity: none for api.openai.com (cache keys unchanged), the bare base URL otherwise", async () => {
  assert.equal(openaiEndpoint(undefined, {}), undefined);
  assert.equal(openaiEndpoint("https://api.openai.com/v1/", {}), undefined);
  assert.equal(openaiEndpoint(undefined, { OPENAI_BASE_URL: "http://gw.local:8080/v1/" }), "http://gw.local:8080/v1");
  assert.equal(openai.endpoint, server.baseURL);
  assert.equal(compatible.endpoint, undefined);
});

test("GenerateOptions.json → response_format json_object (openai: and compatible); absent otherwise", async () => {
  server.reset();
  server.setBehaviour(() => ({ text: '{"overall": "A"}' }));
  const open = { ...prompt, answerCodes: [], answerLabels: {} };
  const a = await ask(openai, open, { json: true });
  await ask(compatible, open, { json: true });
  await ask(compatible, open, {});
  assert.deepEqual(
    server.requests.map((r) => r.body.response_format),
    [{ type: "json_object" }, { type: "json_object" }, undefined],
  );
  // a prompt without answer codes is not parsed: the text is the answer
  assert.deepEqual([a.code, a.reason, a.text], [null, "open-ended", '{"overall": "A"}']);
});
