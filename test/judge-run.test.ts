/**
 * The open-ended task and the judge end to end, through the real CLI against the local
 * OpenAI-protocol server: generation (n = --limit, no options shown), win rates under scripted
 * judges (always the candidate → 1.0; always "A" → exactly 0.5, the swap cancels it), unreadable
 * verdicts counted and never ties, and a judge run killed mid-way resumes without asking again.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listRuns, readResults } from "../src/runner/results";
import { readJudgeRun } from "../src/judge/run";
import { lastMessage, startOpenAIServer, type OpenAIServer, type RecordedRequest, type Reply } from "./support/openai-server";

const ROOT = process.cwd();
let server: OpenAIServer;
let tmp: string;
let env: Record<string, string>;
const N = 6;

/** Which answer the candidate's is in a judge request ("cand says" is the candidate's text). */
const candidateAt = (req: RecordedRequest): "A" | "B" => (lastMessage(req).split("[Answer B]")[0].includes("cand says") ? "A" : "B");

/** Judges by model name: the server plays the candidate, the reference and every scripted judge. */
function behaviour(req: RecordedRequest): Reply {
  const model: string = req.body?.model;
  if (model === "cand" || model === "ref") return { text: `${model} says: family comes first for me.` };
  const pos = candidateAt(req);
  switch (model) {
    case "prefers-candidate":
      return { text: JSON.stringify({ overall: pos, value: pos, persona: pos, reason: "closer to the persona" }) };
    case "always-a":
      return { text: `Here is my verdict:\n\`\`\`json\n{"Overall": "A", "VALUE": "a", "persona": "Answer A", "reason": "first is better"}\n\`\`\`` };
    case "sloppy":
      // candidate-as-A calls: prose with a tie spelled "Equal" and an unreadable persona; candidate-as-B calls: no verdict at all
      return pos === "A" ? { text: "Overall: TIE\nValue: Equal\nPersona: both are bad, I cannot say" } : { text: "I refuse to compare these." };
    case "slow-candidate":
      return { text: JSON.stringify({ overall: pos, value: "tie", persona: pos }), latencyMs: 25 };
    default:
      return { kind: "status", status: 400, body: { error: { message: `unknown model ${model}` } } };
  }
}

function svlab(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
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

async function json(args: string[]): Promise<any> {
  const r = await svlab(args).done;
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const judgeArgs = (judge: string, extra: string[] = []) => [
  "judge",
  "--candidate",
  "cand",
  "--reference",
  "ref",
  "--judge",
  `openai-compatible:${server.baseURL}#${judge}`,
  "--results",
  join(tmp, "results"),
  "--json",
  ...extra,
];

before(async () => {
  server = await startOpenAIServer({ behaviour });
  tmp = await mkdtemp(join(tmpdir(), "svlab-judge-"));
  env = { SVLAB_CACHE: join(tmp, "cache"), SVLAB_RESULTS: join(tmp, "unused") };
  for (const m of ["cand", "ref"]) {
    const s = await json([
      "run",
      "--task",
      "open-ended",
      "--model",
      `openai-compatible:${server.baseURL}#${m}`,
      "--split",
      "ood",
      "--limit",
      String(N),
      "--run-id",
      m,
      "--results",
      join(tmp, "results"),
      "--json",
    ]);
    assert.equal(s.n, N);
  }
});
after(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

test("run --task open-ended: n = --limit, free text stored, no options or answer format asked, N distinct questions", async () => {
  const r = await readResults(join(tmp, "results", "cand"));
  assert.equal(r.manifest.task, "open-ended");
  assert.equal(r.manifest.limit, N);
  assert.equal(r.manifest.generate.maxTokens, 300);
  assert.equal(r.predictions.length, N);
  assert.ok(r.predictions.every((p) => p.text === "cand says: family comes first for me." && p.code === null));
  // the stratified subset: N ≤ #questions gives N different questions
  assert.equal(new Set(r.predictions.map((p) => p.question)).size, N);
  const asked = server.requests.filter((q) => q.body.model === "cand");
  assert.equal(asked.length, N);
  for (const q of asked) {
    const text = lastMessage(q);
    assert.doesNotMatch(text, /Options:|Answer: <code>/);
    assert.match(text, /in your own words/);
    assert.equal(q.body.max_tokens, 300);
  }
  // the same pairs for the reference (a fixed subset), so every item can be judged
  const ref = await readResults(join(tmp, "results", "ref"));
  assert.deepEqual(
    ref.predictions.map((p) => `${p.question}|${p.subgroup}`),
    r.predictions.map((p) => `${p.question}|${p.subgroup}`),
  );
});

test("a judge that always prefers the candidate: win rate exactly 1 on every criterion, 2n judgements", async () => {
  const s = await json(judgeArgs("prefers-candidate"));
  assert.equal(s.n, N);
  assert.equal(s.judgements, 2 * N);
  assert.equal(s.unparsed, 0);
  for (const c of ["overall", "value", "persona"]) {
    assert.equal(s.criteria[c].winRate, 1);
    assert.equal(s.criteria[c].n, N);
    assert.equal(s.criteria[c].positionConsistency, 1);
    assert.deepEqual(s.criteria[c].ci, [1, 1]);
  }
  // both orders of every item, the candidate once as A and once as B
  const run = await readJudgeRun(s.dir);
  assert.equal(run.judgements.length, 2 * N);
  assert.equal(run.judgements.filter((j) => j.candidate === "A").length, N);
  assert.equal(new Set(run.judgements.map((j) => j.item)).size, N);
  assert.equal(run.manifest.status, "completed");
  assert.equal(run.judgements[0].reason, "closer to the persona");
  // SVLAB_CACHE sets the cache folder of judge calls as of every run
  assert.equal(run.manifest.extra?.cacheDir, env.SVLAB_CACHE);
});

test('a judge that always answers "A" (fenced JSON, odd key case): exactly 0.5, never position-consistent', async () => {
  const s = await json(judgeArgs("always-a"));
  assert.equal(s.judgements, 2 * N);
  assert.equal(s.unparsed, 0);
  for (const c of ["overall", "value", "persona"]) {
    assert.equal(s.criteria[c].winRate, 0.5);
    assert.equal(s.criteria[c].positionConsistency, 0);
    assert.equal(s.criteria[c].tieRate, 0);
    assert.equal(s.criteria[c].aRate, 1);
  }
});

test("unreadable verdicts are counted, never ties; greedy judge in JSON mode; --criteria picks criteria", async () => {
  const before = server.count();
  const s = await json(judgeArgs("sloppy"));
  // candidate-as-A replies read overall/value as ties and persona as unreadable; candidate-as-B replies read nothing
  assert.equal(s.unparsed, 2 * N, "judgements with an unreadable verdict");
  for (const c of ["overall", "value", "persona"]) {
    assert.equal(s.criteria[c].unparsed, N, `${c}: items with an unreadable verdict in an order`);
    assert.equal(s.criteria[c].n, 0, "an item with one unreadable order is not scored");
    assert.equal(s.criteria[c].winRate, null, "no win rate (NaN in JSON), not a tie's 0.5");
  }
  const run = await readJudgeRun(s.dir);
  const b = run.judgements.find((j) => j.candidate === "B")!;
  assert.deepEqual(b.verdicts, { overall: null, value: null, persona: null });
  assert.equal(b.raw, "I refuse to compare these.");
  const sent = server.requests.slice(before);
  assert.equal(sent.length, 2 * N);
  assert.equal(sent[0].body.temperature, 0);
  assert.deepEqual(sent[0].body.response_format, { type: "json_object" }, "JSON mode asked of the judge");
  assert.equal((await readJudgeRun(s.dir)).manifest.generate.json, true);

  const one = await json(judgeArgs("prefers-candidate", ["--criteria", "overall"]));
  assert.deepEqual(Object.keys(one.criteria), ["overall"]);
  assert.equal(one.criteria.overall.winRate, 1);
});

test("a judge run killed mid-way resumes: rerun asks only what was not answered", async () => {
  server.reset();
  const args = judgeArgs("slow-candidate", ["--concurrency", "1"]);
  const first = svlab(args);
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (server.count() >= 4) {
        clearInterval(t);
        first.child.kill("SIGKILL");
        resolve();
      }
    }, 2);
    first.done.then(() => {
      clearInterval(t);
      reject(new Error("the judge run ended before it could be killed"));
    });
  });
  const killed = await first.done;
  assert.equal(killed.signal, "SIGKILL");
  const askedFirst = server.requests.map((r) => lastMessage(r) + candidateAt(r));
  server.reset();
  const s = await json(args);
  assert.equal(s.judgements, 2 * N);
  assert.equal(s.status, "completed");
  // concurrency 1: at most the one call in flight at the kill is asked again
  const askedAgain = server.requests.map((r) => lastMessage(r) + candidateAt(r));
  assert.equal(s.cached + askedAgain.length, 2 * N);
  assert.ok(s.cached >= askedFirst.length - 1, `${s.cached} cached of ${askedFirst.length} asked before the kill`);
  assert.ok(askedAgain.filter((k) => askedFirst.includes(k)).length <= 1, "answered calls were asked again");
  assert.equal(s.criteria.overall.winRate, 1);
  assert.equal(s.criteria.value.winRate, 0.5);
});

test("closed-task runs are refused as judge input, with the command that makes open-ended ones", async () => {
  await json(["run", "--model", `openai-compatible:${server.baseURL}#cand`, "--limit", "2", "--run-id", "closed", "--results", join(tmp, "results"), "--json"]);
  const r = await svlab([
    "judge",
    "--candidate",
    "closed",
    "--reference",
    "ref",
    "--judge",
    `openai-compatible:${server.baseURL}#always-a`,
    "--results",
    join(tmp, "results"),
  ]).done;
  assert.equal(r.code, 1);
  assert.match(r.stderr, /run closed .* is not an open-ended run.*svlab run --task open-ended/);
  const ev = await svlab(["evaluate", "--run", join(tmp, "results", "cand"), "--split", "ood"]).done;
  assert.equal(ev.code, 1);
  assert.match(ev.stderr, /run cand is an open-ended run .* judged, not scored; svlab judge --candidate cand/);
  // reports and scoring list closed runs only: open-ended runs are judged, never scored as all wrong
  const ids = async (task?: "open-ended" | "all") => (await listRuns(join(tmp, "results"), task ? { task } : {})).map((x) => x.runId).sort();
  assert.deepEqual(await ids(), ["closed"]);
  assert.deepEqual(await ids("open-ended"), ["cand", "ref"]);
  assert.deepEqual(await ids("all"), ["cand", "closed", "ref"]);
});

test("Ctrl-C keeps the judgements so far; a rerun without the cache asks only the rest; a reused --judge-id with other options is refused", async () => {
  server.reset();
  const args = judgeArgs("slow-candidate", ["--concurrency", "1", "--no-cache", "--judge-id", "no-cache-run"]);
  const first = svlab(args);
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (server.count() >= 4) {
        clearInterval(t);
        first.child.kill("SIGINT");
        resolve();
      }
    }, 2);
  });
  const stopped = await first.done;
  assert.equal(stopped.code, 130, stopped.stderr);
  const s1 = JSON.parse(stopped.stdout);
  assert.equal(s1.status, "aborted");
  assert.ok(s1.judgements >= 3 && s1.judgements < 2 * N, `kept ${s1.judgements}`);
  assert.equal(s1.judgements + s1.skipped, 2 * N);
  server.reset();
  const s2 = await json(args);
  assert.equal(s2.status, "completed");
  assert.equal(s2.judgements, 2 * N);
  assert.equal(server.count(), 2 * N - s1.judgements, "only the judgements not kept were asked");
  assert.equal(s2.criteria.overall.winRate, 1);

  const other = await svlab(judgeArgs("slow-candidate", ["--no-cache", "--judge-id", "no-cache-run", "--criteria", "overall"])).done;
  assert.equal(other.code, 1);
  assert.match(other.stderr, /judge run no-cache-run already holds a judge run that differs in criteria, rubricSha256/);
});
