/**
 * anthropic:MODEL against a local Messages API server (test/support/anthropic-server.ts): the request
 * shape (system field, max_tokens, headers), raw text parsed after the provider, usage and cost,
 * errors mapped for the runner (429/529/5xx transient with retry-after; 400 not; malformed bodies),
 * no distribution said plainly, cache identity, and a whole `svlab run` through the CLI. Only 127.0.0.1.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import { answerFromReply } from "../src/models/parse-answer";
import { ANTHROPIC_PRICE_TABLE, anthropicEndpoint } from "../src/models/providers/anthropic";
import { cacheIdentity, createProvider, kindOf, priceFor, providerLabel } from "../src/models/registry";
import { ProviderError, type Prompt, type Provider } from "../src/models/types";
import { projectRoot } from "../src/paths";
import { jobKey, runJobs } from "../src/runner/engine";
import { readResults } from "../src/runner/results";
import { classifyError } from "../src/runner/retry";
import { httpFetch } from "../src/runner/http-fetch";
import type { CliResult } from "./support/cli";
import { startAnthropicServer, type AnthropicServer } from "./support/anthropic-server";

const KEY = ["sk", "ant", "test", String(Date.now() % 1000)].join("-"); // built at run time: nothing key-like tracked

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

let server: AnthropicServer;
let claude: Provider;
let tmp: string;

before(async () => {
  server = await startAnthropicServer();
  claude = await createProvider("anthropic:claude-sonnet-4-5", { baseURL: server.url, env: { ANTHROPIC_API_KEY: KEY }, timeoutMs: 300 });
  tmp = await mkdtemp(join(tmpdir(), "svlab-anthropic-"));
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

async function rejectsWith(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected ProviderError, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    return e;
  }
  assert.fail("expected a rejection");
}

test("success: system prompt in `system`, max_tokens, key only in the Authorization header; raw text parsed after the provider; usage and cost", async () => {
  server.reset();
  server.setBehaviour(() => ({ text: "Answer: 2", usage: { input_tokens: 1000, output_tokens: 4 }, model: "claude-sonnet-4-5-20250929" }));
  const raw = await claude.answer(prompt, { maxTokens: 5, temperature: 0, seed: 3 });
  assert.equal("code" in raw, false, "the provider gives raw text; the runner parses it");
  const a = answerFromReply(raw, prompt);
  assert.equal(a.code, 2);
  assert.equal(a.refused, false);
  assert.equal(a.text, "Answer: 2");
  assert.deepEqual(a.usage, { inputTokens: 1000, outputTokens: 4 });
  // $3 / $15 per 1M tokens; the dated model the server names bills as its alias
  assert.equal(a.cost, (1000 * 3 + 4 * 15) / 1e6);
  assert.deepEqual(a.meta, {
    provider: "anthropic",
    model: "claude-sonnet-4-5-20250929",
    requestedModel: "claude-sonnet-4-5",
    stopReason: "end_turn",
    id: a.meta!.id,
    notSent: ["temperature", "seed"],
    parseMethod: "marker",
  });
  assert.ok(!JSON.stringify(a).includes(KEY));
  assert.equal(server.count(), 1);
  const req = server.requests[0];
  assert.equal(req.url, "/v1/messages");
  assert.deepEqual(req.body, {
    model: "claude-sonnet-4-5",
    max_tokens: 5,
    system: "You are a woman living in Singapore.",
    messages: [{ role: "user", content: prompt.messages[1].content }],
  });
  // the SDK (1.x) sends an API key as a bearer token
  assert.equal(req.headers.authorization, `Bearer ${KEY}`);
  assert.match(String(req.headers["anthropic-version"]), /^\d{4}-\d{2}-\d{2}$/);
  // without maxTokens the Messages API's required max_tokens gets the default
  server.reset();
  await claude.answer(prompt, {});
  assert.equal(server.requests[0].body.max_tokens, 1024);
});

test("a refusal stop and an open-ended prompt: the one parser decides", async () => {
  server.reset();
  server.setBehaviour(() => ({ text: "", stopReason: "refusal" }));
  const r = answerFromReply(await claude.answer(prompt, {}), prompt);
  assert.deepEqual([r.code, r.refused, r.reason], [null, true, "refusal"]);
  server.setBehaviour(() => ({ text: "Family is everything to me: Answer: 1" }));
  const open = { ...prompt, answerCodes: [], answerLabels: {} };
  const o = answerFromReply(await claude.answer(open, { json: true }), open);
  assert.deepEqual([o.code, o.refused, o.reason, o.text], [null, false, "open-ended", "Family is everything to me: Answer: 1"]);
  assert.equal(o.meta!.json, "prompt only (the Messages API has no JSON mode)");
  assert.equal(server.requests.at(-1)!.body.response_format, undefined);
});

test("429 with retry-after and 529 overloaded are transient, asked once each (the SDK does not retry)", async () => {
  server.reset();
  server.setBehaviour(() => ({ kind: "rate-limit", retryAfterSeconds: 7 }));
  const e = await rejectsWith(claude.answer(prompt, {}));
  assert.deepEqual([e.status, e.retryAfterSeconds, e.transient, e.unreachable], [429, 7, true, false]);
  assert.match(e.message, /^anthropic:claude-sonnet-4-5: HTTP 429: .*\(rate_limit_error\)$/);
  assert.equal(server.count(), 1);
  for (const retryAfter of [undefined, 3]) {
    server.reset();
    server.setBehaviour(() => ({ kind: "overloaded", retryAfterSeconds: retryAfter }));
    const o = await rejectsWith(claude.answer(prompt, {}));
    assert.deepEqual([o.status, o.retryAfterSeconds, o.transient], [529, retryAfter, true]);
    assert.equal(o.message, "anthropic:claude-sonnet-4-5: HTTP 529: Overloaded (overloaded_error)");
    assert.equal(server.count(), 1);
  }
});

test("5xx is transient; 400, 401, 403, 404 are not; none echoes the key", async () => {
  for (const [status, type, transient] of [
    [500, "api_error", true],
    [503, "api_error", true],
    [400, "invalid_request_error", false],
    [401, "authentication_error", false],
    [403, "permission_error", false],
    [404, "not_found_error", false],
  ] as const) {
    server.reset();
    server.setBehaviour(() => ({ kind: "status", status, errorType: type, message: `boom ${status} ${KEY}` }));
    const e = await rejectsWith(claude.answer(prompt, {}));
    assert.equal(e.status, status);
    assert.equal(e.transient, transient, `status ${status}`);
    assert.match(e.message, new RegExp(`HTTP ${status}: boom ${status}`));
    assert.equal(server.count(), 1, `status ${status} asked once`);
  }
});

test("malformed bodies and timeouts are transient", async () => {
  for (const kind of ["malformed", "hang"] as const) {
    server.reset();
    server.setBehaviour(() => ({ kind }));
    const e = await rejectsWith(claude.answer(prompt, {}));
    assert.equal(e.transient, true, `${kind}: ${e.message}`);
    if (kind === "hang") assert.match(e.message, /timed out after 300 ms/);
    assert.equal(server.count(), 1);
  }
  server.reset();
  server.setBehaviour(() => ({ kind: "status", status: 200, body: { id: "msg_x", type: "message" } }));
  const e = await rejectsWith(claude.answer(prompt, {}));
  assert.equal(e.transient, true);
  assert.match(e.message, /malformed response \(no content array\)/);
});

test("through the runner: a 529 then an answer is retried once and answered; retry-after reaches the backoff; a 400 is not retried", async () => {
  let n = 0;
  server.reset();
  server.setBehaviour(() => (n++ === 0 ? { kind: "overloaded", retryAfterSeconds: 0 } : { text: "Answer: 3" }));
  const job = { prompt, split: "ood" as const, sample: 0 };
  const r = await runJobs({ provider: claude, jobs: [job], retry: { baseDelayMs: 1, maxDelayMs: 2 } });
  assert.deepEqual([r.counts.answered, r.counts.retries, r.predictions[0].code, server.count()], [1, 1, 3, 2]);
  assert.equal(r.rateLimitPauses, 1, "an overload pauses every request, like a 429");
  // what the runner reads from a 529: retry, after the server's Retry-After
  const c = classifyError(new ProviderError("x", 529, 3, true));
  assert.deepEqual([c.retry, c.retryAfterMs, c.kind], [true, 3000, "rate-limit"]);
  // a Retry-After longer than the policy allows fails at once instead of waiting (as for a 429)
  n = 0;
  server.reset();
  server.setBehaviour(() => ({ kind: "overloaded", retryAfterSeconds: 3600 }));
  const long = await runJobs({ provider: claude, jobs: [job], retry: { baseDelayMs: 1, maxDelayMs: 2 } });
  assert.match(long.errors[0].error, /Retry-After 3600s is longer than the 300s allowed/);
  assert.equal(server.count(), 1);
  server.reset();
  server.setBehaviour(() => ({ kind: "status", status: 400, errorType: "invalid_request_error", message: "max_tokens: too large" }));
  const bad = await runJobs({ provider: claude, jobs: [job], retry: { baseDelayMs: 1, maxDelayMs: 2 } });
  assert.deepEqual([bad.counts.errors, bad.errors[0].attempts, bad.errors[0].status, server.count()], [1, 1, 400, 1]);
  assert.match(bad.errors[0].error, /HTTP 400: max_tokens: too large \(invalid_request_error\)/);
  // a refused key stops the run at once, naming the variable to check
  server.reset();
  server.setBehaviour(() => ({ kind: "status", status: 401, errorType: "authentication_error", message: "invalid x-api-key" }));
  const auth = await runJobs({ provider: claude, jobs: [job, { ...job, sample: 1 }], concurrency: 1, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
  assert.equal(
    auth.fatal,
    `${server.url} refused the credentials (HTTP 401: invalid x-api-key (authentication_error)); check the API key (ANTHROPIC_API_KEY for anthropic:). Stopped without sending more`,
  );
  assert.equal(server.count(), 1);
});

test("with the runner's own fetch (httpFetch) the SDK maps failures the same way", async () => {
  const viaRunner = await createProvider("anthropic:claude-sonnet-4-5", {
    baseURL: server.url,
    env: { ANTHROPIC_API_KEY: KEY },
    timeoutMs: 300,
    fetch: httpFetch,
  });
  const cases: Array<[Parameters<AnthropicServer["setBehaviour"]>[0], number | undefined, RegExp]> = [
    [() => ({ kind: "overloaded", retryAfterSeconds: 2 }), 529, /HTTP 529: Overloaded/],
    [() => ({ kind: "malformed" }), 200, /malformed response body/],
    [() => ({ kind: "hang" }), undefined, /timed out after 300 ms/],
  ];
  for (const [behaviour, status, re] of cases) {
    server.reset();
    server.setBehaviour(behaviour);
    const e = await rejectsWith(viaRunner.answer(prompt, {}));
    assert.deepEqual([e.status, e.transient], [status, true], e.message);
    assert.match(e.message, re);
  }
  server.setBehaviour(() => ({ text: "Answer: 4" }));
  assert.equal(answerFromReply(await viaRunner.answer(prompt, {}), prompt).code, 4);
});

test("no logprobs, said plainly: no distribution capability; a distribution request is refused before any call", async () => {
  assert.equal(claude.capabilities.distribution, false);
  assert.equal(kindOf("anthropic:x")!.capabilities.distribution, false);
  server.reset();
  const e = await rejectsWith(claude.answer(prompt, { distribution: true }));
  assert.equal(e.transient, false);
  assert.match(e.message, /gives no token probabilities \(logprobs\), so no answer distribution; run without --distribution/);
  await assert.rejects(
    runJobs({ provider: claude, jobs: [{ prompt, split: "ood", sample: 0 }], generate: { distribution: true } }),
    /cannot give an answer distribution/,
  );
  assert.equal(server.count(), 0);
});

test("keys and specs: no key → clear error; bad spec → the expected syntax; base URL with credentials refused", async () => {
  await assert.rejects(createProvider("anthropic:claude-haiku-4-5", { env: {} }), /ANTHROPIC_API_KEY is not set \(keys are read from the environment only\)/);
  await assert.rejects(
    createProvider("anthropic:", { env: { ANTHROPIC_API_KEY: KEY } }),
    /bad model spec "anthropic:": expected anthropic:MODEL, e\.g\. anthropic:claude-sonnet-4-5/,
  );
  await assert.rejects(
    createProvider("anthropic:claude-haiku-4-5", { env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: "http://u:secret-9@127.0.0.1:1" } }),
    (e: Error) => /ANTHROPIC_BASE_URL: .*carries credentials.*ANTHROPIC_API_KEY/.test(e.message) && !e.message.includes("secret-9"),
  );
});

test("cache identity: the endpoint only when not api.anthropic.com; labels and prices from the registry", () => {
  assert.deepEqual(cacheIdentity("anthropic:claude-haiku-4-5", { env: {} }), { id: "anthropic:claude-haiku-4-5" });
  assert.deepEqual(cacheIdentity("anthropic:claude-haiku-4-5", { env: { ANTHROPIC_BASE_URL: "https://api.anthropic.com/" } }), {
    id: "anthropic:claude-haiku-4-5",
  });
  assert.deepEqual(cacheIdentity("anthropic:claude-haiku-4-5", { env: { ANTHROPIC_BASE_URL: "http://gw.local:9/" } }), {
    id: "anthropic:claude-haiku-4-5",
    endpoint: "http://gw.local:9",
  });
  assert.equal(anthropicEndpoint(server.url, {}), server.url);
  assert.equal(claude.endpoint, server.url);
  // the endpoint is part of the key: the same prompt through a gateway is another cache entry
  const job = { prompt, split: "ood" as const, sample: 0 };
  assert.notEqual(
    jobKey(cacheIdentity("anthropic:m", { env: {} }), job),
    jobKey(cacheIdentity("anthropic:m", { env: { ANTHROPIC_BASE_URL: "http://gw.local:9" } }), job),
  );
  assert.equal(providerLabel("anthropic:claude-haiku-4-5"), "claude-haiku-4-5");
  assert.equal(priceFor("anthropic:claude-haiku-4-5-20251001")!({ inputTokens: 1e6, outputTokens: 1e6 }), 6);
  assert.equal(priceFor("anthropic:claude-unknown"), undefined);
  assert.match(ANTHROPIC_PRICE_TABLE.source, /^https:\/\//);
  assert.match(ANTHROPIC_PRICE_TABLE.asOf, /^\d{4}-\d{2}-\d{2}$/);
});

/** The real svlab command, without blocking this process (the test server lives in it). */
function svlab(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), "bin", "svlab.mjs"), ...args], { cwd: projectRoot(), env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}

test("svlab run --model anthropic:… through the CLI: every request answered, parsed and priced; a rerun is served from the cache", async () => {
  const bench = await loadBenchmark();
  server.reset();
  // answer with the last code on offer, so every question gets a valid code
  server.setBehaviour((req) => {
    const codes = [...String(req.body.messages.at(-1).content).matchAll(/^\s*(\d+)\./gm)].map((m) => m[1]);
    return { text: `Answer: ${codes.at(-1) ?? 1}`, usage: { input_tokens: 100, output_tokens: 3 } };
  });
  const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url, SVLAB_CACHE: join(tmp, "cache") };
  const args = [
    "run",
    "--model",
    "anthropic:claude-haiku-4-5",
    "--split",
    "ood",
    "--limit",
    "12",
    "--results",
    join(tmp, "results"),
    "--json",
    "--concurrency",
    "2",
  ];
  const r = await svlab([...args, "--run-id", "a1"], env);
  assert.equal(r.status, 0, r.stderr);
  const s = r.json();
  assert.equal(s.n, 12);
  assert.equal(s.answered, 12);
  assert.equal(s.parsed, 12);
  assert.equal(s.errors, 0);
  assert.equal(server.count(), 12);
  // $1 / $5 per 1M: 12 × (100 × 1 + 3 × 5) / 1e6
  assert.ok(Math.abs(s.cost - (12 * (100 + 15)) / 1e6) < 1e-12, String(s.cost));
  const res = await readResults(join(tmp, "results", "a1"));
  assert.equal(res.manifest.model, "anthropic:claude-haiku-4-5");
  assert.equal(res.manifest.status, "completed");
  assert.ok(res.predictions.every((p) => p.code !== null && p.text?.startsWith("Answer: ")));
  assert.ok(res.predictions.every((p) => bench.questions.some((q) => q.id === p.question)));
  assert.ok(server.requests.every((q) => typeof q.body.system === "string" && q.body.messages.every((m: { role: string }) => m.role !== "system")));
  // the same run again: all from the cache, nothing sent
  const again = await svlab([...args, "--run-id", "a2"], env);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.json().cached, 12);
  assert.equal(server.count(), 12);
});
