/** The report's open-ended section, from judge run folders written by hand (exact win rates). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEndedSection } from "../src/report/open-ended";
import { listRuns } from "../src/runner/results";
import type { Judgement } from "../src/judge/types";

function writeJudgeRun(
  root: string,
  id: string,
  candidate: { model: string; tunedFrom?: string },
  rows: Judgement[],
  startedAt = "2026-01-01T00:00:00Z",
): void {
  const dir = join(root, id);
  mkdirSync(dir);
  writeFileSync(
    join(dir, "judge.json"),
    JSON.stringify({
      formatVersion: 1,
      kind: "judge",
      judgeRunId: id,
      candidate: { runId: id, dir: "", ...candidate },
      reference: { runId: "r", model: "m-ref", dir: "" },
      judge: "openai:judge",
      criteria: ["overall"],
      rubric: { instructions: "", criteria: {} },
      rubricSha256: "",
      generate: {},
      missing: { candidate: 0, reference: 0 },
      counts: { items: rows.length / 2, requests: rows.length, judgements: rows.length, unparsed: 0, errors: 0, cached: 0, skipped: 0, retries: 0 },
      usage: { inputTokens: 0, outputTokens: 0 },
      cost: 0,
      costIfUncached: 0,
      status: "completed",
      startedAt,
      svlabVersion: "x",
    }),
  );
  writeFileSync(join(dir, "judgements.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

const j = (item: string, candidate: "A" | "B", overall: Judgement["verdicts"][string]): Judgement => ({
  item,
  question: item.split("|")[0],
  subgroup: item.split("|")[1],
  candidate,
  verdicts: { overall },
  raw: "",
});

test("open-ended section: one row per judge run with exact win rates; none without judge runs; judge runs are not model runs", async () => {
  const root = mkdtempSync(join(tmpdir(), "svlab-oe-report-"));
  assert.deepEqual(await openEndedSection(root), { tables: [], notes: [] });
  const dir = join(root, "judge_x");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "judge.json"),
    JSON.stringify({
      formatVersion: 1,
      kind: "judge",
      judgeRunId: "judge_x",
      candidate: { runId: "c", model: "m-cand", dir: "" },
      reference: { runId: "r", model: "m-ref", dir: "" },
      judge: "openai:judge",
      criteria: ["overall"],
      rubric: { instructions: "", criteria: {} },
      rubricSha256: "",
      generate: {},
      missing: { candidate: 0, reference: 0 },
      counts: { items: 3, requests: 6, judgements: 6, unparsed: 1, errors: 0, cached: 0, skipped: 0, retries: 0 },
      usage: { inputTokens: 0, outputTokens: 0 },
      cost: 0,
      costIfUncached: 0,
      status: "completed",
      startedAt: "2026-01-01T00:00:00Z",
      svlabVersion: "x",
    }),
  );
  // item 1: win both orders (1); item 2: win as A, tie as B (0.75); item 3: one order unreadable (left out)
  const rows = [j("Q1|s1", "A", "A"), j("Q1|s1", "B", "B"), j("Q2|s1", "A", "A"), j("Q2|s1", "B", "tie"), j("Q3|s2", "A", "B"), j("Q3|s2", "B", null)];
  writeFileSync(join(dir, "judgements.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const s = await openEndedSection(root, { bootstrap: 0 });
  assert.equal(s.tables.length, 1);
  assert.deepEqual(s.tables[0].headers, [
    "candidate",
    "reference",
    "judge",
    "status",
    "items",
    "WR overall",
    "ties",
    "position-consistent",
    "unreadable or failed",
  ]);
  // WR (1 + 0.75) / 2 over the 2 scored items; ties 1 of their 4 judgements; position-consistent 1 of 2 items
  assert.deepEqual(s.tables[0].rows, [["m-cand", "m-ref", "openai:judge", "completed", "3", "0.875 (n 2)", "0.250", "0.500", "1"]]);
  // with the bootstrap: an interval over questions (2 questions: each draw's WR is 1, 0.875 or 0.75)
  const withCi = (await openEndedSection(root)).tables[0].rows[0][5];
  assert.match(withCi, /^0\.875 \[0\.[0-9]{3}, 1\.000\] \(n 2\)$/);
  assert.deepEqual(await listRuns(root), []);
});

test("open-ended section: base → tuned win rates from judge runs whose candidate was tuned from another's", async () => {
  const root = mkdtempSync(join(tmpdir(), "svlab-oe-tuned-"));
  // base: loses Q1 both orders (0), ties Q2 both (0.5) → WR 0.25; tuned: wins Q1 as A only (0.5), wins Q2 both (1) → 0.75
  writeJudgeRun(root, "judge_base", { model: "m-base" }, [j("Q1|s1", "A", "B"), j("Q1|s1", "B", "A"), j("Q2|s1", "A", "tie"), j("Q2|s1", "B", "tie")]);
  writeJudgeRun(
    root,
    "judge_tuned",
    { model: "m-tuned", tunedFrom: "m-base" },
    [j("Q1|s1", "A", "A"), j("Q1|s1", "B", "A"), j("Q2|s1", "A", "A"), j("Q2|s1", "B", "B")],
    "2026-01-02T00:00:00Z",
  );
  const s = await openEndedSection(root, { bootstrap: 0 });
  assert.equal(s.tables.length, 2);
  assert.deepEqual(s.tables[1].headers, ["model", "WR overall", "Δ overall (points)"]);
  assert.deepEqual(s.tables[1].rows, [["m-tuned (from m-base)", "0.250 → 0.750", "+50.0"]]);
});
