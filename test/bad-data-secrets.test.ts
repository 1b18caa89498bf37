/**
 * Secrets never reach the disk (issue 8, case 10): a server that echoes the Authorization header in
 * its error gets neither the key nor the bearer token into errors.jsonl, run.json or the cache.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import { redact, REDACTED } from "../src/models/secrets";
import { runGrid } from "../src/runner/grid";
import { startOpenAIServer, type OpenAIServer } from "./support/openai-server";

const KEY = "svlab-test-secret-0123456789abcdef";
let server: OpenAIServer;
let tmp: string;
const saved = process.env.SVLAB_API_KEY;

before(async () => {
  server = await startOpenAIServer();
  tmp = await mkdtemp(join(tmpdir(), "svlab-secrets-"));
});
after(async () => {
  if (saved === undefined) delete process.env.SVLAB_API_KEY;
  else process.env.SVLAB_API_KEY = saved;
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

test("redact: key values in use, bearer tokens and sk- keys", () => {
  assert.equal(redact(`x ${KEY} y`, { SVLAB_API_KEY: KEY }), `x ${REDACTED} y`);
  assert.equal(redact("Authorization: Bearer abc.DEF-123_xyz=", {}), `Authorization: Bearer ${REDACTED}`);
  // Built at run time so the repository holds nothing that looks like a key.
  const fakeKey = ["sk", "proj", "AbCdEfGhIjKlMnOpQrStUv"].join("-");
  assert.equal(redact(`{"error":"bad key ${fakeKey}"}`, {}), `{"error":"bad key ${REDACTED}"}`);
  assert.equal(redact("nothing secret here: no-key, Answer: 3", { SVLAB_API_KEY: "no-key" }), "nothing secret here: no-key, Answer: 3");
});

test("case 10: a server echoing the Authorization header gets no key into any file", async () => {
  process.env.SVLAB_API_KEY = KEY;
  let n = 0;
  server.setBehaviour((req) =>
    n++ % 2 === 0
      ? { kind: "status", status: 400, body: { error: { message: `invalid request; you sent authorization: ${req.headers.authorization}` } } }
      : { text: `Answer: 1 (echo ${req.headers.authorization})` },
  );
  try {
    const s = await runGrid({
      model: `openai-compatible:${server.baseURL}#m`,
      benchmark: await loadBenchmark(),
      split: "ood",
      limit: 4,
      concurrency: 1,
      cacheDir: join(tmp, "cache"),
      resultsRoot: join(tmp, "results"),
      runId: "echo",
      progress: "none",
    });
    assert.equal(server.requests[0].headers.authorization, `Bearer ${KEY}`, "the key was sent");
    assert.deepEqual([s.answered, s.errors], [2, 2]);
    assert.equal(
      s.result.errors[0].error,
      `client: openai-compatible:${server.baseURL}#m: HTTP 400: invalid request; you sent authorization: Bearer ${REDACTED}`,
    );
    const files = [
      ...readdirSync(join(tmp, "results", "echo")).map((f) => join(tmp, "results", "echo", f)),
      ...readdirSync(join(tmp, "cache"), { recursive: true })
        .map((f) => join(tmp, "cache", String(f)))
        .filter((f) => /\.jsonl$/.test(f)),
    ];
    assert.ok(files.length >= 4, files.join(", "));
    let redactions = 0;
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      assert.equal(text.includes(KEY), false, f);
      assert.equal(/Bearer svlab/.test(text), false, f);
      redactions += text.split(REDACTED).length - 1;
    }
    assert.equal(redactions, 2 + 2 + 2, "two errors, two answers in predictions and two in the cache");
  } finally {
    server.setBehaviour(undefined);
    delete process.env.SVLAB_API_KEY;
  }
});
