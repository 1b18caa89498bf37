import { test } from "node:test";
import assert from "node:assert/strict";
import type { Subgroup } from "../src/benchmark/types";
import type { Question } from "../src/wvs/types";
import { buildPrompt, listTemplates, templateIds, personaDescription, firstPersonBio, parseTemplateId } from "../src/personas";
import { loadBenchmark } from "../src/benchmark/load";
import { loadCodebook } from "../src/wvs/codebook";
import { parseAnswer } from "../src/models/parse-answer";

const sg = (id: string, attributes: Record<string, string>): Subgroup => ({ id, stratum: id.split(":")[0], attributes, size: 50, split: "train" });
const Q1: Question = {
  id: "Q1",
  label: "Important in life: Family",
  text: "How important is family in your life?",
  category: "x",
  ordinal: true,
  scale: [
    { code: 1, label: "Very important" },
    { code: 2, label: "Rather important" },
    { code: 3, label: "Not very important" },
    { code: 4, label: "Not at all important" },
  ],
  offScale: [],
  missing: [{ code: -1, label: "Don't know" }],
};
const malayWoman = sg("sex_x_ethnicity:Female|SG: Malay", { sex: "Female", ethnicity: "SG: Malay" });
const oldMuslim = sg("age_x_religion:65 and over|Muslim", { age_group: "65 and over", religion: "Muslim" });

test("persona text names exactly the attributes the subgroup defines", () => {
  assert.equal(personaDescription(malayWoman), "a Malay woman living in Singapore");
  assert.equal(personaDescription(oldMuslim), "a person living in Singapore, aged 65 or over and Muslim");
  assert.equal(personaDescription(sg("sex:Male", { sex: "Male" })), "a man living in Singapore");
  assert.equal(personaDescription(sg("age_group:16-24 years", { age_group: "16-24 years" })), "a person living in Singapore, aged 16 to 24");
  assert.equal(
    personaDescription(sg("ethnicity:SG: South Asian Indian, Pakistan, etc.", { ethnicity: "SG: South Asian Indian, Pakistan, etc." })),
    "a South Asian (Indian, Pakistani, etc.) person living in Singapore",
  );
  assert.equal(
    personaDescription(sg("religion:Do not belong to a denomination", { religion: "Do not belong to a denomination" })),
    "a person living in Singapore, not belonging to any religious denomination",
  );
  // attribute order in the stratum does not change the text
  assert.equal(personaDescription(sg("x", { religion: "Muslim", age_group: "65 and over" })), personaDescription(oldMuslim));
  assert.equal(firstPersonBio(oldMuslim), "I live in Singapore. I am aged 65 or over. I am Muslim.");
  assert.equal(firstPersonBio(malayWoman), "I live in Singapore. I am a woman. I am Malay.");
});

test("every shipped subgroup gets a persona naming each of its values and nothing else", async () => {
  const b = await loadBenchmark();
  const all = ["woman", "man", "Chinese", "Malay", "South Asian", "Muslim", "Buddhist", "Hindu", "Protestant", "Roman Catholic", "aged"];
  for (const s of b.subgroups) {
    const d = personaDescription(s);
    const expected = new Set<string>();
    for (const [k, v] of Object.entries(s.attributes)) {
      if (k === "sex") expected.add(v === "Female" ? "woman" : "man");
      if (k === "age_group") expected.add("aged");
      if (k === "ethnicity") expected.add(v.includes("Chinese") ? "Chinese" : v.includes("Malay") ? "Malay" : "South Asian");
      if (k === "religion" && all.includes(v)) expected.add(v);
    }
    for (const w of all) {
      const present = new RegExp(`\\b${w}\\b`).test(d); // "\bman\b" does not match "woman"
      assert.equal(present, expected.has(w), `${s.id}: "${d}" ${expected.has(w) ? "lacks" : "should not contain"} "${w}"`);
    }
  }
});

test("three persona templates + control, each reversible; ids validated", () => {
  const ids = listTemplates().map((t) => t.id);
  for (const id of ["system-persona", "first-person-bio", "third-person"]) assert.ok(ids.includes(id));
  assert.equal(templateIds().length, ids.length * 2);
  assert.deepEqual(parseTemplateId("third-person+reversed"), { base: "third-person", reversed: true });
  assert.throws(() => buildPrompt(Q1, malayWoman, "nope"), /unknown template "nope": expected one of system-persona/);
});

test("system-persona: exact messages", () => {
  const p = buildPrompt(Q1, malayWoman, "system-persona");
  assert.deepEqual(p.messages, [
    {
      role: "system",
      content:
        "You are a Malay woman living in Singapore. You are taking part in the World Values Survey. Answer every question as yourself, from your own values and views.",
    },
    {
      role: "user",
      content:
        'Question: How important is family in your life?\n\nOptions:\n1. Very important\n2. Rather important\n3. Not very important\n4. Not at all important\n\nReply with the code of the chosen option only, in the form "Answer: <code>".',
    },
  ]);
  assert.deepEqual(p.answerCodes, [1, 2, 3, 4]);
  assert.equal(p.answerLabels["2"], "Rather important");
  assert.equal(p.templateId, "system-persona");
  assert.equal(p.question, "Q1");
  assert.equal(p.subgroup, malayWoman.id);
});

test("first-person-bio and third-person carry the persona in one user message", () => {
  const bio = buildPrompt(Q1, oldMuslim, "first-person-bio");
  assert.equal(bio.messages.length, 1);
  assert.ok(bio.messages[0].content.startsWith("I live in Singapore. I am aged 65 or over. I am Muslim.\n\n"));
  const third = buildPrompt(Q1, oldMuslim, "third-person");
  assert.ok(third.messages[0].content.startsWith("Consider a person living in Singapore, aged 65 or over and Muslim. How would this person answer"));
  for (const p of [bio, third]) assert.ok(p.messages[0].content.includes("4. Not at all important"));
});

test("+reversed reverses the shown scale (codes unchanged), off-scale options stay last", () => {
  const Q254: Question = { ...Q1, id: "Q254", offScale: [{ code: 5, label: "I am not Singaporean" }] };
  const p = buildPrompt(Q254, malayWoman, "third-person+reversed");
  assert.deepEqual(p.answerCodes, [4, 3, 2, 1, 5]);
  const text = p.messages[0].content;
  assert.ok(text.indexOf("4. Not at all important") < text.indexOf("1. Very important"));
  assert.ok(text.indexOf("1. Very important") < text.indexOf("5. I am not Singaporean"));
  assert.equal(p.templateId, "third-person+reversed");
  const fwd = buildPrompt(Q254, malayWoman, "third-person");
  assert.deepEqual(fwd.answerCodes, [1, 2, 3, 4, 5]);
});

test("deterministic, and every codebook question renders all its options; answers to it parse", async () => {
  const b = await loadBenchmark();
  const cb = loadCodebook();
  for (const q of b.questions) {
    const full = cb.questions[q.id];
    const p1 = buildPrompt(full, oldMuslim, "system-persona");
    const p2 = buildPrompt(full, oldMuslim, "system-persona");
    assert.deepEqual(p1, p2);
    assert.deepEqual(
      p1.answerCodes,
      [...full.scale, ...full.offScale].map((o) => o.code),
    );
    for (const c of p1.answerCodes) {
      assert.match(p1.messages[1].content, new RegExp(`^${c}\\.`, "m"), `${q.id} option ${c}`);
      assert.equal(parseAnswer(`Answer: ${c}`, p1.answerCodes, p1.answerLabels).code, c);
    }
    for (const m of full.missing) assert.doesNotMatch(p1.messages[1].content, new RegExp(`^${m.code}\\.`, "m"));
  }
  // Q56's ordinal order is 1, 3, 2 (better off, about the same, worse off)
  assert.deepEqual(buildPrompt(cb.questions.Q56, oldMuslim).answerCodes, [1, 3, 2]);
});
