/** Landscape figure specs (no browser): titles, axis labels with units, legends, readable names, order. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { answerShares, computeLandscape } from "../src/benchmark/landscape";
import { loadBenchmark } from "../src/benchmark/load";
import { defaultHeatmapQuestion } from "../src/figures/landscape-catalogue";
import { answerHeatmapFigure, mdsByCategoryFigure, questionMdsFigure, wrapLabel } from "../src/figures/landscape";
import { getFigure, listFigures, registerFigure } from "../src/figures/registry";

const title = (s: { layout?: Record<string, unknown> }) => (s.layout!.title as { text: string }).text;
const axis = (s: { layout?: Record<string, unknown> }, a: string) => (s.layout![a] as { title: { text: string } }).title.text;

test("MDS-by-category: bars most divisive on top, W1 panel, paper markers, labelled axes", async () => {
  const L = computeLandscape(await loadBenchmark());
  const f = mdsByCategoryFigure(L);
  assert.match(title(f), /^Value conflict by WVS-7 category \(214 questions, 10 strata\)/);
  assert.match(axis(f, "xaxis"), /MDS \(0 = consensus, 1 = max/);
  assert.match(axis(f, "xaxis2"), /W1 \/ scale span/);
  const [mds, w1] = f.data;
  assert.equal(mds.name, "Modal Diversity Score");
  assert.equal(w1.name, "Mean pairwise W1 (ordinal)");
  assert.equal((mds.y as string[]).at(-1), "Religious Values (12)"); // plotly's last row is drawn on top
  assert.equal((mds.y as string[])[0], "Ethical Values & Norms (23)");
  const paper = f.data.find((t) => t.name === "Tan et al. (2026)")!;
  assert.deepEqual(paper.x, [0.084, 0.318]);
  assert.equal(
    mdsByCategoryFigure(L, { paper: false }).data.some((t) => t.name === "Tan et al. (2026)"),
    false,
  );
});

test("question-level figure: one box per category holding every question, hover names the question", async () => {
  const L = computeLandscape(await loadBenchmark());
  const f = questionMdsFigure(L);
  assert.equal(f.data.length, 12);
  assert.equal(
    f.data.reduce((n, t) => n + (t.x as number[]).length, 0),
    214,
  );
  assert.equal(f.data.at(-1)!.name, "Religious Values");
  assert.ok((f.data.at(-1)!.text as string[]).some((s) => s.startsWith("Q171: How often do you attend religious services")));
  assert.match(axis(f, "xaxis"), /Modal Diversity Score per question/);
});

test("answer heatmap: readable subgroup rows in benchmark order (top to bottom), % colour scale, modal markers", async () => {
  const b = await loadBenchmark();
  const s = answerShares(b, "Q6", ["sex", "religion"]);
  const f = answerHeatmapFigure(s);
  const [heat, modes] = f.data;
  const rows = heat.y as string[];
  assert.equal(rows.length, 9);
  assert.equal(rows.at(-1), "Sex: Male"); // first subgroup drawn on top
  assert.ok(rows.includes("Religion: No religion"));
  assert.deepEqual(heat.x, ["1. Very<br>important", "2. Rather<br>important", "3. Not very<br>important", "4. Not at all<br>important"]);
  assert.equal(heat.zmax, 100);
  assert.match((heat.colorbar as { title: { text: string } }).title.text, /Share of<br>subgroup \(%\)/);
  for (const z of heat.z as number[][]) assert.ok(Math.abs(z.reduce((a, x) => a + x, 0) - 100) < 0.3);
  assert.equal(modes.name, "Modal answer (benchmark label)");
  assert.match(title(f), /^Q6 · Important in life: Religion/);
  // One stratum only: rows drop the stratum prefix.
  assert.deepEqual(answerHeatmapFigure(answerShares(b, "Q6", ["sex"])).data[0].y, ["Female", "Male"]);
  assert.equal(wrapLabel("Never, practically never", 11), "Never,<br>practically<br>never");
  // A 10-point scale with unlabelled middle points: categories in scale order, never a numeric axis.
  const q241 = answerHeatmapFigure(answerShares(b, "Q241", ["sex"]));
  assert.deepEqual((q241.data[0].x as string[]).slice(1, 9), ["2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.match((q241.data[0].x as string[])[0], /^1\. Not an<br>essential/);
  assert.equal((q241.layout!.xaxis as { type: string }).type, "category");
  assert.equal((q241.layout!.yaxis as { type: string }).type, "category");
});

test("registry: validated names, replace on re-register, default heatmap question = largest MDS × W1", async () => {
  assert.throws(() => registerFigure({ name: "Bad Name", stage: "x", title: "t", build: () => null }), /lowercase words joined by hyphens/);
  registerFigure({ name: "test-one", stage: "test", title: "first", build: () => null });
  registerFigure({ name: "test-one", stage: "test", title: "second", build: () => null });
  assert.equal(getFigure("test-one").title, "second");
  assert.equal(listFigures().filter((f) => f.name === "test-one").length, 1);
  assert.throws(() => getFigure("nope"), /unknown figure "nope"/);
  assert.equal(defaultHeatmapQuestion(computeLandscape(await loadBenchmark())), "Q171");
});

test("svlab figures --list shows every catalogue module's figures; bad --format / --only are clear errors", async () => {
  const { svlab } = await import("./support/cli");
  const r = svlab(["figures", "--list", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const names = (r.json() as Array<{ name: string; stage: string }>).map((f) => f.name);
  assert.ok(
    ["landscape-mds-by-category", "landscape-question-mds", "landscape-answer-heatmap"].every((n) => names.includes(n)),
    names.join(","),
  );
  const bad = svlab(["figures", "--format", "jpg"]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--format: expected svg, png or svg,png, got "jpg"/);
  const none = svlab(["figures", "--only", "nope", "--out", "/tmp/svlab-none"]);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /unknown figure or stage: nope; registered: landscape-answer-heatmap/);
});
