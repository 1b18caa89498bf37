/** Reading judge replies into verdicts: every form we accept, and what stays unreadable (null, never a tie). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { jsonObjectSpans, normaliseVerdict, parseVerdicts } from "../src/judge/verdict";

const C = ["overall", "value", "persona"];

test("plain JSON, with the reason", () => {
  assert.deepEqual(parseVerdicts('{"overall": "A", "value": "B", "persona": "tie", "reason": "A is warmer"}', C), {
    verdicts: { overall: "A", value: "B", persona: "tie" },
    reason: "A is warmer",
  });
});

test("JSON in a code fence or inside prose; key and value case ignored", () => {
  const fenced = 'Sure.\n```json\n{"Overall": "b", "VALUE": "TIE", "Persona": "Tie"}\n```\nHope this helps.';
  assert.deepEqual(parseVerdicts(fenced, C).verdicts, { overall: "B", value: "tie", persona: "tie" });
  const prose = 'My verdict is {"overall":"Answer A","value":"equal","persona":"Response B"} since both…';
  assert.deepEqual(parseVerdicts(prose, C).verdicts, { overall: "A", value: "tie", persona: "B" });
});

test("the last object naming a criterion wins (a judge that corrects itself); braces inside strings are not objects", () => {
  const raw = '{"overall": "A", "value": "A", "persona": "A"} Wait, on reflection: {"overall": "B", "value": "tie", "persona": "B", "reason": "uses {braces}"}';
  assert.deepEqual(parseVerdicts(raw, C), { verdicts: { overall: "B", value: "tie", persona: "B" }, reason: "uses {braces}" });
  assert.deepEqual(jsonObjectSpans('x {"a": "}{"} y {"b": {"c": 1}}'), ['{"a": "}{"}', '{"b": {"c": 1}}']);
});

test("prose lines when there is no JSON: markdown, '=' and explanations after the verdict", () => {
  const raw = "**Overall**: A (more in character)\nvalue = Tie. Both say the same.\nPersona: B because it speaks as a retiree";
  assert.deepEqual(parseVerdicts(raw, C).verdicts, { overall: "A", value: "tie", persona: "B" });
});

test("unreadable values and replies are null, never ties", () => {
  assert.deepEqual(parseVerdicts("I cannot compare these answers.", C).verdicts, { overall: null, value: null, persona: null });
  assert.deepEqual(parseVerdicts('{"overall": "A is better", "value": 1, "persona": ""}', C).verdicts, { overall: null, value: null, persona: null });
  assert.deepEqual(parseVerdicts("Persona: both are bad, I cannot say", ["persona"]).verdicts, { persona: null });
  // a truncated JSON reply: the prose rule still reads the complete fields
  assert.deepEqual(parseVerdicts('{"overall": "A", "value": "B", "pers', C).verdicts, { overall: "A", value: "B", persona: null });
  assert.equal(parseVerdicts('{"overall": "A"}', C).reason, undefined);
});

test("normaliseVerdict: the accepted spellings", () => {
  for (const v of ["A", "a", " A ", '"A"', "Answer A", "assistant a", "[[A]]", "A."]) assert.equal(normaliseVerdict(v), "A", v);
  for (const v of ["B", "response B", "Option b"]) assert.equal(normaliseVerdict(v), "B", v);
  for (const v of ["tie", "Tie", "TIE", "equal", "Equally good", "draw", "same", "neither"]) assert.equal(normaliseVerdict(v), "tie", v);
  for (const v of ["AB", "A or B", "unsure", "", "none", null, 1, undefined]) assert.equal(normaliseVerdict(v), null, String(v));
});
