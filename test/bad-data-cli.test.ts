/**
 * The small ones of issue 8, case 11: a repaired cache says so (once); --preset nosuch names the
 * presets; raw Node errors become one sentence naming the path; a bug (TypeError, …) is called an
 * internal error with its stack, not shown as if it were the user's mistake.
 */
import { unusedPort } from "./support/ports";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { describeError, isBug } from "../src/cli/errors";
import { AnswerCache } from "../src/runner/cache";
import { svlab } from "./support/cli";

const tmp = mkdtempSync(join(tmpdir(), "svlab-bad-cli-"));

test("case 11: a cache whose last line was cut is repaired once, and the run says so", async () => {
  const dead = `openai-compatible:http://127.0.0.1:${await unusedPort()}/v1#m`;
  const cache = join(tmp, "cache");
  const results = join(tmp, "results");
  // a real cache with one answer, then a write cut short
  const c = AnswerCache.open(cache);
  c.put("a".repeat(64), { text: "Answer: 1", code: 1, refused: false, latencyMs: 1 });
  c.close();
  const seg = readdirSync(join(cache, "answers")).find((f) => f.endsWith(".jsonl"))!;
  appendFileSync(join(cache, "answers", seg), `{"k":"${"b".repeat(64)}","t":1,"a":{"text":"Ans`);
  const r = svlab(["run", "--model", dead, "--limit", "1", "--cache", cache, "--results", results, "--max-attempts", "1"]);
  assert.match(
    r.stdout,
    new RegExp(
      `\\n  note: the answer cache ${cache.replace(/[.]/g, "\\.")} had 1 answer cut short \\(a write interrupted by a kill or power cut\\): removed; that request is asked again when needed\\n`,
    ),
  );
  assert.equal(readFileSync(join(cache, "answers", seg), "utf8").endsWith("\n"), true, "the torn line is gone");
  const again = svlab(["run", "--model", dead, "--limit", "1", "--cache", cache, "--results", results, "--max-attempts", "1"]);
  assert.doesNotMatch(again.stdout, /note: the answer cache/);
  const reopened = AnswerCache.open(cache, { readOnly: true });
  assert.deepEqual([reopened.size, reopened.stats.skipped], [1, 0]);
});

test("case 11: --preset nosuch without --wvs names the known presets", () => {
  const r = svlab(["dataset", "--preset", "nosuch"]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'svlab: unknown benchmark preset "nosuch": expected one of tan2026\n');
});

test("case 11: Node file errors are one sentence naming the path; results root that is a file", () => {
  const file = join(tmp, "a-file");
  writeFileSync(file, "x");
  const r = svlab(["run", "--model", "baseline:population-mode", "--limit", "1", "--results", file, "--run-id", "r1"]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `svlab: ${file}/r1: a part of this path is a file, not a folder (mkdir)\n`);
  const e = Object.assign(new Error("EISDIR: illegal operation on a directory, read"), { code: "EISDIR", syscall: "read", path: "/data/wvs" });
  assert.equal(describeError(e), "svlab: /data/wvs: is a folder, expected a file (read)");
  const acc = Object.assign(new Error("EACCES: permission denied, open '/root/x.csv'"), { code: "EACCES", syscall: "open", path: "/root/x.csv" });
  assert.equal(describeError(acc), "svlab: /root/x.csv: permission denied (open)");
});

test("case 11: a TypeError is an internal error (with its stack), a plain Error a user message", () => {
  const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
  assert.equal(isBug(bug), true);
  assert.equal(
    describeError(bug),
    "svlab: internal error (a bug in svlab, please report it with the command you ran): Cannot read properties of undefined (reading 'x')",
  );
  assert.equal(isBug(new Error("no completed run")), false);
  assert.equal(describeError(new Error("no completed run")), "svlab: no completed run");
  const net = Object.assign(new TypeError("fetch failed"), { code: "ECONNREFUSED", syscall: "connect" });
  assert.equal(isBug(net), false);
});
