/** Baselines: exact values on a synthetic benchmark; on the shipped benchmark, no OOD counts are ever read. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Benchmark, Pair, Subgroup } from "../src/benchmark/types";
import type { Question } from "../src/wvs/types";
import type { Prompt } from "../src/models/types";
import { createProvider } from "../src/models/registry";
import { loadBenchmark } from "../src/benchmark/load";

const q = (id: string, codes: number[]): Question => ({
  id,
  label: id,
  text: id,
  category: "x",
  ordinal: true,
  offScale: [],
  missing: [],
  scale: codes.map((code) => ({ code, label: `option ${code}` })),
});
const sg = (id: string, attributes: Record<string, string>, split: "train" | "ood"): Subgroup => ({
  id,
  stratum: id.split(":")[0],
  attributes,
  size: 100,
  split,
});

/** OOD pairs whose counts/mode throw when read: any baseline touching them fails the test. */
function trapOod(pairs: Pair[]): { reads: string[] } {
  const reads: string[] = [];
  for (const p of pairs) {
    if (p.split !== "ood") continue;
    for (const field of ["counts", "mode", "modes", "n"] as const) {
      Object.defineProperty(p, field, {
        get() {
          reads.push(`${p.question}::${p.subgroup}.${field}`);
          throw new Error(`OOD ${field} read for ${p.subgroup}`);
        },
        enumerable: true,
      });
    }
  }
  return { reads };
}

function synthetic(): Benchmark {
  const subgroups = [
    sg("ethnicity:SG: Malay", { ethnicity: "SG: Malay" }, "train"),
    sg("religion:Muslim", { religion: "Muslim" }, "train"),
    sg("ethnicity_x_religion:SG: Malay|Muslim", { ethnicity: "SG: Malay", religion: "Muslim" }, "ood"),
    sg("age_x_ethnicity:65 and over|SG: Malay", { age_group: "65 and over", ethnicity: "SG: Malay" }, "ood"),
  ];
  const pair = (question: string, subgroup: string, split: "train" | "ood", counts: Record<string, number>): Pair => ({
    question,
    subgroup,
    split,
    counts,
    n: Object.values(counts).reduce((a, b) => a + b, 0),
    mode: 0,
    modes: [],
  });
  const pairs = [
    pair("Q1", "ethnicity:SG: Malay", "train", { "1": 10, "2": 30, "3": 10 }),
    pair("Q1", "religion:Muslim", "train", { "1": 20, "2": 10, "3": 25 }),
    pair("Q1", "ethnicity_x_religion:SG: Malay|Muslim", "ood", { "3": 100 }),
    pair("Q1", "age_x_ethnicity:65 and over|SG: Malay", "ood", { "1": 100 }),
    pair("Q56", "ethnicity_x_religion:SG: Malay|Muslim", "ood", { "2": 100 }),
  ];
  return {
    options: { preset: "synthetic", minSubgroupSize: 30, minValidAnswers: 30, weighted: false, tiePolicy: "lowest" },
    questions: [q("Q1", [1, 2, 3]), q("Q56", [1, 3, 2])],
    subgroups,
    pairs,
    population: { Q1: { "1": 50, "2": 30, "3": 20 }, Q56: { "1": 10, "2": 60, "3": 30 } },
    provenance: {},
  };
}

const prompt = (question: string, subgroup: string, codes: number[]): Prompt => ({
  question,
  subgroup,
  templateId: "system-persona",
  messages: [],
  answerCodes: codes,
  answerLabels: {},
});
const close = (a: Record<string, number> | undefined, b: number[]) => {
  assert.ok(a);
  b.forEach((x, i) => assert.ok(Math.abs(Object.values(a)[i] - x) < 1e-12, `${JSON.stringify(a)} vs ${b}`));
};

test("population-mode: whole-sample mode and distribution", async () => {
  const b = synthetic();
  const { reads } = trapOod(b.pairs);
  const p = await createProvider("baseline:population-mode", { benchmark: b });
  const a = await p.answer(prompt("Q1", "ethnicity_x_religion:SG: Malay|Muslim", [1, 2, 3]), {});
  assert.equal(a.code, 1);
  close(a.distribution, [0.5, 0.3, 0.2]);
  assert.equal(a.text, "");
  assert.equal(a.refused, false);
  assert.deepEqual(reads, []);
});

test("attribute-mode:ATTR uses the train subgroup of that attribute value (ties → lowest code)", async () => {
  const b = synthetic();
  const { reads } = trapOod(b.pairs);
  const rel = await createProvider("baseline:attribute-mode:religion", { benchmark: b });
  const eth = await createProvider("baseline:attribute-mode:ethnicity", { benchmark: b });
  const pr = prompt("Q1", "ethnicity_x_religion:SG: Malay|Muslim", [1, 2, 3]);
  const r = await rel.answer(pr, {});
  assert.equal(r.code, 3);
  close(r.distribution, [20 / 55, 10 / 55, 25 / 55]);
  assert.equal(r.meta!.source, "religion:Muslim");
  const e = await eth.answer(pr, {});
  assert.equal(e.code, 2);
  // the subgroup has no religion → population fallback, flagged
  const f = await rel.answer(prompt("Q1", "age_x_ethnicity:65 and over|SG: Malay", [1, 2, 3]), {});
  assert.equal(f.code, 1);
  assert.equal(f.meta!.fallback, "subgroup has no religion attribute");
  assert.deepEqual(reads, []);
  await assert.rejects(
    createProvider("baseline:attribute-mode", { benchmark: b }),
    /expected baseline:attribute-mode:ATTR with ATTR one of ethnicity, religion/,
  );
});

test("attribute-product: p(a|g1,g2) ∝ p(a|g1)·p(a|g2)/p(a), +0.5 smoothing; beats both experts' modes here", async () => {
  const b = synthetic();
  const { reads } = trapOod(b.pairs);
  const p = await createProvider("baseline:attribute-product", { benchmark: b });
  const a = await p.answer(prompt("Q1", "ethnicity_x_religion:SG: Malay|Muslim", [1, 2, 3]), {});
  // hand computation: e=(10.5,30.5,10.5)/51.5, r=(20.5,10.5,25.5)/56.5, prior=(50.5,30.5,20.5)/101.5
  close(a.distribution, [0.1531942039551627, 0.37738084388954707, 0.46942495215529023]);
  assert.equal(a.code, 3);
  assert.deepEqual(a.meta!.source, ["ethnicity:SG: Malay", "religion:Muslim"]);
  // only one expert available (no age_group single subgroup) → that expert's smoothed distribution
  const one = await p.answer(prompt("Q1", "age_x_ethnicity:65 and over|SG: Malay", [1, 2, 3]), {});
  close(one.distribution, [10.5 / 51.5, 30.5 / 51.5, 10.5 / 51.5]);
  assert.deepEqual(one.meta!.missing, ["age_group:65 and over"]);
  // no expert at all for Q56 → population, flagged
  const none = await p.answer(prompt("Q56", "ethnicity_x_religion:SG: Malay|Muslim", [1, 3, 2]), {});
  assert.equal(none.code, 2);
  assert.match(String(none.meta!.fallback), /no train pair/);
  assert.deepEqual(reads, []);
});

test("uniform: uniform distribution, code = middle of the ordinal scale (Q56's ordinal order is 1,3,2)", async () => {
  const b = synthetic();
  const p = await createProvider("baseline:uniform", { benchmark: b });
  const a = await p.answer(prompt("Q1", "x", [3, 2, 1]), {}); // reversed presentation: same middle
  assert.equal(a.code, 2);
  close(a.distribution, [1 / 3, 1 / 3, 1 / 3]);
  assert.equal((await p.answer(prompt("Q56", "x", [1, 3, 2]), {})).code, 3);
  const noBench = await createProvider("baseline:uniform");
  assert.equal((await noBench.answer(prompt("Q9", "x", [1, 2, 3, 4]), {})).code, 2); // lower middle
});

test("shipped benchmark: every baseline answers every OOD pair without reading any OOD counts", async () => {
  const b = structuredClone(await loadBenchmark());
  const { reads } = trapOod(b.pairs);
  const questions = new Map(b.questions.map((x) => [x.id, x]));
  const specs = [
    "baseline:population-mode",
    "baseline:attribute-mode:religion",
    "baseline:attribute-mode:age_group",
    "baseline:attribute-product",
    "baseline:uniform",
  ];
  const providers = await Promise.all(specs.map((s) => createProvider(s, { benchmark: b })));
  const ood = b.pairs.filter((p) => p.split === "ood");
  assert.equal(ood.length, 10177);
  let answered = 0;
  for (const pair of ood) {
    const qq = questions.get(pair.question)!;
    const pr = prompt(
      pair.question,
      pair.subgroup,
      [...qq.scale, ...qq.offScale].map((o) => o.code),
    );
    for (const p of providers) {
      const a = await p.answer(pr, {});
      assert.ok(typeof a.code === "number" && pr.answerCodes.includes(a.code));
      answered++;
    }
  }
  assert.equal(answered, 10177 * specs.length);
  assert.deepEqual(reads, []);
  // sanity on real numbers: family is "very important" (1) to the nation
  const pop = await providers[0].answer(prompt("Q1", ood[0].subgroup, [1, 2, 3, 4]), {});
  assert.equal(pop.code, 1);
  assert.ok(pop.distribution!["1"] > 0.85);
});
