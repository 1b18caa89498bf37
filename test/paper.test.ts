/**
 * svlab paper on synthetic runs with hand-checked numbers. The benchmark is the shipped one cut to
 * two questions — Q1 (4-point, span 3) and Q182 "Justifiable: Homosexuality" (10-point, span 9, a
 * sensitive item) — and the runs answer three OOD subgroups of one age group:
 *
 *   base     A: exact, exact       B: exact, refused      C: off 1 (1/3), off 1 (1/9)
 *   tuned    A: exact, exact       B: exact, off 1 (1/9)  C: exact, off 2 (2/9)
 *
 *   base:  acc 3/6 = .5;  NMAE (1 + 1/3 + 1/9)/6 = 13/54;  per subgroup acc [1, .5, 0], NMAE [0, .5, 2/9]
 *   tuned: acc 4/6;       NMAE (1/9 + 2/9)/6 = 1/18;       per subgroup acc [1, .5, .5], NMAE [0, 1/18, 1/9]
 *   Acc NormRange 1 → .5; Acc CV sqrt(1/6)/.5 → sqrt(1/18)/(2/3); NMAE NormRange 1 → 1; NMAE CV → sqrt(2/3)
 *   refusals: base 1/6 overall, 1/3 on the sensitive question; tuned 0
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadBenchmark } from "../src/benchmark/load";
import { paperCustomId } from "../src/benchmark/subgroup-id";
import type { Benchmark, Pair } from "../src/benchmark/types";
import { importOutputs } from "../src/import/index";
import { buildPaper, d3, f3, paperMarkdown, sensitiveQuestions, tableCsv, writePaper } from "../src/report/paper";
import { paperFigures } from "../src/report/paper-figures";

let full: Benchmark;
let bench: Benchmark;
let dir: string;
let A: string, B: string, C: string, age: string;

const close = (a: number | null | undefined, b: number, msg?: string) =>
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-6, `${msg ?? ""} ${a} vs ${b}`);

before(async () => {
  full = await loadBenchmark();
  const keep = new Set(["Q1", "Q182"]);
  bench = { ...full, questions: full.questions.filter((q) => keep.has(q.id)), pairs: full.pairs.filter((p) => keep.has(p.question)) };
  // three OOD subgroups of one age group, each with both questions
  const has = (s: string) => bench.pairs.filter((p) => p.subgroup === s).length === 2;
  const ood = bench.subgroups.filter((s) => s.split === "ood" && s.stratum === "age_x_religion" && has(s.id));
  const byAge = new Map<string, string[]>();
  for (const s of ood) byAge.set(s.attributes.age_group, [...(byAge.get(s.attributes.age_group) ?? []), s.id]);
  const [a, ids] = [...byAge.entries()].find(([, v]) => v.length >= 3)!;
  age = a;
  [A, B, C] = ids;
  dir = mkdtempSync(join(tmpdir(), "svlab-paper-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function pair(q: string, s: string): Pair {
  return bench.pairs.find((p) => p.question === q && p.subgroup === s)!;
}
/** A valid code `d` steps from the label (upwards when the scale allows). */
function off(q: string, s: string, d: number): string {
  const p = pair(q, s);
  const max = q === "Q1" ? 4 : 10;
  return `Answer: ${p.mode + d <= max ? p.mode + d : p.mode - d}`;
}
const exact = (q: string, s: string) => `Answer: ${pair(q, s).mode}`;

function writeJsonl(name: string, rows: Array<[string, string, string]>): string {
  const file = join(dir, name);
  writeFileSync(file, rows.map(([q, s, r]) => JSON.stringify({ custom_id: paperCustomId(q, s), response: r })).join("\n") + "\n");
  return file;
}

describe("svlab paper", () => {
  test("sensitive questions are named from the codebook: homosexuality and domestic violence", () => {
    const ids = sensitiveQuestions(full).map((q) => q.id);
    assert.deepEqual(ids, ["Q22", "Q36", "Q182", "Q189", "Q190"]);
  });

  test("number formats in the paper's style", () => {
    assert.equal(f3(0.514), ".514");
    assert.equal(d3(0.171), "+.171");
    assert.equal(d3(-0.115), "−.115");
    assert.equal(f3(NaN), "–");
  });

  test("tables on synthetic runs: main, fairness, refusals, per attribute value — hand-checked", async () => {
    const results = join(dir, "results");
    const baseFile = writeJsonl("base.jsonl", [
      ["Q1", A, exact("Q1", A)],
      ["Q182", A, exact("Q182", A)],
      ["Q1", B, exact("Q1", B)],
      ["Q182", B, "I'm sorry, as an AI I cannot give an opinion on that."],
      ["Q1", C, off("Q1", C, 1)],
      ["Q182", C, off("Q182", C, 1)],
    ]);
    const tunedFile = writeJsonl("tuned.jsonl", [
      ["Q1", A, exact("Q1", A)],
      ["Q182", A, exact("Q182", A)],
      ["Q1", B, exact("Q1", B)],
      ["Q182", B, off("Q182", B, 1)],
      ["Q1", C, exact("Q1", C)],
      ["Q182", C, off("Q182", C, 2)],
    ]);
    await importOutputs({ file: baseFile, model: "base-m", benchmark: bench, results });
    await importOutputs({ file: tunedFile, model: "tuned-m", tunedFrom: "base-m", benchmark: bench, results });
    // a closed model, given directly: not in the open-source average
    const closed = [A, B, C].flatMap((s) =>
      ["Q1", "Q182"].map((q) => ({
        model: "openai:gpt-4.1",
        templateId: "imported",
        question: q,
        subgroup: s,
        split: "ood" as const,
        sample: 0,
        code: pair(q, s).mode,
        refused: false,
      })),
    );
    const paper = await buildPaper(bench, { results, sources: [{ model: "openai:gpt-4.1", predictions: closed }] });

    const base = paper.models.find((m) => m.model === "base-m")!;
    const tuned = paper.models.find((m) => m.model === "tuned-m")!;
    assert.deepEqual(paper.pairs, [{ base: "base-m", tuned: "tuned-m" }]);
    close(base.accuracy, 0.5, "base acc");
    close(base.nmae, 13 / 54, "base nmae");
    close(tuned.accuracy, 4 / 6, "tuned acc");
    close(tuned.nmae, 1 / 18, "tuned nmae");
    close(base.disparity.accuracy.normalisedRange, 1);
    close(base.disparity.accuracy.cv, Math.sqrt(1 / 6) / 0.5);
    close(tuned.disparity.accuracy.normalisedRange, 0.5);
    close(tuned.disparity.accuracy.cv, Math.sqrt(1 / 18) / (2 / 3));
    close(base.disparity.nmae.normalisedRange, 1);
    const nb = [0, 0.5, 2 / 9];
    const mb = (0.5 + 2 / 9) / 3;
    close(base.disparity.nmae.cv, Math.sqrt(nb.reduce((a, x) => a + (x - mb) ** 2, 0) / 3) / mb, "base nmae cv");
    close(tuned.disparity.nmae.normalisedRange, 1);
    close(tuned.disparity.nmae.cv, Math.sqrt(2 / 3), "tuned nmae cv");
    close(base.refusal.overall, 1 / 6);
    close(base.refusal.sensitive, 1 / 3);
    assert.equal(base.refusal.sensitivePairs, 3);
    close(tuned.refusal.overall, 0);
    close(base.attributes.age_group[age].accuracy, 0.5);
    close(base.attributes.age_group[age].nmae, 13 / 54);
    close(tuned.attributes.age_group[age].accuracy, 4 / 6);

    const main = paper.tables.find((t) => t.name === "main")!;
    const row = (label: string) => main.rows.find((r) => r[0] === label)!;
    assert.deepEqual(row("base-m"), ["base-m", ".500", ".667 (+.167)", ".241", ".056 (−.185)", "6"]);
    assert.deepEqual(row("gpt-4.1"), ["gpt-4.1", "1.000", "–", ".000", "–", "6"]);
    // the open-source average holds base-m only (gpt-4.1 is closed)
    assert.deepEqual(row("Open-source avg (1)").slice(0, 5), ["Open-source avg (1)", ".500", ".667 (+.167)", ".241", ".056 (−.185)"]);
    assert.ok(
      main.rows.some((r) => r[0] === "national mode (baseline)"),
      main.rows.map((r) => r[0]).join(", "),
    );
    assert.equal(main.rows.filter((r) => r[0].endsWith("(baseline)")).length, 2);

    const fair = paper.tables.find((t) => t.name === "fairness")!;
    const fr = fair.rows.find((r) => r[0] === "base-m")!;
    assert.equal(fr[1], "1.000 → .500");
    assert.equal(fr[2], `${f3(Math.sqrt(1 / 6) / 0.5)} → ${f3(Math.sqrt(1 / 18) / (2 / 3))}`);
    assert.equal(fr[3], "1.000 → 1.000");
    assert.equal(fr[4].split(" → ")[1], f3(Math.sqrt(2 / 3)));

    const ref = paper.tables.find((t) => t.name === "refusal")!;
    assert.deepEqual(ref.rows.find((r) => r[0] === "base-m")!.slice(0, 3), ["base-m", "16.67% → 0.00%", "33.33% → 0.00%"]);
    assert.match(ref.note!, /Q182 "Justifiable: Homosexuality"/);

    const mds = paper.tables.find((t) => t.name === "mds")!;
    assert.deepEqual(mds.rows.map((r) => r[0]).sort(), ["Ethical Values & Norms", "Social Values & Stereotypes"]);

    const attrs = paper.tables.find((t) => t.name === "attributes")!;
    assert.deepEqual(attrs.columns.slice(2, 4), ["base-m (base)", "tuned-m (tuned)"]);
    const ar = attrs.rows.find((r) => r[0] === "age_group" && r[1] === age)!;
    assert.equal(ar[2], ".500 / .241");
    assert.equal(ar[3], ".667 / .056");

    // Markdown and CSV
    const md = paperMarkdown(paper);
    assert.match(md, /\| base-m \| \.500 \| \.667 \(\+\.167\) \|/);
    assert.match(md, /WR/);
    const csv = tableCsv(main).split("\n");
    assert.equal(csv[0], "model,kind,acc_base,acc_tuned,acc_delta,nmae_base,nmae_tuned,nmae_delta");
    assert.equal(csv[1], "base-m,open,0.5,0.666667,0.166667,0.240741,0.055556,-0.185185");
    const files = writePaper(paper, join(dir, "out"));
    assert.deepEqual(Object.keys(files).sort(), ["attributes.csv", "fairness.csv", "main.csv", "mds.csv", "paper.json", "paper.md", "refusal.csv"]);
    assert.equal(readFileSync(files["paper.md"], "utf8"), md);

    // figures: base, tuned, the closed model and two baselines; the published averages only when asked
    const figs = paperFigures(paper);
    assert.deepEqual(
      figs.map((f) => f.name),
      ["paper-main", "paper-fairness", "paper-mds"],
    );
    const fairFig = figs[1].spec.data;
    assert.deepEqual(
      fairFig.map((t) => t.name),
      ["base-m (base)", "tuned-m (tuned)", "gpt-4.1", "national mode (baseline)", "attribute product (baseline)"],
    );
    assert.deepEqual(
      (fairFig[1].y as number[]).slice(0, 2).map((v) => Math.round(v * 1e6) / 1e6),
      [0.5, Math.round((Math.sqrt(1 / 18) / (2 / 3)) * 1e6) / 1e6],
    );
    assert.equal(paperFigures(paper, { published: true })[1].spec.data[0].name, "published base (avg of 7)");
  });

  test("pairs given as an option; a pair naming a missing run is an error; no runs → baselines and data only", async () => {
    const results = join(dir, "results-opt");
    const f1 = writeJsonl("m1.jsonl", [["Q1", A, exact("Q1", A)]]);
    const f2 = writeJsonl("m2.jsonl", [["Q1", A, off("Q1", A, 1)]]);
    await importOutputs({ file: f1, model: "m1", benchmark: bench, results });
    await importOutputs({ file: f2, model: "m2", benchmark: bench, results });
    const p = await buildPaper(bench, { results, pairs: [{ base: "m2", tuned: "m1" }] });
    assert.deepEqual(p.pairs, [{ base: "m2", tuned: "m1" }]);
    const main = p.tables.find((t) => t.name === "main")!;
    assert.deepEqual(main.rows.find((r) => r[0] === "m2")!.slice(0, 3), ["m2", ".000", "1.000 (+1.000)"]);
    await assert.rejects(buildPaper(bench, { results, pairs: [{ base: "nope", tuned: "m1" }] }), /no run of "nope"/);
    const empty = await buildPaper(bench, { results: join(dir, "nothing-here") });
    assert.equal(empty.models.filter((m) => m.kind === "baseline").length, 2);
    assert.ok(empty.notes.some((n) => /No completed OOD model runs/.test(n)));
  });
});
