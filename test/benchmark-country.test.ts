/**
 * Country and attributes as data: the paper's rules for any WVS-7 country (`countryPreset`,
 * `svlab dataset --country --attributes`), checked on a synthetic two-country file whose demography
 * fixes every count, on Singapore's real rows relabelled as another country, and against tan2026.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readAggregates, writeAggregates } from "../src/benchmark/aggregates";
import { buildBenchmark } from "../src/benchmark/build";
import { loadBenchmark, loadRespondentsOf } from "../src/benchmark/load";
import { choosePreset, countryPreset, crossStrata, TAN2026 } from "../src/benchmark/presets";
import { summarizeBenchmark } from "../src/benchmark/summary";
import { buildPrompt, firstPersonBio, personaDescription } from "../src/personas";
import { loadCodebook } from "../src/wvs/codebook";
import { resolveCountry } from "../src/wvs/countries";
import { loadRespondents } from "../src/wvs/respondents";
import { svlab } from "./support/cli";
import { needsMicrodata, realFile } from "./support/real-data";
import { crossNationalText, type SyntheticCountry } from "./support/synthetic-wvs";

const tmp = mkdtempSync(join(tmpdir(), "svlab-country-"));

// X003R bands: 1 = 16-24, 2 = 25-34, 3 = 35-44, 4 = 45-54, 6 = 65 and over. Q289: 0 none, 1 Roman Catholic, 2 Protestant.
const USA: SyntheticCountry = {
  code: 840,
  alpha3: "USA",
  notAsked: ["Q1"],
  cells: [
    { sex: 1, ageBand: 1, religion: 1, n: 40 },
    { sex: 2, ageBand: 1, religion: 1, n: 35 },
    // these 30 answer Q2 "don't know": Q2 drops every subgroup they leave under 30 valid answers
    { sex: 1, ageBand: 6, religion: 2, n: 30, missing: ["Q2"] },
    { sex: 2, ageBand: 6, religion: 2, n: 20 },
    { sex: 2, ageBand: 2, religion: 0, n: 10 },
  ],
};
const DEU: SyntheticCountry = {
  code: 276,
  alpha3: "DEU",
  notAsked: ["Q3", "Q4", "Q5"],
  cells: [
    { sex: 1, ageBand: 3, religion: 0, n: 50 },
    { sex: 2, ageBand: 3, religion: 0, n: 45 },
    { sex: 1, ageBand: 4, religion: 2, n: 32 },
    { sex: 2, ageBand: 4, religion: 1, n: 31 },
  ],
};
const file = join(tmp, "two-countries.csv");
writeFileSync(file, crossNationalText([USA, DEU]));

/** Value items of the shipped codebook minus the 20 zero-coded scales: what a country asked everything gets. */
const ALL_ASKED = 219;

const counts = (b: ReturnType<typeof buildBenchmark>) => {
  const s = summarizeBenchmark(b);
  return {
    questions: s.questions,
    subgroups: s.subgroups,
    pairs: s.pairs,
    strata: Object.fromEntries(Object.entries(s.strata).map(([k, v]) => [k, [v.split, v.subgroups]])),
  };
};

test("the paper's rules on a synthetic United States: exact subgroups, splits, questions and pairs", async () => {
  const preset = countryPreset({ country: "USA", attributes: ["sex", "age", "religion"] });
  assert.equal(preset.name, "usa-sex-age-religion");
  const b = buildBenchmark(await loadRespondents(file, { country: 840 }), { preset: preset.name });
  // singles: sex M 70 / F 65; age 16-24 75, 65+ 50 (25-34: 10 dropped); religion Catholic 75, Protestant 50 (none: 10 dropped)
  // sex × age: M/16-24 40, F/16-24 35, M/65+ 30 (F/65+ 20 dropped); sex × religion likewise; age × religion: 16-24/Catholic 75, 65+/Protestant 50
  // Q1 not asked → 218 questions; Q2 loses age 65+, Protestant, M/65+, M/Protestant (train) and 65+/Protestant (ood)
  assert.deepEqual(counts(b), {
    questions: ALL_ASKED - 1,
    subgroups: { train: 12, ood: 2 },
    pairs: { train: 12 * 218 - 4, ood: 2 * 218 - 1 },
    strata: {
      sex: ["train", 2],
      age_group: ["train", 2],
      religion: ["train", 2],
      sex_x_age: ["train", 3],
      sex_x_religion: ["train", 3],
      age_x_religion: ["ood", 2],
    },
  });
  assert.deepEqual(
    b.subgroups.filter((s) => s.split === "ood").map((s) => [s.id, s.size]),
    [
      ["age_x_religion:16-24 years|Roman Catholic", 75],
      ["age_x_religion:65 and over|Protestant", 50],
    ],
  );
  assert.deepEqual(b.country, resolveCountry(840));
  assert.ok(!b.questions.some((q) => q.id === "Q1"));
  assert.equal(b.pairs.filter((p) => p.question === "Q2").length, 14 - 5);
});

test("the same file, Germany: its own respondents, questions and counts", async () => {
  const b = buildBenchmark(await loadRespondents(file, { country: "DEU" }), {
    preset: countryPreset({ country: 276, attributes: ["sex", "age", "religion"] }).name,
  });
  assert.deepEqual(counts(b), {
    questions: ALL_ASKED - 3,
    subgroups: { train: 15, ood: 3 },
    pairs: { train: 15 * 216, ood: 3 * 216 },
    strata: {
      sex: ["train", 2],
      age_group: ["train", 2],
      religion: ["train", 3],
      sex_x_age: ["train", 4],
      sex_x_religion: ["train", 4],
      age_x_religion: ["ood", 3],
    },
  });
  assert.equal(b.provenance.respondents, 158);
});

test("the first attribute decides the split: religion first puts religion crossings in train", async () => {
  assert.deepEqual(
    crossStrata(["religion", "sex", "age_group"]).map((s) => `${s.key}:${s.split}`),
    ["religion:train", "sex:train", "age_group:train", "religion_x_sex:train", "religion_x_age:train", "sex_x_age:ood"],
  );
  const b = buildBenchmark(await loadRespondents(file, { country: 840 }), {
    preset: countryPreset({ country: 840, attributes: ["religion", "sex", "age"] }).name,
  });
  // train: 6 singles + religion × sex 3 + religion × age 2; ood: sex × age 3
  assert.deepEqual(summarizeBenchmark(b).subgroups, { train: 11, ood: 3 });
});

test("persona prompts name each country and its questions use its demonym", async () => {
  const us = buildBenchmark(await loadRespondents(file, { country: 840 }), { preset: "usa-sex-age-religion" });
  const de = buildBenchmark(await loadRespondents(file, { country: 276 }), {
    preset: countryPreset({ country: 276, attributes: ["sex", "age", "religion"] }).name,
  });
  const q254 = (b: typeof us) => b.questions.find((q) => q.id === "Q254")!;
  const woman = (b: typeof us) => b.subgroups.find((s) => s.id === "sex:Female")!;
  assert.equal(
    buildPrompt(q254(us), woman(us)).messages[0].content,
    "You are a woman living in the United States. You are taking part in the World Values Survey. Answer every question as yourself, from your own values and views.",
  );
  assert.equal(
    buildPrompt(q254(de), woman(de)).messages[0].content,
    "You are a woman living in Germany. You are taking part in the World Values Survey. Answer every question as yourself, from your own values and views.",
  );
  assert.match(buildPrompt(q254(us), woman(us), "first-person-bio").messages[0].content, /^I live in the United States\. I am a woman\./);
  assert.equal(
    buildPrompt(q254(de), woman(de), "no-persona").messages[0].content,
    "You are a person living in Germany. You are taking part in the World Values Survey. Answer every question as yourself.",
  );
  assert.match(buildPrompt(q254(us), woman(us)).messages[1].content, /^Question: How proud are you to be American\?\n[\s\S]*\n5\. I am not American\n/);
  assert.match(buildPrompt(q254(de), woman(de)).messages[1].content, /How proud are you to be German\?[\s\S]*I am not German\n/);
  // the shipped codebook itself keeps Singapore's wording
  assert.equal(loadCodebook().questions.Q254.text, "How proud are you to be Singaporean?");
});

test("a country's aggregates name the country and read back to the same benchmark", async () => {
  const b = buildBenchmark(await loadRespondents(file, { country: 840 }), { preset: "usa-sex-age-religion" });
  const path = writeAggregates(b, tmp);
  const text = readFileSync(path, "utf8");
  assert.match(text, /^"note": "Aggregates computed by svlab from WVS-7 \(United States\)\./m);
  assert.match(text, /^"country": \{"code":840,"alpha3":"USA","name":"United States","nationality":"American","place":"the United States"\},$/m);
  const back = readAggregates("usa-sex-age-religion", { dir: tmp });
  assert.deepEqual(back.pairs, b.pairs);
  assert.deepEqual(back.subgroups, b.subgroups);
  assert.deepEqual(back.country, b.country);
  assert.equal(back.questions.find((q) => q.id === "Q254")!.text, "How proud are you to be American?");
});

test("svlab dataset --country --attributes --json on the synthetic file (the contract's shape)", () => {
  const r = svlab(["dataset", "--wvs", file, "--country", "840", "--attributes", "sex,age,religion", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = r.json();
  assert.deepEqual([j.questions, j.subgroups, j.pairs, j.country.name], [218, { train: 12, ood: 2 }, { train: 2612, ood: 435 }, "United States"]);
  const s = svlab(["subgroups", "--wvs", file, "--country", "DEU", "--attributes", "sex,age,religion", "--split", "ood", "--json"]).json();
  assert.deepEqual(
    s.subgroups.map((x: { id: string; size: number }) => [x.id, x.size]),
    [
      ["age_x_religion:35-44 years|Do not belong to a denomination", 95],
      ["age_x_religion:45-54 years|Roman Catholic", 31],
      ["age_x_religion:45-54 years|Protestant", 32],
    ],
  );
});

test("bad input: unknown country, unknown attribute, a country absent from the file, preset and country together", async () => {
  const absent = svlab(["dataset", "--wvs", file, "--country", "JPN", "--attributes", "sex,age"]);
  assert.equal(absent.status, 1);
  assert.match(
    absent.stderr,
    /two-countries\.csv: no respondents with B_COUNTRY = 392 among 293 rows: Japan is not in this file, which holds 276 \(DEU, Germany\): 158 rows, 840 \(USA, United States\): 135 rows/,
  );
  const unknown = svlab(["dataset", "--wvs", file, "--country", "999", "--attributes", "sex"]);
  assert.match(
    unknown.stderr,
    /--country\/--attributes: unknown country "999": expected a WVS-7 numeric code or ISO alpha-3 code; known: 20\/AND, 32\/ARG, .*840\/USA/,
  );
  const attr = svlab(["dataset", "--wvs", file, "--country", "840", "--attributes", "sex,height"]);
  assert.match(attr.stderr, /unknown attribute "height": expected one of sex, age_group \(or age\), ethnicity, religion/);
  assert.throws(() => countryPreset({ country: 840, attributes: ["sex", "sex"] }), /attribute "sex" is listed twice/);
  assert.throws(() => choosePreset({ preset: "tan2026", country: 840 }), /both given: expected one or the other/);
  // respondents of one country cannot feed another country's preset
  const de = await loadRespondents(file, { country: 276 });
  assert.throws(
    () => buildBenchmark(de, { preset: "usa-sex-age-religion" }),
    /respondents of 276 \(DEU, Germany\) loaded, but preset usa-sex-age-religion is for 840 \(USA, United States\)/,
  );
  const split = svlab(["subgroups", "--split", "test"]);
  assert.match(split.stderr, /--split: expected train or ood, got "test"/);
});

test("tan2026 is one such value: Singapore, its four attributes, crossStrata's strata, 214 questions", async () => {
  assert.deepEqual(TAN2026.country, resolveCountry("SGP"));
  assert.deepEqual(
    crossStrata(TAN2026.attributes)
      .map((s) => `${s.key}:${s.split}`)
      .sort(),
    TAN2026.strata.map((s) => `${s.key}:${s.split}`).sort(),
  );
  assert.equal(TAN2026.questions(loadCodebook()).length, 214);
  assert.equal(choosePreset({}), TAN2026);
  const b = await loadBenchmark();
  assert.deepEqual(b.country, resolveCountry(702));
  assert.equal(b.subgroups[0].country, "Singapore");
  const s = svlab(["subgroups", "--split", "ood", "--json"]).json();
  assert.equal(s.subgroups.length, 48);
  assert.deepEqual(
    s.subgroups.find((x: { id: string }) => x.id === "age_x_religion:65 and over|Muslim"),
    { id: "age_x_religion:65 and over|Muslim", stratum: "age_x_religion", size: 36, split: "ood" },
  );
});

test("real file: --country 702 with tan2026's attributes gives tan2026's numbers", { skip: needsMicrodata }, () => {
  const r = svlab(["dataset", "--wvs", realFile!, "--country", "702", "--attributes", "sex,age,ethnicity,religion", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = r.json();
  assert.deepEqual([j.questions, j.subgroups, j.pairs, j.ties], [214, { train: 50, ood: 48 }, { train: 10700, ood: 10177 }, 365]);
});

test("real file: Singapore's rows relabelled as country 840 give Singapore's counts for those attributes", { skip: needsMicrodata }, () => {
  // a temporary relabelled copy of real rows, deleted at the end; never committed
  const lines = readFileSync(realFile!, "utf8").split("\n");
  const header = lines[0].replace(/^\uFEFF/, "").split(",");
  const [ci, ai] = [header.indexOf("B_COUNTRY"), header.indexOf("B_COUNTRY_ALPHA")];
  const relabelled = join(tmp, "relabelled.csv");
  writeFileSync(
    relabelled,
    lines
      .map((l, i) => {
        if (i === 0 || !l) return l;
        const cells = l.split(",");
        cells[ci] = "840";
        cells[ai] = "USA";
        return cells.join(",");
      })
      .join("\n"),
  );
  try {
    const us = svlab(["dataset", "--wvs", relabelled, "--country", "840", "--attributes", "sex,age,religion", "--json"]).json();
    const sg = svlab(["dataset", "--wvs", realFile!, "--country", "702", "--attributes", "sex,age,religion", "--json"]).json();
    assert.deepEqual([us.questions, us.subgroups, us.pairs], [214, { train: 41, ood: 27 }, { train: 8774, ood: 5693 }]);
    assert.deepEqual([us.questions, us.subgroups, us.pairs, us.ties], [sg.questions, sg.subgroups, sg.pairs, sg.ties]);
    assert.equal(us.country.alpha3, "USA");
  } finally {
    rmSync(relabelled, { force: true });
  }
});

test("another country's ethnic codes load (not checked against Singapore's list) and read as codes, not adjectives", async () => {
  const b = buildBenchmark(await loadRespondents(file, { country: 840 }), { preset: countryPreset({ country: 840, attributes: ["ethnicity", "sex"] }).name });
  assert.deepEqual(
    b.subgroups.map((s) => [s.id, s.size]),
    [
      ["ethnicity:Q290=840001", 135],
      ["sex:Male", 70],
      ["sex:Female", 65],
      ["ethnicity_x_sex:Q290=840001|Male", 70],
      ["ethnicity_x_sex:Q290=840001|Female", 65],
    ],
  );
  const q = b.questions[0];
  assert.equal(
    buildPrompt(q, b.subgroups[4], "third-person").messages[0].content.split("\n")[0],
    'Consider a woman living in the United States, with ethnicity "Q290=840001". How would this person answer the following question from the World Values Survey?',
  );
});

test("persona wording for the other attributes: education, marital status, income, employment", async () => {
  const p = { attributes: { education: "Higher", age_group: "25-34 years", marital_status: "Married" }, country: "Germany" };
  assert.equal(personaDescription(p), "a person living in Germany, aged 25 to 34, married and with a higher level of education");
  assert.equal(firstPersonBio(p), "I live in Germany. I am aged 25 to 34. I have a higher level of education. I am married.");
  assert.equal(
    personaDescription({ attributes: { sex: "Male", employment: "Retired/pensioned", income: "Low" } }),
    "a man living in Singapore, retired and in a low-income household",
  );
  // from a benchmark: the synthetic rows are all Q275R 1 ("Lower") and Q273 1 ("Married")
  const b = buildBenchmark(await loadRespondents(file, { country: 276 }), {
    preset: countryPreset({ country: "DEU", attributes: ["sex", "education", "marital_status"] }).name,
  });
  const s = b.subgroups.find((x) => x.id === "sex_x_education:Female|Lower")!;
  assert.equal(s.size, 76);
  assert.equal(personaDescription(s), "a woman living in Germany, with a lower level of education");
});

test("loadRespondentsOf: the benchmark's own country's rows", async () => {
  const b = buildBenchmark(await loadRespondents(file, { country: 276 }), { preset: countryPreset({ country: 276, attributes: ["sex"] }).name });
  const r = await loadRespondentsOf(b, file);
  assert.deepEqual([r.country.alpha3, r.rows], ["DEU", 158]);
});

test("bad input: an attribute whose columns the file lacks is named with its columns and the attributes there are", async () => {
  const lines = crossNationalText([USA]).split("\n");
  const k = lines[0].split(",").indexOf("Q279");
  const noEmployment = join(tmp, "no-employment.csv");
  writeFileSync(
    noEmployment,
    lines
      .map((l) =>
        l
          .split(",")
          .filter((_, i) => i !== k)
          .join(","),
      )
      .join("\n"),
  );
  const r = svlab(["dataset", "--wvs", noEmployment, "--country", "USA", "--attributes", "sex,employment"]);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /no-employment\.csv: cannot derive attribute "employment" for stratum employment: the file has none of its columns \(Q279\); attributes it has: sex, age_group, ethnicity, religion, /,
  );
});
