/**
 * Notebook tables (src/notebook/show.ts) and the microdata note (src/wvs/microdata.ts): HTML with a
 * caption and right-aligned numbers, column order kept, and the WVS download instructions naming
 * the files findWvsFile() looks for.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { findWvsFile, noMicrodata, sharedDir, WVS_FILENAMES } from "../src/paths";
import { formatCell, isNumericCell, messagesHtml, tableHtml, tableText, toRows } from "../src/notebook/show";
import { microdataHelp, microdataSources, microdataStatus, needsMicrodata, WVS_DOWNLOAD_PAGE } from "../src/wvs/microdata";

const cellsOf = (html: string, tag: "td" | "th"): { align: string; text: string }[] =>
  [...html.matchAll(new RegExp(`<${tag} style="[^"]*text-align:(left|right);[^"]*">([^<]*)</${tag}>`, "g"))].map((m) => ({ align: m[1], text: m[2] }));

test("tableHtml: a caption above, numeric columns right-aligned, text left, HTML escaped", () => {
  const html = tableHtml(
    [
      { group: "A & B", n: 12, share: 0.5 },
      { group: "<C>", n: 3, share: 0.25 },
    ],
    { title: "Two groups", digits: 2, note: "n: respondents" },
  );
  assert.match(html, /^<div style="font-weight:bold;[^"]*">Two groups<\/div><div style="overflow-x:auto;max-width:100%;"><table /);
  assert.deepEqual(cellsOf(html, "th"), [
    { align: "left", text: "group" },
    { align: "right", text: "n" },
    { align: "right", text: "share" },
  ]);
  assert.deepEqual(cellsOf(html, "td"), [
    { align: "left", text: "A &amp; B" },
    { align: "right", text: "12" },
    { align: "right", text: "0.50" },
    { align: "left", text: "&lt;C&gt;" },
    { align: "right", text: "3" },
    { align: "right", text: "0.25" },
  ]);
  assert.match(html, /font-variant-numeric:tabular-nums/);
  assert.match(html, />n: respondents<\/div>$/);
});

test("tableHtml: per-column digits, rows beyond max counted", () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ x: i + 0.123456, y: i / 3 }));
  const html = tableHtml(rows, { max: 2, digits: { x: 1 } });
  assert.deepEqual(
    cellsOf(html, "td").map((c) => c.text),
    ["0.1", "0", "1.1", "0.333"],
  );
  assert.match(html, /… 3 more rows/);
});

test("column order: a ColumnTable or frame keeps its columns (integer-like names are not moved first)", () => {
  const t = { columns: ["religion", "n", "1 Never", "2", "10 Always"], values: [["Muslim", 270, 63, 7, 2]] };
  assert.deepEqual(
    cellsOf(tableHtml(t), "th").map((c) => c.text),
    ["religion", "n", "1 Never", "2", "10 Always"],
  );
  assert.deepEqual(toRows(t), [{ religion: "Muslim", n: 270, "1 Never": 63, "2": 7, "10 Always": 2 }]);
});

test("a formatted table ({ title, note, headers, rows }: a report table) shows its title, note and numbers right-aligned", () => {
  const html = tableHtml({
    title: "Main results",
    note: "95% CIs",
    headers: ["Model", "Pairs", "Accuracy ↑"],
    rows: [
      ["national mode", "200 of 10177", "0.612 [0.580, 0.640]"],
      ["uniform", "10177", "—"],
    ],
  });
  assert.match(html, /Main results<\/div>/);
  assert.match(html, />95% CIs<\/div>$/);
  assert.deepEqual(
    cellsOf(html, "td").map((c) => c.align),
    ["left", "right", "right", "left", "right", "right"],
  );
});

test("isNumericCell / formatCell", () => {
  for (const v of [3, 0.5, "0.512", "−0.1", "+0.031", "12.5%", "<0.001", "0.61 [0.58, 0.64]", "200 of 10177", "—", "1,234"])
    assert.ok(isNumericCell(v), String(v));
  for (const v of ["SG: Malay", "65 and over", "16-24 years", "", null, "1 Never justifiable", "ref."]) assert.ok(!isNumericCell(v), String(v));
  assert.equal(formatCell(2), "2");
  assert.equal(formatCell(2 / 3, 2), "0.67");
  assert.equal(formatCell(null), "");
  assert.equal(formatCell({ a: 1 }), "a: 1");
  assert.equal(formatCell({ a: "x" }), '{"a":"x"}');
  assert.equal(formatCell([1, 2]), "[1,2]");
});

test("tableText: aligned text outside a kernel, numbers right-aligned", () => {
  assert.equal(
    tableText(
      [
        { group: "A", n: 12 },
        { group: "BBB", n: 3 },
      ],
      { title: "T" },
    ),
    ["T", "group   n", "A      12", "BBB     3"].join("\n"),
  );
});

test("microdataHelp names the WVS page, every file findWvsFile() looks for, the shared folder and WVS_CSV", () => {
  const help = microdataHelp();
  assert.ok(help.includes(WVS_DOWNLOAD_PAGE));
  assert.equal(WVS_DOWNLOAD_PAGE, "https://www.worldvaluessurvey.org/WVSDocumentationWV7.jsp");
  for (const name of WVS_FILENAMES) assert.ok(help.includes(`\`${name}\``), name);
  assert.ok(help.includes(`${join(sharedDir(), "wvs-real")}/`));
  assert.match(help, /`WVS_CSV`/);
  assert.deepEqual(
    microdataSources().map((s) => s.path),
    WVS_FILENAMES.map((n) => join(sharedDir(), "wvs-real", n)),
  );
  // files the WVS website offers come first; the Singapore cut of the cross-national file is made from one
  assert.deepEqual(
    microdataSources()
      .filter((s) => !s.download)
      .map((s) => s.name),
    ["WVS_Cross-National_Wave_7_csv_v6_0_SGP_only.csv"],
  );
  assert.ok(help.indexOf("`WVS_Cross-National_Wave_7_csv_v6_0.csv`") < help.indexOf("or `WVS_Cross-National_Wave_7_csv_v6_0_SGP_only.csv`"));
  assert.match(needsMicrodata("weighting"), /^\*Skipped: weighting reads the respondents themselves and needs the WVS-7 microdata/);
});

test("SVLAB_NO_MICRODATA=1: findWvsFile() finds nothing, and the status says why and how to get the file", () => {
  const saved = { no: process.env.SVLAB_NO_MICRODATA, csv: process.env.WVS_CSV };
  try {
    process.env.WVS_CSV = "/somewhere/WVS_Wave_7_Singapore_Csv_v5.1.csv";
    process.env.SVLAB_NO_MICRODATA = "1";
    assert.ok(noMicrodata());
    assert.equal(findWvsFile(), null);
    const s = microdataStatus(findWvsFile());
    assert.match(s, /^\*\*WVS-7 microdata switched off\*\* \(`SVLAB_NO_MICRODATA` is set\)/);
    assert.ok(s.includes(WVS_DOWNLOAD_PAGE));
    delete process.env.SVLAB_NO_MICRODATA;
    assert.ok(!noMicrodata());
    assert.equal(findWvsFile(), "/somewhere/WVS_Wave_7_Singapore_Csv_v5.1.csv");
    assert.match(microdataStatus(findWvsFile()), /`WVS_CSV` points at `\/somewhere\/WVS_Wave_7_Singapore_Csv_v5\.1\.csv`, which does not exist/);
    assert.equal(microdataStatus(join(sharedDir(), "..")), `Using the WVS-7 microdata: \`${join(sharedDir(), "..")}\`.`);
  } finally {
    if (saved.no === undefined) delete process.env.SVLAB_NO_MICRODATA;
    else process.env.SVLAB_NO_MICRODATA = saved.no;
    if (saved.csv === undefined) delete process.env.WVS_CSV;
    else process.env.WVS_CSV = saved.csv;
  }
});

test("columns: pick, order and rename; an object of numbers reads as a distribution", () => {
  const rows = [{ question: "Q1", code: 2, distribution: { "1": 0.25, "2": 0.75 }, extra: "x" }];
  const html = tableHtml(rows, { columns: { question: "question", code: "answer", distribution: "answer distribution" }, digits: 2 });
  assert.deepEqual(
    cellsOf(html, "th").map((c) => c.text),
    ["question", "answer", "answer distribution"],
  );
  assert.deepEqual(
    cellsOf(html, "td").map((c) => c.text),
    ["Q1", "2", "1: 0.25, 2: 0.75"],
  );
  assert.deepEqual(
    cellsOf(tableHtml(rows, { columns: ["code", "question"] }), "th").map((c) => c.text),
    ["code", "question"],
  );
});

test("messagesHtml: each message's role and its text, escaped and pre-wrapped", () => {
  const html = messagesHtml(
    [
      { role: "system", content: "You are <a person>." },
      { role: "user", content: "Q?\n1. Yes" },
    ],
    { title: "prompt" },
  );
  assert.match(html, /^<div style="font-weight:bold;[^"]*">prompt<\/div>/);
  assert.match(html, />system<\/div><div style="white-space:pre-wrap;[^"]*">You are &lt;a person&gt;\.<\/div>/);
  assert.match(html, />user<\/div><div style="white-space:pre-wrap;[^"]*">Q\?\n1\. Yes<\/div>/);
});
