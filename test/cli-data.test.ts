import assert from "node:assert/strict";
import { test } from "node:test";
import { svlab } from "./support/cli";
import { needsMicrodata, realFile } from "./support/real-data";

test("svlab dataset --json (shipped aggregates) gives the paper's counts", () => {
  const r = svlab(["dataset", "--preset", "tan2026", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = r.json();
  assert.equal(j.questions, 214);
  assert.deepEqual(j.subgroups, { train: 50, ood: 48 });
  assert.deepEqual(j.pairs, { train: 10700, ood: 10177 });
  assert.equal(j.source, "aggregates");
});

test("svlab dataset --wvs FILE --json builds from the microdata", { skip: needsMicrodata }, () => {
  const r = svlab(["dataset", "--wvs", realFile!, "--preset", "tan2026", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = r.json();
  assert.deepEqual([j.questions, j.subgroups, j.pairs], [214, { train: 50, ood: 48 }, { train: 10700, ood: 10177 }]);
});

test("svlab distribution: weighted shares per code, by attribute", { skip: needsMicrodata }, () => {
  const all = svlab(["distribution", "--wvs", realFile!, "--question", "Q1", "--weighted", "--json"]).json();
  assert.deepEqual(all, { Q1: { "1": 91.98, "2": 6.97, "3": 0.86, "4": 0.1, "-2": 0.09 } });
  const by = svlab(["distribution", "--wvs", realFile!, "--question", "Q57", "--by", "sex", "--valid-only", "--json"]).json();
  assert.deepEqual(Object.keys(by.Q57).sort(), ["Female", "Male"]);
  for (const g of Object.values(by.Q57) as Record<string, number>[]) {
    assert.ok(Math.abs(Object.values(g).reduce((a, b) => a + b, 0) - 100) < 0.02);
  }
  const every = svlab(["distribution", "--wvs", realFile!, "--json"]).json();
  assert.equal(Object.keys(every).length, 239);
});

test("CLI errors are one clear line and exit 1", () => {
  const r = svlab(["distribution", "--wvs", "/nonexistent/file.csv", "--json"]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^svlab: file\.csv: file not found \(\/nonexistent\/file\.csv\)/);
  const q = svlab(["dataset", "--tie", "middle"]);
  assert.equal(q.status, 1);
  assert.match(q.stderr, /--tie: expected lowest or highest, got "middle"/);
  const o = svlab(["dataset", "--out", "/tmp/x"]);
  assert.match(o.stderr, /--out needs --wvs/);
});

test("svlab distribution: unknown question and unknown attribute", { skip: needsMicrodata }, () => {
  const q = svlab(["distribution", "--wvs", realFile!, "--question", "Q999"]);
  assert.match(q.stderr, /unknown question id "Q999"/);
  const a = svlab(["distribution", "--wvs", realFile!, "--question", "Q1", "--by", "height"]);
  assert.match(a.stderr, /unknown attribute "height": expected one of sex, age_group/);
});
