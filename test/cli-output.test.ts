/**
 * What commands print at the end: one labelled "wrote" line per file written, and a run's last line
 * is the exact next command (which then works as printed).
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nextStep, runFiles } from "../src/cli/commands/run";
import { displayPath, figuresLabel, shellArg, wroteLines } from "../src/cli/wrote";
import { svlab } from "./support/cli";

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "svlab-cli-output-"));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test("wroteLines: one line per file, labels padded so paths line up, paths relative inside the working folder", () => {
  assert.deepEqual(
    wroteLines(
      [
        { label: "Markdown report", path: "/p/results/report-ood/report.md" },
        { label: "HTML report", path: "/elsewhere/report.html" },
      ],
      "/p",
    ),
    ["wrote Markdown report  results/report-ood/report.md", "wrote HTML report      /elsewhere/report.html"],
  );
  assert.equal(displayPath("/p", "/p"), ".");
  assert.equal(displayPath("/pq/x", "/p"), "/pq/x");
  assert.equal(shellArg("/tmp/a_b-1.2/run:x@y"), "/tmp/a_b-1.2/run:x@y");
  assert.equal(shellArg("/tmp/my results/it's"), `'/tmp/my results/it'\\''s'`);
  assert.equal(figuresLabel(9, ["f/a.svg", "f/a.json", "f/a.png", "f/b.png"]), "9 figures (SVG, PNG, plotly JSON)");
  assert.equal(figuresLabel(1, ["f/a.json"]), "1 figure (plotly JSON)");
});

test("nextStep: the evaluate and report commands for a completed run; none for a stopped or empty one", () => {
  const s = { dir: "/p/results/RUN", split: "ood" as const, status: "completed" as const, n: 5 };
  assert.equal(nextStep(s, {}, "/p"), "next: svlab evaluate --run results/RUN --split ood && svlab report --split ood");
  assert.equal(
    nextStep(s, { SVLAB_RESULTS: "/p/results" }, "/p"),
    "next: svlab evaluate --run results/RUN --split ood && svlab report --results results --split ood",
  );
  assert.equal(
    nextStep({ ...s, dir: "/tmp/r 2/RUN", split: "train" }, {}, "/p"),
    "next: svlab evaluate --run '/tmp/r 2/RUN' --split train && svlab report --results '/tmp/r 2' --split train",
  );
  assert.equal(
    nextStep({ ...s, split: "all" }, {}, "/p"),
    "next: svlab evaluate --run results/RUN --split ood && svlab report --split ood (the run also holds the train split: --split train)",
  );
  assert.equal(nextStep({ ...s, status: "aborted" }, {}, "/p"), undefined);
  assert.equal(nextStep({ ...s, status: "pending" }, {}, "/p"), undefined);
  assert.equal(nextStep({ ...s, n: 0 }, {}, "/p"), undefined);
  assert.equal(nextStep({ ...s, dir: null }, {}, "/p"), undefined);
  assert.deepEqual(
    runFiles({ dir: "/r/RUN", n: 1234, errors: 2 }).map((f) => `${f.label} ${f.path}`),
    ["run manifest /r/RUN/run.json", "predictions (1,234) /r/RUN/predictions.jsonl", "failed requests (2) /r/RUN/errors.jsonl"],
  );
});

test("svlab run ends with a wrote line per results file, then the next command, which works as printed", () => {
  const results = join(tmp, "results");
  const r = svlab(["run", "--model", "baseline:population-mode", "--split", "ood", "--limit", "5", "--results", results, "--no-cache"]);
  assert.equal(r.status, 0, r.stderr);
  const [runId] = readdirSync(results);
  const dir = join(results, runId);
  const lines = r.stdout.trimEnd().split("\n");
  assert.deepEqual(lines.slice(-4), [
    `wrote run manifest         ${dir}/run.json`,
    `wrote predictions (5)      ${dir}/predictions.jsonl`,
    `wrote failed requests (0)  ${dir}/errors.jsonl`,
    `next: svlab evaluate --run ${dir} --split ood && svlab report --results ${results} --split ood`,
  ]);
  assert.ok(lines.includes("done: baseline:population-mode on ood"), "a baseline's summary names no template (baselines use no prompt)");
  const [evaluate, report] = lines.at(-1)!.slice("next: ".length).split(" && ");
  assert.equal(report, `svlab report --results ${results} --split ood`);
  const ev = svlab([...evaluate.split(" ").slice(1), "--bootstrap", "0", "--json"]);
  assert.equal(ev.status, 0, ev.stderr);
  assert.equal(ev.json().n, 5);
  assert.equal(ev.json().source.runId, runId);
  const text = svlab([...evaluate.split(" ").slice(1), "--bootstrap", "0"]);
  assert.ok(!text.stdout.split("\n")[0].includes("template"), text.stdout.split("\n")[0]);
});

test("svlab run --tuned-from records the base model in run.json (svlab paper pairs base and tuned by it)", () => {
  const results = join(tmp, "tuned-results");
  const r = svlab([
    "run",
    "--model",
    "baseline:uniform",
    "--split",
    "ood",
    "--limit",
    "3",
    "--results",
    results,
    "--no-cache",
    "--tuned-from",
    "openai:gpt-4.1-mini",
  ]);
  assert.equal(r.status, 0, r.stderr);
  const [runId] = readdirSync(results);
  assert.equal(JSON.parse(readFileSync(join(results, runId, "run.json"), "utf8")).tunedFrom, "openai:gpt-4.1-mini");
});

test("svlab report: a labelled line per file written, no bare paths", () => {
  const results = join(tmp, "report-results");
  const run = svlab(["run", "--model", "baseline:population-mode", "--split", "ood", "--limit", "5", "--results", results, "--no-cache"]);
  assert.equal(run.status, 0, run.stderr);
  const r = svlab(["report", "--results", results, "--no-images", "--bootstrap", "0"]);
  assert.equal(r.status, 0, r.stderr);
  const out = join(results, "report-ood");
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^report on the ood split for \d+ models \(/);
  const figures = readdirSync(join(out, "figures")).length;
  const label = `${figures} figure${figures === 1 ? "" : "s"} (plotly JSON)`;
  const w = Math.max("analysis (JSON)".length, label.length);
  assert.deepEqual(lines.slice(1), [
    `wrote ${"Markdown report".padEnd(w)}  ${out}/report.md`,
    `wrote ${"HTML report".padEnd(w)}  ${out}/report.html`,
    `wrote ${"analysis (JSON)".padEnd(w)}  ${out}/analysis.json`,
    `wrote ${label.padEnd(w)}  ${out}/figures`,
  ]);
});
