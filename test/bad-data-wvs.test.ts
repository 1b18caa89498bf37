/**
 * Bad WVS data never becomes a number (issue 8, cases 1–3 and 11): unknown answer codes, bad weights,
 * repeated respondents and repeated columns are refused at load with file, line, column and value;
 * --unknown-codes-as-missing lets unknown codes through as missing and says how many. Every file here
 * is generated (synthetic rows, never real ones).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import { readWvsFile, WvsFileError } from "../src/wvs/read-file";
import { loadRespondents } from "../src/wvs/respondents";
import { answerDistribution } from "../src/wvs/distribution";
import { svlab } from "./support/cli";
import { smallSyntheticText, writeText } from "./support/synthetic-wvs";

const tmp = mkdtempSync(join(tmpdir(), "svlab-bad-wvs-"));

/** The small synthetic file with cells replaced: edits[line] = {column: value} (line 1 = header). */
function mangled(name: string, edits: Record<number, Record<string, string>>, rows = 40): string {
  const lines = smallSyntheticText(rows).split("\n");
  const cols = lines[0].split(",");
  for (const [line, cells] of Object.entries(edits)) {
    const c = lines[Number(line) - 1].split(",");
    for (const [col, v] of Object.entries(cells)) c[cols.indexOf(col)] = v;
    lines[Number(line) - 1] = c.join(",");
  }
  return writeText(join(tmp, name), lines.join("\n"));
}

test("case 1: an answer code outside the codebook is refused, naming file, line, column and value", async () => {
  const f = mangled("q1-99.csv", { 5: { Q1: "99" } });
  await assert.rejects(
    loadRespondents(f),
    (e: Error) =>
      e instanceof WvsFileError &&
      e.message ===
        "q1-99.csv, line 5: column Q1: code 99 is not a code of Q1 in the codebook (answer codes 1–4; missing -5, -4, -2, -1). " +
          "If these are legitimate country-specific codes, load with --unknown-codes-as-missing (they then count as missing answers)",
  );
  // several: the first is named, the rest counted by column
  const g = mangled("many.csv", { 3: { Q1: "99" }, 4: { Q1: "7", Q2: "8" } });
  await assert.rejects(
    loadRespondents(g),
    /many\.csv, line 3: column Q1: code 99 is not a code of Q1 .*; 2 more unknown codes in 2 columns \(Q1: 2, Q2: 1\)\./,
  );
  // demographic variables the codebook lists are checked too
  const h = mangled("sex.csv", { 7: { Q260: "3" } });
  await assert.rejects(loadRespondents(h), /sex\.csv, line 7: column Q260: code 3 is not a code of Q260 in the codebook/);
});

test("case 1: --unknown-codes-as-missing loads them as missing (-5) and counts them; 99 is never a share or a label", async () => {
  const f = mangled("q1-99-ok.csv", { 5: { Q1: "99" }, 9: { Q1: "99" } });
  const r = await loadRespondents(f, { unknownCodes: "missing" });
  assert.deepEqual(r.unknownCodes, { total: 2, byColumn: { Q1: 2 } });
  const d = answerDistribution(r, "Q1");
  assert.equal(
    d.some((x) => x.code === 99),
    false,
  );
  assert.equal(d.find((x) => x.code === -5)?.n, 2);
  const b = await loadBenchmark({ wvs: f, unknownCodesAsMissing: true, minSubgroupSize: 1 });
  assert.deepEqual(b.provenance.unknownCodesAsMissing, { total: 2, byColumn: { Q1: 2 } });
  assert.equal(
    b.pairs.filter((p) => p.question === "Q1").some((p) => "99" in p.counts || p.mode === 99),
    false,
  );
});

test("case 1 through the CLI: exit 1 with the cell named; with the option, the count is printed and 99 is not in the shares", () => {
  const f = mangled("cli-99.csv", { 6: { Q1: "99" } }, 100);
  const bad = svlab(["distribution", "--wvs", f, "--question", "Q1", "--json"]);
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, "");
  assert.match(bad.stderr, /^svlab: cli-99\.csv, line 6: column Q1: code 99 is not a code of Q1 in the codebook/);
  const ok = svlab(["distribution", "--wvs", f, "--question", "Q1", "--json", "--unknown-codes-as-missing"]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stderr, "svlab: 1 unknown answer code treated as missing (code -5): Q1 1\n");
  assert.equal(Object.keys(ok.json().Q1).includes("99"), false);
  assert.equal(ok.json().Q1["-5"], 1);
  const out = join(tmp, "not-written");
  const ds = svlab(["dataset", "--wvs", f, "--out", out, "--json"]);
  assert.equal(ds.status, 1);
  assert.match(ds.stderr, /cli-99\.csv, line 6: column Q1: code 99/);
  assert.equal(existsSync(out), false, "nothing written");
  const lets = svlab(["dataset", "--wvs", f, "--json", "--unknown-codes-as-missing"]);
  assert.equal(lets.status, 0, lets.stderr);
  assert.equal(lets.stderr, "svlab: 1 unknown answer code treated as missing (code -5): Q1 1\n");
});

test("case 2: a negative, zero, infinite or non-number weight is refused with its line", async () => {
  await assert.rejects(
    loadRespondents(mangled("neg-w.csv", { 4: { W_WEIGHT: "-0.5" } })),
    (e: Error) => e.message === "neg-w.csv, line 4: column W_WEIGHT: weight -0.5 is not a positive number (survey weights must be finite and > 0)",
  );
  const zeros: Record<number, Record<string, string>> = {};
  for (let line = 2; line <= 41; line++) zeros[line] = { W_WEIGHT: "0" };
  await assert.rejects(
    loadRespondents(mangled("zero-w.csv", zeros)),
    (e: Error) =>
      e.message ===
      "zero-w.csv, line 2: column W_WEIGHT: weight 0 is not a positive number (survey weights must be finite and > 0); 39 more rows with such weights",
  );
  await assert.rejects(
    loadRespondents(mangled("inf-w.csv", { 3: { W_WEIGHT: "Infinity" } })),
    /inf-w\.csv, line 3: column W_WEIGHT: weight Infinity is not a positive number/,
  );
});

test("case 3: a repeated respondent id names both lines", async () => {
  await assert.rejects(
    loadRespondents(mangled("dup-id.csv", { 9: { D_INTERVIEW: "900000002" } })),
    (e: Error) => e.message === "dup-id.csv, line 9: column D_INTERVIEW: respondent id 900000002 already appeared on line 4; each respondent must appear once",
  );
});

test("case 3: a repeated column name is refused at the header", async () => {
  const lines = smallSyntheticText(3).split("\n");
  const f = writeText(
    join(tmp, "dup-col.csv"),
    lines
      .map((l) => (l ? `${l},${l.split(",")[lines[0].split(",").indexOf("Q1")]}` : l))
      .join("\n")
      .replace(/^([^\n]*)/, (h) => h.replace(/,[^,]*$/, ",Q1")),
  );
  await assert.rejects(
    readWvsFile(f),
    (e: Error) => e instanceof WvsFileError && /^dup-col\.csv, line 1: column Q1 appears twice in the header \(columns \d+ and \d+\)/.test(e.message),
  );
});

test("case 11: a folder, a binary file", async () => {
  const dir = join(tmp, "a-folder.csv");
  mkdirSync(dir);
  await assert.rejects(
    readWvsFile(dir),
    (e: Error) => e instanceof WvsFileError && e.message === `a-folder.csv: ${dir} is a folder; expected the WVS-7 CSV file inside it`,
  );
  const bin = writeText(join(tmp, "data.sav"), `$FL2@(#) IBM SPSS STATISTICS\u0000\u0000\u0002\u0000\u0000\u0000,\u0001\u0000;x\n`);
  await assert.rejects(readWvsFile(bin), /data\.sav, line 1: not a text file \(binary bytes in the first line\)/);
});

test("a clean synthetic file still loads, with no unknown codes", async () => {
  const r = await loadRespondents(mangled("clean.csv", {}));
  assert.equal(r.rows, 40);
  assert.deepEqual(r.unknownCodes, { total: 0, byColumn: {} });
});
