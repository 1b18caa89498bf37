import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

const svlab = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: process.cwd(), encoding: "utf8" });

test("svlab prompt --json prints the deterministic messages", () => {
  const r = svlab("prompt", "--question", "Q1", "--subgroup", "age_x_religion:65 and over|Muslim", "--template", "third-person+reversed", "--json");
  assert.equal(r.status, 0, r.stderr);
  const p = JSON.parse(r.stdout);
  assert.equal(p.templateId, "third-person+reversed");
  assert.deepEqual(p.answerCodes, [4, 3, 2, 1]);
  assert.equal(p.persona, "a person living in Singapore, aged 65 or over and Muslim");
  assert.match(p.messages[0].content, /^Consider a person living in Singapore, aged 65 or over and Muslim\./);
  const again = svlab("prompt", "--question", "Q1", "--subgroup", "age_x_religion:65 and over|Muslim", "--template", "third-person+reversed", "--json");
  assert.equal(again.stdout, r.stdout);
});

test("svlab prompt: unknown subgroup / template give one clear error", () => {
  const r = svlab("prompt", "--question", "Q1", "--subgroup", "sex:Other");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /prompt: unknown or empty subgroup "sex:Other" in benchmark tan2026: stratum sex has sex:Male, sex:Female/);
  const t = svlab("prompt", "--question", "Q1", "--subgroup", "sex:Male", "--template", "bio");
  assert.equal(t.status, 1);
  assert.match(t.stderr, /unknown template "bio"/);
});
