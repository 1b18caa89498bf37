/**
 * The value landscape of the real tan2026 benchmark (shipped aggregates), pinned. The paper reports
 * Religious Values most divisive (0.318) and Social Capital & Trust most consensual (0.084).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { computeLandscape } from "../src/benchmark/landscape";
import { loadBenchmark } from "../src/benchmark/load";
import { needsMicrodata } from "./support/real-data";
import { svlab } from "./support/cli";

const r6 = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
const table = (L: ReturnType<typeof computeLandscape>) => Object.fromEntries(L.categories.map((c) => [c.category, [r6(c.mds), r6(c.w1), c.questions]]));

test("all strata (default): category MDS and W1, most divisive first; Religious Values = 0.318 as in the paper", async () => {
  const L = computeLandscape(await loadBenchmark());
  assert.deepEqual(table(L), {
    "Religious Values": [0.317688, 0.146727, 12],
    "Science & Technology": [0.292349, 0.050354, 6],
    "Political Culture & Regimes": [0.262909, 0.053957, 23],
    "Economic Values": [0.231256, 0.055603, 6],
    Security: [0.203732, 0.062615, 20],
    "Social Values & Stereotypes": [0.194117, 0.06715, 44],
    Corruption: [0.173611, 0.043803, 7],
    // Q222's off-scale code 4 is a mode of some subgroups, so it counts as a choice (|C| 3 → 4): 0.173435 → 0.172575.
    "Political Interest & Participation": [0.172575, 0.07655, 35],
    Migration: [0.164513, 0.047081, 2],
    "Happiness & Wellbeing": [0.129936, 0.0357, 11],
    "Social Capital & Trust": [0.111193, 0.049851, 25],
    "Ethical Values & Norms": [0.109007, 0.065844, 23],
  });
  assert.equal(Object.keys(table(L))[0], "Religious Values");
  assert.equal(L.categories[0].mds.toFixed(3), "0.318");
  assert.deepEqual([L.overall.questions, r6(L.overall.mds), r6(L.overall.w1)], [214, 0.18653, 0.065784]);
  assert.equal(L.cells.length, 214 * 10);
  assert.deepEqual(
    L.questions.slice(0, 3).map((q) => q.question),
    ["Q9", "Q241", "Q171"],
  );
});

test("train strata only: Social Capital & Trust is the most consensual (0.083, paper 0.084)", async () => {
  const L = computeLandscape(await loadBenchmark(), { strata: "train" });
  const t = table(L);
  assert.deepEqual(t["Social Capital & Trust"], [0.082805, 0.044257, 25]);
  assert.deepEqual(t["Religious Values"], [0.254951, 0.127487, 12]);
  assert.equal(L.categories.at(-1)!.category, "Social Capital & Trust");
  assert.equal(L.categories[0].category, "Science & Technology");
  assert.deepEqual([r6(L.overall.mds), r6(L.overall.w1)], [0.159361, 0.058601]);
});

test("the microdata gives the same landscape as the shipped aggregates", { skip: needsMicrodata }, async () => {
  const a = computeLandscape(await loadBenchmark());
  const m = computeLandscape(await loadBenchmark({ wvs: true }));
  assert.deepEqual(m.cells, a.cells);
  assert.deepEqual(m.categories, a.categories);
});

test("svlab landscape --json: per category, per question and per stratum; bad --strata is one clear error", () => {
  const r = svlab(["landscape", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = r.json();
  assert.equal(j.categories.length, 12);
  assert.equal(j.questions.length, 214);
  assert.equal(j.strata.length, 10);
  assert.equal(r6(j.categories[0].mds), 0.317688);
  assert.equal(j.paper.categories["Religious Values"], 0.318);
  const bad = svlab(["landscape", "--strata", "sex,nope"]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /svlab: landscape: unknown strata nope; the benchmark has sex, age_group/);
});
