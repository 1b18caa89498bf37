/** Weighted Cohen's kappa, the annotations file, and `svlab agreement` end to end. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { AgreementFileError, parseAnnotations, parseJudgements } from "../src/judge/agreement-file";
import { annotatorAgreement, cohensKappa, kappasByItem, type OrdinalVerdict } from "../src/judge/kappa";
import { combinedVerdict } from "../src/judge/scores";
import type { Judgement, Verdict } from "../src/judge/types";
import { pairKey } from "../src/benchmark/types";
import { svlab } from "./support/cli";

const close = (actual: number | null, expected: number, what = ""): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);
};

/** Two raters' lists from a 3 × 3 count matrix (rows: rater 1, columns: rater 2; loss, tie, win). */
function fromMatrix(m: number[][]): [OrdinalVerdict[], OrdinalVerdict[]] {
  const cats: OrdinalVerdict[] = ["loss", "tie", "win"];
  const a: OrdinalVerdict[] = [];
  const b: OrdinalVerdict[] = [];
  m.forEach((row, i) =>
    row.forEach((count, j) => {
      for (let k = 0; k < count; k++) {
        a.push(cats[i]);
        b.push(cats[j]);
      }
    }),
  );
  return [a, b];
}

// Example 1 (n = 10), counts        rater 2: loss tie win
//                        rater 1: loss        2    1   0      row 3
//                                 tie         1    2   1      row 4
//                                 win         0    1   2      row 3;   columns 3, 4, 3
// Unweighted: p_o = 6/10; p_e = (3·3 + 4·4 + 3·3)/100 = 0.34; κ = (0.6 − 0.34)/(1 − 0.34) = 13/33.
// Linear (w = |i−j|/2): observed disagreement D_o = 4 cells at distance 1 × ½ / 10 = 0.2;
//   expected D_e = (12+12+12+12)/100 × ½ + (9+9)/100 × 1 = 0.24 + 0.18 = 0.42; κ = 1 − 0.2/0.42 = 11/21.
// Quadratic (w = ((i−j)/2)²): D_o = 4 × ¼ / 10 = 0.1; D_e = 0.48 × ¼ + 0.18 = 0.30; κ = 1 − 0.1/0.3 = 2/3.
// scikit-learn 1.9.1 cohen_kappa_score gives 0.3939393939393939, 0.5238095238095238, 0.6666666666666667.
const EXAMPLE1 = [
  [2, 1, 0],
  [1, 2, 1],
  [0, 1, 2],
];

// Example 2 (n = 8), unequal marginals: rows 3, 1, 4; columns 2, 1, 5.
//   counts  [1 0 2]  p_o = 5/8; p_e = (3·2 + 1·1 + 4·5)/64 = 27/64; κ = (40 − 27)/(64 − 27) = 13/37.
//           [0 1 0]  Linear: D_o = 3 cells at distance 2 / 8 = 24/64; D_e = (3+2+5+4)/64 × ½ + (15+8)/64 = 30/64; κ = 1 − 24/30 = 1/5.
//           [1 0 3]  Quadratic: D_o = 24/64; D_e = 14/64 × ¼ + 23/64 = 26.5/64; κ = 1 − 24/26.5 = 5/53.
// scikit-learn 1.9.1: 0.3513513513513513, 0.19999999999999996, 0.09433962264150941.
const EXAMPLE2 = [
  [1, 0, 2],
  [0, 1, 0],
  [1, 0, 3],
];

test("kappa on hand-computed examples: unweighted, linear and quadratic", () => {
  const [a, b] = fromMatrix(EXAMPLE1);
  close(cohensKappa(a, b).kappa, 13 / 33, "unweighted");
  close(cohensKappa(a, b, "linear").kappa, 11 / 21, "linear");
  close(cohensKappa(a, b, "quadratic").kappa, 2 / 3, "quadratic");
  assert.equal(cohensKappa(a, b).agreement, 0.6);
  assert.equal(cohensKappa(a, b).n, 10);
  const [c, d] = fromMatrix(EXAMPLE2);
  close(cohensKappa(c, d).kappa, 13 / 37, "unweighted 2");
  close(cohensKappa(c, d, "linear").kappa, 1 / 5, "linear 2");
  close(cohensKappa(c, d, "quadratic").kappa, 5 / 53, "quadratic 2");
  // κ does not depend on which rater is first.
  close(cohensKappa(d, c, "quadratic").kappa, 5 / 53, "swapped");
});

test("kappa edge cases: perfect agreement 1; one constant rater 0; both constant and equal → null with a reason", () => {
  const [a] = fromMatrix(EXAMPLE1);
  for (const w of ["unweighted", "linear", "quadratic"] as const) assert.equal(cohensKappa(a, a, w).kappa, 1);
  // Rater 1 always "win": observed and expected disagreement are equal, so κ = 0 exactly.
  const wins = a.map((): OrdinalVerdict => "win");
  for (const w of ["unweighted", "linear", "quadratic"] as const) assert.equal(cohensKappa(wins, a, w).kappa, 0);
  const both = cohensKappa(wins, wins, "quadratic");
  assert.equal(both.kappa, null);
  assert.match(both.reason!, /same single category \(win\).*κ is undefined/);
  assert.equal(both.agreement, 1);
  const none = cohensKappa([], []);
  assert.deepEqual([none.kappa, none.n, none.reason], [null, 0, "no item rated by both raters"]);
  assert.throws(() => cohensKappa(["win"], ["win", "tie"]), /differ in length/);
  assert.throws(() => cohensKappa(["win"], ["draw" as OrdinalVerdict]), /"draw" at position 0 is not one of loss, tie, win/);
});

test("kappa agrees with an independent Python implementation on seeded random ratings", {
  skip: spawnSync("python3", ["--version"]).status !== 0 && "python3 not found",
}, () => {
  // A second implementation written independently: agreement weights 1 − w, κ = (p_o − p_e)/(1 − p_e).
  const py = `
import json, sys
cases = json.load(sys.stdin)
out = []
for a, b in cases:
    k = 3; n = len(a)
    res = []
    for kind in ("unweighted", "linear", "quadratic"):
        def agree(i, j):
            if kind == "unweighted": return 1.0 if i == j else 0.0
            d = abs(i - j) / (k - 1)
            return 1 - (d if kind == "linear" else d * d)
        po = sum(agree(x, y) for x, y in zip(a, b)) / n
        pa = [a.count(i) / n for i in range(k)]; pb = [b.count(j) / n for j in range(k)]
        pe = sum(agree(i, j) * pa[i] * pb[j] for i in range(k) for j in range(k))
        res.append((po - pe) / (1 - pe))
    out.append(res)
print(json.dumps(out))
`;
  let s = 12345;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cases: number[][][] = [];
  for (let c = 0; c < 20; c++) {
    const n = 5 + Math.floor(rnd() * 40);
    const a = Array.from({ length: n }, () => Math.floor(rnd() * 3));
    // Rater 2 agrees with rater 1 most of the time, so κ spans a useful range.
    const b = a.map((x) => (rnd() < 0.6 ? x : Math.floor(rnd() * 3)));
    cases.push([a, b]);
  }
  const r = spawnSync("python3", ["-c", py], { input: JSON.stringify(cases), encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const expected = JSON.parse(r.stdout) as number[][];
  const cats: OrdinalVerdict[] = ["loss", "tie", "win"];
  cases.forEach(([a, b], i) => {
    const x = a.map((v) => cats[v]);
    const y = b.map((v) => cats[v]);
    ["unweighted", "linear", "quadratic"].forEach((w, k) => close(cohensKappa(x, y, w as "linear").kappa, expected[i][k], `case ${i} ${w}`));
  });
});

test("kappasByItem compares only the items both raters rated", () => {
  const a = new Map<string, OrdinalVerdict>([
    ["i1", "win"],
    ["i2", "loss"],
    ["i3", "tie"],
  ]);
  const b = new Map<string, OrdinalVerdict>([
    ["i2", "loss"],
    ["i3", "tie"],
    ["i4", "win"],
  ]);
  const k = kappasByItem(a, b);
  assert.equal(k.n, 2);
  assert.equal(k.linear.kappa, 1);
});

test("the judge's combined verdict: win above 0.5, tie at 0.5, loss below", () => {
  assert.deepEqual([1, 0.75, 0.5, 0.25, 0].map(combinedVerdict), ["win", "win", "tie", "loss", "loss"]);
});

test("human–human agreement with one annotator is null with a reason, not NaN", () => {
  const humans = new Map([["persona", new Map([["ann1", new Map<string, OrdinalVerdict>([["i1", "win"]])]])]]);
  const [row] = annotatorAgreement(humans);
  assert.deepEqual(row.humanHuman.mean, { unweighted: null, linear: null, quadratic: null, pairs: 0, of: 0, reason: "one annotator only: no pair to compare" });
  assert.equal(row.judgeHuman, undefined);
});

// ---------------------------------------------------------------------------------------------
// The annotations file

test("annotations: win/tie/loss, or A/B with the candidate's position; criteria case-insensitive", () => {
  const csv =
    'item,annotator,criterion,verdict,candidate\nQ1::sex:Female,ann1,Overall,WIN,\nQ1::sex:Female,ann2,overall,A,B\nQ2::sex:Male,ann2, persona ,b,b\n"Q3::sex:Female",ann1,value,tie,\n';
  const rows = parseAnnotations(csv, "h.csv");
  assert.deepEqual(
    rows.map((r) => [r.item, r.annotator, r.criterion, r.verdict, r.line]),
    [
      ["Q1::sex:Female", "ann1", "overall", "win", 2],
      ["Q1::sex:Female", "ann2", "overall", "loss", 3],
      ["Q2::sex:Male", "ann2", "persona", "win", 4],
      ["Q3::sex:Female", "ann1", "value", "tie", 5],
    ],
  );
});

test("annotation errors name the file, line, field and the values expected", () => {
  const err = (csv: string): string => {
    try {
      parseAnnotations(csv, "h.csv");
    } catch (e) {
      assert.ok(e instanceof AgreementFileError);
      return e.message;
    }
    assert.fail("expected an error");
  };
  assert.equal(
    err("item,annotator,verdict\nQ1::s,ann1,win\n"),
    "h.csv:1: missing column criterion; expected a header row with item, annotator, criterion, verdict (and optionally candidate), found item, annotator, verdict",
  );
  assert.equal(
    err("item,annotator,criterion,verdict\nQ1::s,ann1,overall,maybe\n"),
    'h.csv:2: field verdict is "maybe"; expected win, tie or loss (or A, B or tie with a candidate column)',
  );
  assert.equal(
    err("item,annotator,criterion,verdict\nQ1::s,ann1,overall,A\n"),
    'h.csv:2: field candidate is ""; a verdict of A or B needs candidate = A or B (the position of the candidate\'s answer)',
  );
  assert.equal(err("item,annotator,criterion,verdict\nQ1::s,,overall,win\n"), "h.csv:2: field annotator is empty; expected the annotator's name");
  assert.equal(err("item,annotator,criterion,verdict\nQ1::s,ann1,overall\n"), "h.csv:2: 3 fields, expected 4 (item, annotator, criterion, verdict)");
  assert.equal(
    err("item,annotator,criterion,verdict\nQ1::s,ann1,overall,win\nQ2::s,ann1,overall,win\nQ1::s,ann1,Overall,loss\n"),
    'h.csv:4: annotator "ann1" already gave item "Q1::s" a overall verdict on line 2; one verdict per item, annotator and criterion expected',
  );
  assert.equal(err(""), "h.csv:1: the file is empty; expected a header row item, annotator, criterion, verdict and one row per verdict");
  // A quoted field spanning two lines (and a blank line) moves the next rows' line numbers; several problems are all listed.
  assert.equal(
    err('item,annotator,criterion,verdict\n"Q1::s","ann\n1",overall,win\n\nQ2::s,ann1,overall,best\nQ3::s,ann1,overall,A\n'),
    'h.csv: 2 problems:\n  h.csv:5: field verdict is "best"; expected win, tie or loss (or A, B or tie with a candidate column)\n  h.csv:6: field candidate is ""; a verdict of A or B needs candidate = A or B (the position of the candidate\'s answer)',
  );
});

test("judgements file errors name the line and field", () => {
  assert.throws(
    () => parseJudgements('{"item":"Q1::s","question":"Q1","subgroup":"s","candidate":"A","verdicts":{"overall":"A"},"raw":""}\n{oops\n', "j.jsonl"),
    /^AgreementFileError: j\.jsonl:2: not a JSON line/,
  );
  assert.throws(
    () => parseJudgements('{"item":"Q1::s","question":"Q1","subgroup":"s","candidate":"C","verdicts":{},"raw":""}\n', "j.jsonl"),
    /j\.jsonl:1: field candidate is "C"; expected "A" or "B"/,
  );
  assert.throws(
    () => parseJudgements('{"item":"Q1::s","question":"Q1","subgroup":"s","candidate":"A","verdicts":{"overall":"left"},"raw":""}\n', "j.jsonl"),
    /j\.jsonl:1: verdicts\.overall is "left"; expected "A", "B", "tie" or null/,
  );
});

// ---------------------------------------------------------------------------------------------
// svlab agreement, end to end

const dir = mkdtempSync(join(tmpdir(), "svlab-agreement-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("svlab agreement: judge–human and human–human kappa per criterion, exact, from files", () => {
  // Judge verdicts per item (two orders → combined), laid out as EXAMPLE1's rows against ann1's columns:
  //   Q1–Q3 judge loss; Q4–Q7 judge tie (via "A","A" / tie,tie / "B","B" / tie,tie); Q8–Q10 judge win (Q10 via tie + win = 0.75).
  //   ann1: loss loss tie | loss tie tie win | tie win win   → the EXAMPLE1 matrix against the judge.
  //   ann2 = the judge exactly (some rows written as A/B with the candidate's position).
  const orders: Record<string, [Verdict, Verdict]> = {
    Q1: ["B", "A"],
    Q2: ["B", "A"],
    Q3: ["B", "A"],
    Q4: ["A", "A"],
    Q5: ["tie", "tie"],
    Q6: ["B", "B"],
    Q7: ["tie", "tie"],
    Q8: ["A", "B"],
    Q9: ["A", "B"],
    Q10: ["tie", "B"],
  };
  const lines: string[] = [];
  for (const [q, [first, second]] of Object.entries(orders)) {
    const base = { item: pairKey(q, "sex:Female"), question: q, subgroup: "sex:Female", raw: "{}" };
    // persona: unparsed for Q1 in the second order, so the judge has no persona verdict for Q1.
    lines.push(JSON.stringify({ ...base, candidate: "A", verdicts: { overall: first, persona: first } } satisfies Judgement));
    lines.push(JSON.stringify({ ...base, candidate: "B", verdicts: { overall: second, persona: q === "Q1" ? null : second } } satisfies Judgement));
  }
  mkdirSync(join(dir, "results", "judge-run-1"), { recursive: true });
  writeFileSync(join(dir, "results", "judge-run-1", "judgements.jsonl"), `${lines.join("\n")}\n`);
  const judge = ["loss", "loss", "loss", "tie", "tie", "tie", "tie", "win", "win", "win"];
  const ann1 = ["loss", "loss", "tie", "loss", "tie", "tie", "win", "tie", "win", "win"];
  const csv = ["item,annotator,criterion,verdict,candidate"];
  Object.keys(orders).forEach((q, i) => {
    csv.push(`${q}::sex:Female,ann1,overall,${ann1[i]},`);
    // ann2 writes what it saw for Q1 and Q8: Q1 "A" with the candidate shown as B → loss; Q8 "A" with the candidate as A → win.
    if (q === "Q1") csv.push(`${q}::sex:Female,ann2,Overall,A,B`);
    else if (q === "Q8") csv.push(`${q}::sex:Female,ann2,overall,A,A`);
    else csv.push(`${q}::sex:Female,ann2,overall,${judge[i]},`);
  });
  // persona: one annotator, agreeing with the judge on Q2–Q4 (Q1 has no judge verdict).
  csv.push("Q1::sex:Female,ann1,persona,win,", "Q2::sex:Female,ann1,persona,loss,", "Q3::sex:Female,ann1,persona,loss,", "Q4::sex:Female,ann1,persona,tie,");
  writeFileSync(join(dir, "human.csv"), `${csv.join("\n")}\n`);

  const r = svlab(["agreement", "--human", join(dir, "human.csv"), "--judge", "judge-run-1", "--results", join(dir, "results"), "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const out = r.json();
  assert.equal(out.annotations, 24);
  assert.deepEqual(out.annotators, ["ann1", "ann2"]);
  assert.equal(out.judge, join(dir, "results", "judge-run-1", "judgements.jsonl"));
  const o = out.criteria.overall;
  assert.deepEqual([o.items, o.judgeMissing], [10, 0]);
  // judge × ann1 is EXAMPLE1 (13/33, 11/21, 2/3); judge × ann2 is perfect (1): means (13/33 + 1)/2 = 23/33, (11/21 + 1)/2 = 16/21, (2/3 + 1)/2 = 5/6.
  close(o.judgeHuman.perAnnotator.ann1.linear.kappa, 11 / 21, "judge×ann1 linear");
  close(o.judgeHuman.perAnnotator.ann1.quadratic.kappa, 2 / 3, "judge×ann1 quadratic");
  assert.equal(o.judgeHuman.perAnnotator.ann2.quadratic.kappa, 1);
  assert.equal(o.judgeHuman.perAnnotator.ann1.n, 10);
  close(o.judgeHuman.mean.unweighted, 23 / 33, "mean unweighted");
  close(o.judgeHuman.mean.linear, 16 / 21, "mean linear");
  close(o.judgeHuman.mean.quadratic, 5 / 6, "mean quadratic");
  assert.deepEqual([o.judgeHuman.mean.pairs, o.judgeHuman.mean.of], [2, 2]);
  // ann1 × ann2 = ann1 × judge.
  assert.deepEqual(Object.keys(o.humanHuman.pairs), ["ann1 × ann2"]);
  close(o.humanHuman.mean.unweighted, 13 / 33, "human unweighted");
  close(o.humanHuman.mean.linear, 11 / 21, "human linear");
  close(o.humanHuman.mean.quadratic, 2 / 3, "human quadratic");
  assert.equal(o.humanHuman.pairs["ann1 × ann2"].n, 10);
  const p = out.criteria.persona;
  // Q1's judge verdict is unparsed: 3 shared items, all equal but with variation → κ = 1; no human pair.
  assert.deepEqual([p.items, p.judgeMissing, p.judgeHuman.perAnnotator.ann1.n, p.judgeHuman.mean.quadratic], [4, 1, 3, 1]);
  assert.equal(p.humanHuman.mean.quadratic, null);
  assert.equal(p.humanHuman.mean.reason, "one annotator only: no pair to compare");

  // The same from the judgements file's path, in words.
  const h = svlab(["agreement", "--human", join(dir, "human.csv"), "--judge", join(dir, "results", "judge-run-1", "judgements.jsonl")]);
  assert.equal(h.status, 0, h.stderr);
  assert.match(h.stdout, /^overall\s+10\s+0\.762 \/ 0\.833 \(2 of 2; n 10, 10\)\s+0\.524 \/ 0\.667 \(1 of 1; n 10\)$/m);
  assert.match(h.stdout, /^persona\s+4\s+1\.000 \/ 1\.000 \(1 of 1; n 3\)\s+— \/ — \(0 of 0; n 0\)$/m);
  assert.match(h.stdout, /^persona: 1 annotated item\(s\) have no judge verdict/m);

  // Human–human only (no --judge).
  const hh = svlab(["agreement", "--human", join(dir, "human.csv"), "--json"]);
  assert.equal(hh.status, 0, hh.stderr);
  assert.equal(hh.json().criteria.overall.judgeHuman, undefined);
  assert.equal(hh.json().judge, null);
});

test("svlab agreement: a bad annotations file is one clear error naming line and field", () => {
  writeFileSync(join(dir, "bad.csv"), "item,annotator,criterion,verdict\nQ1::s,ann1,overall,great\n");
  const r = svlab(["agreement", "--human", join(dir, "bad.csv"), "--json"]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr.trim(),
    `svlab: ${join(dir, "bad.csv")}:2: field verdict is "great"; expected win, tie or loss (or A, B or tie with a candidate column)`,
  );
  const m = svlab(["agreement", "--human", join(dir, "human.csv"), "--judge", "no-such-run", "--results", join(dir, "results")]);
  assert.equal(m.status, 1);
  assert.match(m.stderr, /^svlab: no judgements for --judge no-such-run: looked for .*no-such-run\/judgements\.jsonl; give a judge run id/);
});
