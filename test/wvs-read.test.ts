import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { dataDir } from "../src/paths";
import { buildCodebook, serialiseCodebook } from "../src/wvs/codebook-build";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readWvsFile, WvsFileError } from "../src/wvs/read-file";
import { loadRespondents } from "../src/wvs/respondents";
import { answerDistribution, compareWeighting } from "../src/wvs/distribution";
import { getQuestion, loadCodebook } from "../src/wvs/codebook";
import { smallSyntheticText, writeText } from "./support/synthetic-wvs";
import { needsAllFormats, needsMicrodata, REAL, REAL_DIR, realFile } from "./support/real-data";

const tmp = mkdtempSync(join(tmpdir(), "svlab-wvs-"));

test("the three real formats are recognised and give identical answers for every shared column", { skip: needsAllFormats }, async () => {
  const [a, b, c] = await Promise.all([
    readWvsFile(REAL.crossNational, { country: 702 }),
    readWvsFile(REAL.singleCountry, { country: 702 }),
    readWvsFile(REAL.excelExport, { country: 702 }),
  ]);
  assert.deepEqual([a.format, b.format, c.format], ["cross-national", "single-country", "excel-export"]);
  assert.deepEqual([a.rows, b.rows, c.rows], [2012, 2012, 2012]);
  assert.equal(a.header.length, 613);
  assert.equal(b.header.length, 387);
  assert.equal(c.headerLabels.Q1, "Important in life: Family");
  // Answer columns: every Q*/X003R* column the files share must match value for value.
  const answerCols = Object.keys(b.numeric).filter((k) => /^(Q\d|X003R)/.test(k) && a.numeric[k]);
  assert.ok(answerCols.length >= 300, `expected 300+ shared answer columns, got ${answerCols.length}`);
  for (const col of [...answerCols, "D_INTERVIEW", "W_WEIGHT"]) {
    assert.deepEqual(b.numeric[col], a.numeric[col], `single-country ${col}`);
    assert.deepEqual(c.numeric[col], a.numeric[col], `excel-export ${col}`);
  }
  // Scientific notation in the single-country file: 7.02070001E8 → 702070001.
  assert.equal(b.numeric.D_INTERVIEW[0], 702070001);
  assert.equal(b.numeric.Q289CS9[0], 100000020);
});

test("respondents table: labelled attributes and survey weights", { skip: needsMicrodata }, async () => {
  const r = await loadRespondents(realFile!);
  assert.equal(r.rows, 2012);
  const count = (col: string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const v of r.table.array(col) as unknown as string[]) out[String(v)] = (out[String(v)] ?? 0) + 1;
    return out;
  };
  assert.deepEqual(count("sex"), { Female: 1088, Male: 924 });
  assert.equal(count("ethnicity")["SG: Chinese"], 1549);
  assert.equal(count("ethnicity")["SG: Malay"], 236);
  assert.equal(count("ethnicity")["SG: South Asian Indian, Pakistan, etc."], 190);
  assert.equal(count("religion").Other, 154);
  assert.equal(count("religion_detailed")["Taoism (Han Chinese)"], 148);
  assert.equal(count("age_group")["16-24 years"], 160);
  const w = r.table.array("weight") as unknown as number[];
  assert.equal(Math.round(w.reduce((s, x) => s + x, 0)), 2012);
});

test("weighted distributions reproduce the official WVS Singapore table", { skip: needsMicrodata }, async () => {
  const r = await loadRespondents(realFile!);
  const q1 = answerDistribution(r, "Q1", { weighted: true });
  assert.equal(q1.find((x) => x.code === 1)!.percent.toFixed(1), "92.0");
  const eth = compareWeighting(r, "ethnicity");
  assert.deepEqual(
    eth.slice(0, 3).map((e) => [e.label, e.unweighted.toFixed(1), e.weighted.toFixed(1)]),
    [
      ["SG: Chinese", "77.0", "76.1"],
      ["SG: Malay", "11.7", "12.2"],
      ["SG: South Asian Indian, Pakistan, etc.", "9.4", "8.6"],
    ],
  );
  // By attribute, valid answers only: shares in each group sum to 100.
  const byRel = answerDistribution(r, "Q182", { by: "religion", weighted: true, includeMissing: false });
  const muslim = byRel.filter((x) => x.group === "Muslim");
  assert.equal(Math.round(muslim.reduce((s, x) => s + x.percent, 0) * 1e6) / 1e6, 100);
});

test("the shipped codebook regenerates bit-for-bit from the official files", { skip: needsAllFormats }, () => {
  const built = serialiseCodebook(buildCodebook(REAL_DIR));
  assert.equal(built, readFileSync(join(dataDir(), "codebook.json"), "utf8"));
});

test("codebook: scales in ordinal order, off-scale and missing codes separated", () => {
  const cb = loadCodebook();
  assert.equal(Object.keys(cb.questions).length, 239);
  assert.deepEqual(
    getQuestion("Q56").scale.map((o) => o.code),
    [1, 3, 2],
  );
  assert.deepEqual(
    getQuestion("Q241").offScale.map((o) => o.code),
    [0],
  );
  assert.deepEqual(
    getQuestion("Q254").offScale.map((o) => o.code),
    [5],
  );
  assert.equal(getQuestion("Q182").scale.length, 10);
  assert.equal(getQuestion("Q164").category, "Religious Values");
  assert.match(cb.source.citation, /doi:10\.14281\/18241\.24/);
  assert.throws(() => getQuestion("Q999"), /unknown question id "Q999"/);
});

// ---- bad input: one clear error naming the file, the line or column, and what was expected ----

test("bad input: a tab-separated file", async () => {
  const f = writeText(join(tmp, "tabs.tsv"), smallSyntheticText(3).replace(/,/g, "\t"));
  await assert.rejects(readWvsFile(f), (e: Error) => e instanceof WvsFileError && /tabs\.tsv, line 1: .*tab-separated/.test(e.message));
});

test("bad input: a CSV that is not WVS data", async () => {
  const f = writeText(join(tmp, "iris.csv"), "sepal_length,sepal_width,species\n5.1,3.5,setosa\n");
  await assert.rejects(readWvsFile(f), /iris\.csv, line 1: not a WVS-7 file: expected a header with B_COUNTRY and question columns/);
});

test("bad input: missing required columns are named", async () => {
  const text = smallSyntheticText(3);
  const [head, ...rest] = text.split("\n");
  const cols = head.split(",");
  const drop = new Set([cols.indexOf("W_WEIGHT"), cols.indexOf("Q290")]);
  const cut = (l: string): string =>
    l
      .split(",")
      .filter((_, i) => !drop.has(i))
      .join(",");
  const f = writeText(join(tmp, "noweight.csv"), [cut(head), ...rest.map((l) => (l ? cut(l) : l))].join("\n"));
  await assert.rejects(loadRespondents(f), /noweight\.csv, line 1: missing required columns W_WEIGHT, Q290/);
});

test("bad input: a truncated file names the cut line", async () => {
  const text = smallSyntheticText(10);
  const f = writeText(join(tmp, "cut.csv"), text.slice(0, Math.floor(text.length * 0.55)));
  await assert.rejects(readWvsFile(f), /cut\.csv, line \d+: expected \d+ fields as in the header, found \d+ \(the file may be truncated\)/);
});

test("bad input: text in an answer column names line and column", async () => {
  const lines = smallSyntheticText(5).split("\n");
  const cols = lines[0].split(",");
  const cells = lines[3].split(",");
  cells[cols.indexOf("Q46")] = "very happy";
  lines[3] = cells.join(",");
  const f = writeText(join(tmp, "text.csv"), lines.join("\n"));
  await assert.rejects(readWvsFile(f), /text\.csv, line 4: column Q46: expected a number \(a WVS answer code\), found "very happy"/);
});

test("bad input: empty file, header only, missing file, no rows of the country", async () => {
  await assert.rejects(readWvsFile(writeText(join(tmp, "empty.csv"), "")), /empty\.csv, line 1: the file is empty/);
  const head = smallSyntheticText(0);
  await assert.rejects(readWvsFile(writeText(join(tmp, "head.csv"), head)), /head\.csv, line 2: no data rows after the header/);
  await assert.rejects(readWvsFile(join(tmp, "nope.csv")), /nope\.csv: file not found/);
  const f = writeText(join(tmp, "sg.csv"), smallSyntheticText(4));
  await assert.rejects(loadRespondents(f, { country: 276 }), /sg\.csv: no respondents with B_COUNTRY = 276 among 4 rows/);
});

test("the semicolon format with floats and trailing separators reads like the comma one", async () => {
  const text = smallSyntheticText(20);
  const semi = text
    .split("\n")
    .map((l, i) =>
      !l
        ? l
        : i > 0
          ? l
              .split(",")
              .map((c) => (/^\d+$/.test(c) ? `${c}.0` : `"${c}"`))
              .join(";") + ";"
          : l
              .split(",")
              .map((c) => `"${c}"`)
              .join(";"),
    )
    .join("\n");
  const a = await readWvsFile(writeText(join(tmp, "comma.csv"), text));
  const b = await readWvsFile(writeText(join(tmp, "semi.csv"), semi));
  assert.equal(b.format, "single-country");
  assert.deepEqual(b.numeric.Q1, a.numeric.Q1);
  assert.deepEqual(b.numeric.Q290, a.numeric.Q290);
  assert.equal(b.rows, 20);
});

test("bad input: an empty or fractional answer cell names its real line, after the country filter", async () => {
  // 3 rows of another country first, so the Singapore rows' lines differ from their row index.
  const lines = smallSyntheticText(6).split("\n");
  const cols = lines[0].split(",");
  const ci = cols.indexOf("B_COUNTRY");
  for (const i of [1, 2, 3]) {
    const c = lines[i].split(",");
    c[ci] = "276";
    lines[i] = c.join(",");
  }
  const blank = [...lines];
  const b = blank[5].split(",");
  b[cols.indexOf("Q46")] = "";
  blank[5] = b.join(",");
  await assert.rejects(
    loadRespondents(writeText(join(tmp, "blank.csv"), blank.join("\n"))),
    /blank\.csv, line 6: column Q46: empty cell; expected a number \(WVS marks missing answers with negative codes/,
  );
  const frac = [...lines];
  const f = frac[6].split(",");
  f[cols.indexOf("Q47")] = "2.5";
  frac[6] = f.join(",");
  await assert.rejects(
    loadRespondents(writeText(join(tmp, "frac.csv"), frac.join("\n"))),
    /frac\.csv, line 7: column Q47: expected an integer answer code, found 2\.5/,
  );
});

test("wvsTable: a failed load is not remembered; the fixed file loads", async () => {
  const { wvsTable } = await import("../src/wvs/frame");
  const f = join(tmp, "later.csv");
  writeText(f, "not,a,wvs\n1,2,3\n");
  await assert.rejects(wvsTable({ file: f }), /not a WVS-7 file/);
  writeText(f, smallSyntheticText(5));
  assert.equal((await wvsTable({ file: f })).numRows(), 5);
});
