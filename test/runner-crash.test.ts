/**
 * Crash safety with real processes: start `svlab run` against the local server, kill -9 it mid-run,
 * rerun the same command, and check from the server's side that no pair is lost and none was asked
 * twice except those in flight at the kill. Also a Ctrl-C (SIGINT) run: clean stop, summary printed.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnswerCache } from "../src/runner/cache";
import { readResults } from "../src/runner/results";
import { startOpenAIServer, type OpenAIServer } from "./support/openai-server";

let server: OpenAIServer;
let tmp: string;
before(async () => {
  server = await startOpenAIServer({ latencyMs: 15 });
  tmp = await mkdtemp(join(tmpdir(), "svlab-crash-"));
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

const ROOT = process.cwd();

function svlab(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

const bodyId = (body: any) => JSON.stringify(body?.messages);

test("kill -9 mid-run, rerun: no pair lost, none asked twice but the in-flight ones", async () => {
  const env = { SVLAB_CACHE: join(tmp, "cache"), SVLAB_RESULTS: join(tmp, "results") };
  const N = 400;
  const C = 8;
  const args = [
    "run",
    "--model",
    `openai-compatible:${server.baseURL}#crash-model`,
    "--split",
    "ood",
    "--limit",
    String(N),
    "--concurrency",
    String(C),
    "--json",
  ];
  server.reset();
  const first = svlab(args, env);
  // kill once a good part of the run has been answered
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (server.count() >= 150) {
        clearInterval(t);
        first.child.kill("SIGKILL");
        resolve();
      }
    }, 2);
    first.done.then(() => {
      clearInterval(t);
      reject(new Error("the run ended before it could be killed"));
    });
  });
  const killed = await first.done;
  assert.equal(killed.signal, "SIGKILL");
  const askedBefore = server.requests.map((r) => bodyId(r.body));
  assert.equal(new Set(askedBefore).size, askedBefore.length, "no request repeated within the first run");
  const cachedAfterKill = AnswerCache.open(env.SVLAB_CACHE, { readOnly: true }).size;
  assert.ok(cachedAfterKill > 0 && cachedAfterKill <= askedBefore.length);
  // at most the in-flight requests (≤ concurrency) were received but not saved
  assert.ok(askedBefore.length - cachedAfterKill <= C, `${askedBefore.length - cachedAfterKill} answers lost`);

  server.reset();
  const second = svlab(args, env);
  const res = await second.done;
  assert.equal(res.code, 0, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.n, N);
  assert.equal(summary.errors, 0);
  assert.equal(summary.cached, cachedAfterKill);
  const askedAfter = server.requests.map((r) => bodyId(r.body));
  assert.equal(askedAfter.length, N - cachedAfterKill, "the rerun asked only what the cache lacked");
  const all = [...askedBefore, ...askedAfter];
  const distinct = new Set(all);
  assert.equal(distinct.size, N, "every pair was asked");
  assert.ok(all.length - N <= C, `${all.length - N} pairs asked twice (more than the ${C} in flight)`);
  const r = await readResults(summary.dir);
  assert.equal(r.predictions.length, N);
  assert.equal(new Set(r.predictions.map((p) => `${p.question}::${p.subgroup}`)).size, N);
  assert.equal(r.manifest.status, "completed");
});

test("Ctrl-C stops cleanly: answers kept, summary printed, rerun finishes", async () => {
  const env = { SVLAB_CACHE: join(tmp, "cache-int"), SVLAB_RESULTS: join(tmp, "results-int") };
  const args = ["run", "--model", `openai-compatible:${server.baseURL}#int-model`, "--limit", "200", "--concurrency", "4", "--json"];
  server.reset();
  const run = svlab(args, env);
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (server.count() >= 40) {
        clearInterval(t);
        run.child.kill("SIGINT");
        resolve();
      }
    }, 2);
  });
  const res = await run.done;
  assert.equal(res.code, 130, res.stderr);
  const summary = JSON.parse(res.stdout);
  assert.equal(summary.status, "aborted");
  assert.equal(summary.errors, 0);
  assert.ok(summary.n >= 36 && summary.n < 200, `answered ${summary.n}`);
  assert.equal(summary.n + summary.skipped, 200);
  const r = await readResults(summary.dir);
  assert.equal(r.predictions.length, summary.n);
  assert.match(res.stderr, /stopping/);

  server.reset();
  const again = await svlab(args, env).done;
  const s2 = JSON.parse(again.stdout);
  assert.equal(s2.n, 200);
  assert.equal(s2.cached, summary.n);
  assert.equal(server.count(), 200 - summary.n);
});
