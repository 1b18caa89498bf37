/**
 * The benchmark as tables (src/benchmark/tables.ts), on the shipped aggregates
 * (data/benchmark-tan2026.json): exact numbers from that file.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readAggregates } from "../src/benchmark/aggregates";
import { exampleSubgroups } from "../src/benchmark/examples";
import {
  aggregateContents,
  answerCountsFrame,
  attributeSubgroups,
  attributeValues,
  benchmarkAttributes,
  populationTable,
  splitAttributes,
  splitAttributesNote,
  questionCaption,
  strataTable,
  subgroupShares,
} from "../src/benchmark/tables";
import { answerColumn, wideShares } from "../src/wvs/distribution";
import { getQuestion } from "../src/wvs/codebook";
import { describeFrame } from "../src/wvs/frame";

const bench = readAggregates("tan2026");

test("aggregateContents: the shipped file's headline numbers", () => {
  const c = Object.fromEntries(aggregateContents(bench).map((r) => [r.what, r.value]));
  assert.equal(c.source, "shipped aggregates (data/benchmark-tan2026.json)");
  assert.equal(c["computed from"], "WVS_Cross-National_Wave_7_csv_v6_0_SGP_only.csv (cross-national format, sha256 79dfce36ba85…)");
  assert.equal(c.respondents, 2012);
  assert.equal(c["value questions"], 214);
  assert.equal(c["subgroups: train"], 50);
  assert.equal(c["subgroups: OOD"], 48);
  assert.equal(c["(question, subgroup) pairs: train"], 10700);
  assert.equal(c["(question, subgroup) pairs: OOD"], 10177);
  assert.equal(c["smallest subgroup kept (respondents)"], 30);
  assert.equal(c["fewest valid answers per pair"], 30);
  assert.equal(c.counts, "unweighted (respondents)");
});

test("strataTable: every stratum in preset order, with subgroups, pairs and subgroup sizes", () => {
  assert.deepEqual(strataTable(bench), [
    { stratum: "sex", attributes: "sex", split: "train", subgroups: 2, pairs: 428, smallest: 924, largest: 1088 },
    { stratum: "age_group", attributes: "age_group", split: "train", subgroups: 6, pairs: 1284, smallest: 160, largest: 381 },
    { stratum: "ethnicity", attributes: "ethnicity", split: "train", subgroups: 3, pairs: 642, smallest: 190, largest: 1549 },
    { stratum: "religion", attributes: "religion", split: "train", subgroups: 7, pairs: 1498, smallest: 111, largest: 525 },
    { stratum: "sex_x_age", attributes: "sex × age_group", split: "train", subgroups: 12, pairs: 2568, smallest: 76, largest: 230 },
    { stratum: "sex_x_ethnicity", attributes: "sex × ethnicity", split: "train", subgroups: 6, pairs: 1284, smallest: 92, largest: 846 },
    { stratum: "sex_x_religion", attributes: "sex × religion", split: "train", subgroups: 14, pairs: 2996, smallest: 54, largest: 292 },
    { stratum: "age_x_religion", attributes: "age_group × religion", split: "ood", subgroups: 27, pairs: 5693, smallest: 31, largest: 115 },
    { stratum: "age_x_ethnicity", attributes: "age_group × ethnicity", split: "ood", subgroups: 13, pairs: 2774, smallest: 37, largest: 308 },
    { stratum: "ethnicity_x_religion", attributes: "ethnicity × religion", split: "ood", subgroups: 8, pairs: 1710, smallest: 36, largest: 517 },
  ]);
  const t = strataTable(bench);
  assert.equal(
    t.reduce((a, r) => a + r.pairs, 0),
    20877,
  );
});

test("attributeValues / benchmarkAttributes: the attributes the subgroups are made of, values largest first", () => {
  assert.deepEqual(benchmarkAttributes(bench), ["sex", "age_group", "ethnicity", "religion"]);
  const rows = attributeValues(bench);
  assert.deepEqual(
    rows.map((r) => [r.attribute, r.values, r.strata]),
    [
      ["sex", 2, 4],
      ["age_group", 6, 4],
      ["ethnicity", 3, 4],
      ["religion", 7, 4],
    ],
  );
  assert.equal(rows[2].labels, "SG: Chinese; SG: Malay; SG: South Asian Indian, Pakistan, etc.");
  assert.equal(rows[3].labels, "Buddhist; Do not belong to a denomination; Protestant; Muslim; Other; Roman Catholic; Hindu");
});

test("populationTable: Q1's whole-sample counts in scale order, % of valid answers", () => {
  assert.deepEqual(populationTable(bench, "Q1"), [
    { code: 1, label: "Very important", n: 1846, percent: (100 * 1846) / 2010 },
    { code: 2, label: "Rather important", n: 144, percent: (100 * 144) / 2010 },
    { code: 3, label: "Not very important", n: 18, percent: (100 * 18) / 2010 },
    { code: 4, label: "Not at all important", n: 2, percent: (100 * 2) / 2010 },
  ]);
  const q182 = populationTable(bench, "Q182");
  assert.deepEqual(
    q182.map((r) => r.n),
    [931, 120, 138, 67, 344, 48, 84, 64, 27, 165],
  );
  assert.equal(q182[9].label, "Always justifiable");
  assert.throws(() => populationTable(bench, "Q42"), /Q42 is not in benchmark tan2026/);
});

test("subgroupShares: Q182 by religion, one row per religion subgroup, largest first, answer columns in scale order", () => {
  const t = subgroupShares(bench, "Q182", "religion");
  assert.deepEqual(t.columns, ["religion", "n", "1 Never justifiable", "2", "3", "4", "5", "6", "7", "8", "9", "10 Always justifiable", "modal answer"]);
  assert.deepEqual(
    t.values.map((r) => r[0]),
    ["Buddhist", "Do not belong to a denomination", "Protestant", "Muslim", "Other", "Roman Catholic", "Hindu"],
  );
  // Buddhist: 519 valid answers, 236 of them "never justifiable" (45.47% → 45).
  assert.deepEqual(t.values[0], ["Buddhist", 519, 45, 6, 7, 4, 17, 3, 3, 5, 1, 8, "1 Never justifiable"]);
  assert.deepEqual(t.values[6], ["Hindu", 109, 58, 6, 6, 4, 12, 2, 4, 1, 2, 6, "1 Never justifiable"]);
  const oneDecimal = subgroupShares(bench, "Q182", "religion", { digits: 1 });
  assert.equal(oneDecimal.values[0][2], 45.5);
  assert.throws(() => subgroupShares(bench, "Q182", "education"), /no single-attribute stratum for "education"; it has sex, age_group, ethnicity, religion/);
});

test("attributeSubgroups: the single-attribute stratum, largest first", () => {
  assert.deepEqual(
    attributeSubgroups(bench, "ethnicity").map((s) => [s.attributes.ethnicity, s.size]),
    [
      ["SG: Chinese", 1549],
      ["SG: Malay", 236],
      ["SG: South Asian Indian, Pakistan, etc.", 190],
    ],
  );
});

test("answerCountsFrame: a danfojs frame of Q182's counts, a row per subgroup, code columns in scale order", () => {
  const df = answerCountsFrame(bench, "Q182");
  assert.deepEqual(df.shape, [98, 15]);
  assert.deepEqual(df.columns, ["subgroup", "stratum", "split", "n", "mode", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
  const ids = df.column("subgroup").values as string[];
  const i = ids.indexOf("religion:Buddhist");
  assert.deepEqual(df.values[i], ["religion:Buddhist", "religion", "train", 519, 1, 236, 31, 37, 20, 90, 13, 17, 24, 7, 44]);
  const n = df.column("n").values as number[];
  const codeSums = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"].map((c) => df.column(c).values as number[]);
  assert.ok(
    n.every((x, r) => x === codeSums.reduce((a, col) => a + col[r], 0)),
    "n = sum of the code columns",
  );
  const by = df.groupby(["stratum"]).agg({ n: ["count", "min"] });
  assert.deepEqual(by.columns, ["stratum", "n_count", "n_min"]);
  assert.deepEqual(by.values[0], ["sex", 2, 912]);
  assert.deepEqual(describeFrame(df).slice(0, 3), [
    { column: "subgroup", dtype: "string", distinct: 98 },
    { column: "stratum", dtype: "string", distinct: 10 },
    { column: "split", dtype: "string", distinct: 2 },
  ]);
});

test("answerColumn / wideShares / questionCaption: codebook labels, scale order, zeros for codes nobody gave", () => {
  const q = getQuestion("Q182");
  assert.equal(answerColumn(q, 1), "1 Never justifiable");
  assert.equal(answerColumn(q, 5), "5");
  assert.equal(answerColumn(q, -1), "-1 Don't know");
  assert.equal(questionCaption("Q1"), "Q1 · Important in life: Family");
  const w = wideShares(
    [
      { group: "A", code: 2, n: 3, percent: 75 },
      { group: "A", code: 1, n: 1, percent: 25 },
      { group: "B", code: -1, n: 1, percent: 100 },
    ],
    "Q1",
    "group",
  );
  assert.deepEqual(w.columns, ["group", "n", "1 Very important", "2 Rather important", "3 Not very important", "4 Not at all important", "-1 Don't know"]);
  assert.deepEqual(w.values, [
    ["A", 4, 25, 75, 0, 0, 0],
    ["B", 1, 0, 0, 0, 0, 100],
  ]);
  const rows = [
    { group: "A", code: 2, n: 3, percent: 75 },
    { group: "A", code: 1, n: 1, percent: 25 },
    { group: "B", code: -1, n: 1, percent: 100 },
  ];
  assert.deepEqual(wideShares(rows, "Q1", "group", { minN: 2 }).values, [["A", 4, 25, 75, 0, 0, 0]]);
});

test("exampleSubgroups: the smallest subgroup of each kind, chosen by rule", () => {
  assert.deepEqual(
    exampleSubgroups(bench).map((s) => [s.kind, s.id, s.size, s.split]),
    [
      ["single attribute", "religion:Hindu", 111, "train"],
      ["train intersection", "sex_x_religion:Female|Hindu", 54, "train"],
      ["OOD intersection", "age_x_religion:35-44 years|Other", 31, "ood"],
    ],
  );
});

test("splitAttributes: OOD subgroups carry age group, ethnicity and religion, not sex", () => {
  assert.deepEqual(splitAttributes(bench, "ood"), { carried: ["age_group", "ethnicity", "religion"], absent: ["sex"] });
  assert.deepEqual(splitAttributes(bench, "train"), { carried: ["sex", "age_group", "ethnicity", "religion"], absent: [] });
});

test("splitAttributesNote: the same as a sentence", () => {
  assert.equal(
    splitAttributesNote(bench, "ood"),
    "The OOD subgroups carry `age_group`, `ethnicity` and `religion`; `sex` appears only in other splits: no OOD score exists for it.",
  );
  assert.equal(splitAttributesNote(bench, "train"), "The train subgroups carry `sex`, `age_group`, `ethnicity` and `religion`.");
});
