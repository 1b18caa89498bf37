import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAnswer, isRefusal, lastAnswerMarker } from "../src/models/parse-answer";

const codes = [1, 2, 3, 4];
const labels = { "1": "Very important", "2": "Rather important", "3": "Not very important", "4": "Not at all important" };
const p = (t: string) => parseAnswer(t, codes, labels);

test("Answer: 3", () => assert.deepEqual(p("Answer: 3"), { code: 3, refused: false, method: "marker" }));
test("**Answer:** 3 and Answer: **3**", () => {
  assert.equal(p("**Answer:** 3").code, 3);
  assert.equal(p("Answer: **3**").code, 3);
  assert.equal(p("answer=2").code, 2);
});
test("bare number", () => {
  assert.deepEqual(p("3"), { code: 3, refused: false, method: "bare-number" });
  assert.equal(p(" **2**.\n").code, 2);
});
test("Answer: 3 (Rather important) takes the code, not the label", () => {
  assert.deepEqual(p("Answer: 3 (Rather important)"), { code: 3, refused: false, method: "marker" });
});
test("a label instead of a code; the longer label wins over the one it contains", () => {
  assert.deepEqual(p("Answer: Rather important"), { code: 2, refused: false, method: "label" });
  assert.equal(p("Not very important").code, 3);
  assert.equal(p("I think family is very important to me.").code, 1);
  assert.equal(p("Answer: not at all important").code, 4);
});
test("several answers: the last one wins", () => {
  assert.equal(p("Answer: 1\nOn reflection... Answer: 4").code, 4);
  assert.equal(p("Answer: 2\nAnswer: 9").code, null); // last wins even when invalid
});
test("out-of-range code is invalid and the reason names it", () => {
  const r = p("Answer: 7");
  assert.equal(r.code, null);
  assert.equal(r.refused, false);
  assert.equal(r.reason, "out of range: 7 (valid: 1, 2, 3, 4)");
  assert.equal(p("Answer: -1").reason, "out of range: -1 (valid: 1, 2, 3, 4)");
  assert.equal(p("12").reason, "out of range: 12 (valid: 1, 2, 3, 4)");
});
test("multi-digit codes", () => {
  const ten = Array.from({ length: 10 }, (_, i) => i + 1);
  assert.equal(parseAnswer("Answer: 10", ten).code, 10);
  assert.equal(parseAnswer("Answer: 1", ten).code, 1);
  assert.equal(parseAnswer("10", ten).code, 10);
});
test("refusals are flagged, with no code", () => {
  for (const t of ["As an AI, I don't have personal opinions.", "I cannot answer questions about religion.", "I'm sorry, but I can't help with that."]) {
    assert.deepEqual(p(t), { code: null, refused: true, reason: "refusal" }, t);
  }
  assert.ok(isRefusal("As a language model I have no views"));
});
test("an explicit marker beats a refusal phrase", () => {
  const r = p("As an AI I have no views, but a person like this would likely say: Answer: 2");
  assert.deepEqual(r, { code: 2, refused: false, method: "marker" });
});
test("empty output", () => {
  assert.deepEqual(p(""), { code: null, refused: false, reason: "empty" });
  assert.deepEqual(p("  \n "), { code: null, refused: false, reason: "empty" });
});
test("free text with a valid number falls back to the last valid code; none gives 'no code found'", () => {
  assert.deepEqual(p("I would pick 2 here."), { code: 2, refused: false, method: "last-number" });
  assert.deepEqual(p("Once upon a time there was a cat."), { code: null, refused: false, reason: "no code found" });
  assert.equal(p("It was 2.5 or so").code, null); // decimals are not codes
});
test("a code beats a refusal phrase anywhere; only a reply with no code or label is a refusal", () => {
  assert.deepEqual(p("I cannot say for sure, but I'd rate it 2"), { code: 2, refused: false, method: "last-number" });
  assert.deepEqual(p("I'm sorry, it is hard to say. Rather important, I guess."), { code: 2, refused: false, method: "label" });
  // the ends of a scale range are not an answer: still a refusal
  assert.deepEqual(p("I can't pick a number from 1 to 4."), { code: null, refused: true, reason: "refusal" });
  assert.deepEqual(p("As an AI, I won't rate this on a 1-4 scale."), { code: null, refused: true, reason: "refusal" });
});
test("decimals are not codes: null with a reason, not the integer part", () => {
  assert.deepEqual(p("Answer: 2.5"), { code: null, refused: false, reason: "not a whole number: 2.5 (valid: 1, 2, 3, 4)" });
  assert.deepEqual(p("2.5"), { code: null, refused: false, reason: "not a whole number: 2.5 (valid: 1, 2, 3, 4)" });
  // a full stop after the code is not a decimal
  assert.deepEqual(p("Answer: 3. This answer reflects my values."), { code: 3, refused: false, method: "marker" });
});
test("lastAnswerMarker gives the last marker's number and where it starts", () => {
  assert.deepEqual(lastAnswerMarker("I answered 2 before. Answer: 3. This answer reflects…"), { value: "3", index: 29 });
  assert.equal(lastAnswerMarker("My answers vary"), null);
});
