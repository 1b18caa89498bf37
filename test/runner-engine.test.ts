/**
 * The engine with in-process fake providers: late answers of aborted attempts are never recorded,
 * providers that serialise their calls cap the concurrency, the provider's transient flag decides
 * retries, cached text is re-parsed on read, and progress displays keep the final state.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { ProviderError, type Answer, type Prompt, type Provider } from "../src/models/types";
import { AnswerCache } from "../src/runner/cache";
import { effectiveConcurrency, jobKey, runJobs, type Job, type ProgressState } from "../src/runner/engine";
import { textProgress } from "../src/runner/progress";
import { classifyError } from "../src/runner/retry";

const labels = { "1": "Very important", "2": "Rather important", "3": "Not very important", "4": "Not at all important" };
function jobs(n: number): Job[] {
  return Array.from({ length: n }, (_, i) => {
    const prompt: Prompt = {
      question: `Q${i + 1}`,
      subgroup: "sex:Female",
      templateId: "system-persona",
      messages: [{ role: "user", content: `Question ${i + 1}` }],
      answerCodes: [1, 2, 3, 4],
      answerLabels: labels,
    };
    return { prompt, split: "ood", sample: 0 };
  });
}
const answer = (text: string, code: number | null, extra: Partial<Answer> = {}): Answer => ({ text, code, refused: false, latencyMs: 0, ...extra });
const fast = { baseDelayMs: 1, maxDelayMs: 2 };

/** A FIFO lock like llama.ts's: one call at a time. */
function serialised() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

test("an answer that arrives after its attempt timed out is neither recorded nor cached; the retry's is", async () => {
  const dir = mkdtempSync(join(tmpdir(), "svlab-engine-"));
  try {
    let calls = 0;
    // ignores the signal and hands back what it has (like a generator cut short): first call too slow
    const provider: Provider = {
      id: "fake:late",
      capabilities: { distribution: false, seed: false, batch: false },
      async answer() {
        calls++;
        const slow = calls === 1;
        await new Promise((r) => setTimeout(r, slow ? 120 : 1));
        return slow ? answer("Answer:", null, { reason: "no code found" }) : answer("Answer: 2", 2);
      },
    };
    const cache = AnswerCache.open(dir);
    const r = await runJobs({ provider, jobs: jobs(1), cache, concurrency: 1, retry: { ...fast, timeoutMs: 40, maxAttempts: 3 } });
    cache.close();
    assert.equal(calls, 2);
    assert.equal(r.counts.retries, 1);
    assert.deepEqual(
      r.predictions.map((p) => [p.code, p.text]),
      [[2, "Answer: 2"]],
    );
    const again = AnswerCache.open(dir, { readOnly: true });
    assert.equal(again.size, 1);
    assert.equal(again.get(jobKey(provider, jobs(1)[0]))!.text, "Answer: 2");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a provider that serialises (maxConcurrency 1) is not queued behind its lock at concurrency 8: no timeouts", async () => {
  const lock = serialised();
  let inside = 0;
  let most = 0;
  const make = (maxConcurrency?: number): Provider => ({
    id: "fake:serial",
    capabilities: { distribution: false, seed: false, batch: false, ...(maxConcurrency ? { maxConcurrency } : {}) },
    answer: (_p, o) =>
      lock(async () => {
        if (o.signal?.aborted) throw o.signal.reason;
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 25));
        inside--;
        return answer("Answer: 1", 1);
      }),
  });
  // 8 calls of 25 ms behind one lock, 60 ms per attempt: queued attempts would time out
  const without = await runJobs({ provider: make(), jobs: jobs(8), concurrency: 8, retry: { ...fast, timeoutMs: 60, maxAttempts: 1 } });
  assert.ok(without.counts.errors > 0, "the bug this guards against: queued attempts time out");
  const r = await runJobs({ provider: make(1), jobs: jobs(8), concurrency: 8, retry: { ...fast, timeoutMs: 60, maxAttempts: 1 } });
  assert.equal(r.counts.errors, 0);
  assert.equal(r.counts.answered, 8);
  assert.equal(most, 1);
  assert.equal(effectiveConcurrency(make(1), 8), 1);
  assert.equal(effectiveConcurrency(make(), undefined), 8);
  assert.equal(effectiveConcurrency(make(4), 2), 2);
});

test("the provider's transient flag decides: a non-transient 429 fails at once, a transient one waits its Retry-After", async () => {
  assert.equal(classifyError(new ProviderError("quota", 429, 20, false)).retry, false);
  assert.deepEqual(classifyError(new ProviderError("slow down", 429, 0.05, true)), {
    retry: true,
    status: 429,
    retryAfterMs: 50,
    kind: "rate-limit",
    message: "slow down",
  });
  assert.equal(classifyError(new ProviderError("conflict", 409, undefined, true)).retry, true);
  assert.equal(classifyError(new ProviderError("bad", 400, undefined, false)).retry, false);
  assert.equal(classifyError(new ProviderError("server said no retry", 503, undefined, false)).retry, false);

  let calls = 0;
  const quota: Provider = {
    id: "fake:quota",
    capabilities: { distribution: false, seed: false, batch: false },
    async answer() {
      calls++;
      throw new ProviderError("HTTP 429: insufficient_quota", 429, 20, false);
    },
  };
  const r = await runJobs({ provider: quota, jobs: jobs(1), retry: { ...fast, maxAttempts: 6 } });
  assert.equal(calls, 1);
  assert.equal(r.rateLimitPauses, 0);
  assert.deepEqual(
    r.errors.map((e) => [e.error, e.status, e.attempts]),
    [["rate-limit: HTTP 429: insufficient_quota", 429, 1]],
  );

  let n = 0;
  const limited: Provider = {
    id: "fake:limited",
    capabilities: { distribution: false, seed: false, batch: false },
    async answer() {
      if (n++ === 0) throw new ProviderError("HTTP 429: slow down", 429, 0.05, true);
      return answer("Answer: 4", 4);
    },
  };
  const t0 = performance.now();
  const r2 = await runJobs({ provider: limited, jobs: jobs(1), retry: { ...fast, maxAttempts: 3 } });
  assert.ok(performance.now() - t0 >= 45);
  assert.equal(r2.rateLimitPauses, 1);
  assert.equal(r2.predictions[0].code, 4);
});

test("cached text is re-parsed on read: a parser fix reaches answers cached before it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "svlab-engine-"));
  try {
    const provider: Provider = {
      id: "fake:old",
      capabilities: { distribution: false, seed: false, batch: false },
      answer: async () => assert.fail("must come from the cache"),
    };
    const [j1, j2, j3] = jobs(3);
    const cache = AnswerCache.open(dir);
    // what an older parser stored: a refusal for a reply with a code, a code for a decimal, a score-mode answer
    cache.put(
      jobKey(provider, j1),
      answer("I cannot say for sure, but I'd rate it 2", null, { refused: true, reason: "refusal", meta: { parseMethod: undefined } }),
    );
    cache.put(jobKey(provider, j2), answer("Answer: 2.5", 2, { meta: { parseMethod: "marker" } }));
    cache.put(jobKey(provider, j3), answer("", 3, { distribution: { "1": 0, "2": 0, "3": 1, "4": 0 }, validMass: 0.5 }));
    const r = await runJobs({ provider, jobs: [j1, j2, j3], cache });
    cache.close();
    assert.equal(r.counts.cached, 3);
    const [p1, p2, p3] = r.predictions;
    assert.deepEqual([p1.code, p1.refused, p1.reason], [2, false, undefined]);
    assert.deepEqual([p2.code, p2.refused, p2.reason], [null, false, "not a whole number: 2.5 (valid: 1, 2, 3, 4)"]);
    assert.deepEqual([p3.code, p3.validMass], [3, 0.5], "answers without text keep their code");
    assert.deepEqual([r.counts.parsed, r.counts.refused, r.counts.unparsed], [2, 0, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("progress: the final state is written on stop even when the last update was throttled", async () => {
  const stream = new PassThrough();
  let out = "";
  stream.on("data", (d) => (out += d));
  const display = textProgress(stream, "run ", 60_000);
  const r = await runJobs({
    provider: { id: "fake:ok", capabilities: { distribution: false, seed: false, batch: false }, answer: async () => answer("Answer: 1", 1) },
    jobs: jobs(5),
    onProgress: (p: ProgressState) => display.update(p),
  });
  display.stop();
  assert.equal(r.counts.answered, 5);
  assert.match(out, /^run 5\/5 \(100%\) · .* · 0 errors · \$0 · done in 0:00\n$/);
  display.stop(); // nothing new: not written twice
  assert.equal(out.split("\n").length, 2);
});

test("providers give raw text; the engine parses it once (live and cached alike); prompts without codes are not parsed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "svlab-engine-"));
  try {
    const raw: Provider = {
      id: "fake:raw",
      capabilities: { distribution: false, seed: false, batch: false },
      // what a provider gives: text only, no code (src/models/types.ts ProviderReply)
      async answer(p) {
        return { text: p.answerCodes.length ? "I'd say Rather important" : "Family comes first. Answer: 2", latencyMs: 0 };
      },
    };
    const open: Job = {
      ...jobs(1)[0],
      prompt: {
        ...jobs(1)[0].prompt,
        question: "Q9",
        messages: [{ role: "user", content: "Why does family matter to you?" }],
        answerCodes: [],
        answerLabels: {},
      },
    };
    const cache = AnswerCache.open(dir);
    const live = await runJobs({ provider: raw, jobs: [...jobs(1), open], cache });
    assert.deepEqual(
      live.predictions.map((p) => [p.code, p.refused, p.reason ?? null]),
      [
        [2, false, null],
        [null, false, "open-ended"],
      ],
    );
    assert.deepEqual([live.counts.parsed, live.counts.unparsed], [1, 1]);
    // the cache holds whole answers (as before): an entry written by an older svlab is read the same way
    const key = jobKey(raw, jobs(1)[0]);
    assert.equal(cache.get(key)!.code, 2);
    cache.close();
    const again = AnswerCache.open(dir);
    const r = await runJobs({ provider: { ...raw, answer: async () => assert.fail("must come from the cache") }, jobs: [...jobs(1), open], cache: again });
    again.close();
    assert.deepEqual(
      r.predictions.map((p) => [p.code, p.reason ?? null, p.cached]),
      [
        [2, null, true],
        [null, "open-ended", true],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
