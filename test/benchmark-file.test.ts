/**
 * A country's benchmark end to end: `svlab dataset --country --out DIR` writes a self-describing
 * aggregates file; `--benchmark FILE` runs on it (a baseline and a local OpenAI-protocol server),
 * the run records it, and evaluate / report / figures use the run's benchmark by default and refuse
 * another one. Synthetic two-country rows fix every count; the real file is relabelled when present.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { serialiseAggregates } from "../src/benchmark/aggregates";
import { benchmarkSha256 } from "../src/benchmark/fingerprint";
import { describeSource, loadBenchmark } from "../src/benchmark/load";
import { modalAnswer } from "../src/benchmark/modal";
import { projectRoot } from "../src/paths";
import { type CliResult, svlab } from "./support/cli";
import { lastMessage, startOpenAIServer } from "./support/openai-server";
import { needsMicrodata, realFile } from "./support/real-data";
import { crossNationalText, type SyntheticCountry } from "./support/synthetic-wvs";

const tmp = mkdtempSync(join(tmpdir(), "svlab-benchfile-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

// The same demography as test/benchmark-country.test.ts: 12 train / 2 OOD subgroups, 218 questions, 435 OOD pairs.
const USA: SyntheticCountry = {
  code: 840,
  alpha3: "USA",
  notAsked: ["Q1"],
  cells: [
    { sex: 1, ageBand: 1, religion: 1, n: 40 },
    { sex: 2, ageBand: 1, religion: 1, n: 35 },
    { sex: 1, ageBand: 6, religion: 2, n: 30, missing: ["Q2"] },
    { sex: 2, ageBand: 6, religion: 2, n: 20 },
    { sex: 2, ageBand: 2, religion: 0, n: 10 },
  ],
};
const DEU: SyntheticCountry = {
  code: 276,
  alpha3: "DEU",
  cells: [
    { sex: 1, ageBand: 3, religion: 0, n: 50 },
    { sex: 2, ageBand: 3, religion: 0, n: 45 },
  ],
};
const wvs = join(tmp, "two-countries.csv");
writeFileSync(wvs, crossNationalText([USA, DEU]));
const out = join(tmp, "bench");
const results = join(tmp, "results");
const FILE = join(out, "benchmark-usa-sex-age-religion.json");

/** The CLI in a child process without blocking this event loop (the local server answers it). */
function svlabAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), "bin", "svlab.mjs"), ...args], { cwd: projectRoot(), env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}

/** Population-mode accuracy computed from the file itself: the whole sample's modal code (ties lowest) against each OOD label. */
function expectedPopulationModeAccuracy(file: string): { n: number; hits: number } {
  const f = JSON.parse(readFileSync(file, "utf8"));
  const ood = new Set(f.subgroups.filter((s: { split: string }) => s.split === "ood").map((s: { id: string }) => s.id));
  let n = 0;
  let hits = 0;
  for (const q of f.questions as string[]) {
    const predicted = modalAnswer(f.population[q], "lowest").mode;
    for (const [sid, counts] of Object.entries(f.counts[q] as Record<string, Record<string, number>>)) {
      if (!ood.has(sid)) continue;
      n++;
      if (modalAnswer(counts, "lowest").mode === predicted) hits++;
    }
  }
  return { n, hits };
}

const ok = (r: CliResult, what: string) => assert.equal(r.status, 0, `${what}: ${r.stderr}`);
let baselineRun = "";

test("dataset --out writes a file that records its preset; the file alone rebuilds the benchmark", async () => {
  const r = svlab(["dataset", "--wvs", wvs, "--country", "840", "--attributes", "sex,age,religion", "--out", out, "--json"]);
  ok(r, "dataset");
  assert.equal(r.json().wrote, FILE);
  const text = readFileSync(FILE, "utf8");
  const line = text.split("\n").find((l) => l.startsWith('"preset": '));
  assert.ok(line, "the file has a preset line");
  const record = JSON.parse(line.slice('"preset": '.length, -1));
  assert.equal(record.name, "usa-sex-age-religion");
  assert.deepEqual(record.attributes, ["sex", "age_group", "religion"]);
  assert.deepEqual(
    record.strata.map((s: { key: string; split: string }) => `${s.key}:${s.split}`),
    ["sex:train", "age_group:train", "religion:train", "sex_x_age:train", "sex_x_religion:train", "age_x_religion:ood"],
  );
  // another process, no microdata: the preset comes from the file
  const s = svlab(["subgroups", "--benchmark", FILE, "--split", "ood", "--json"]);
  ok(s, "subgroups");
  assert.deepEqual(s.json().country.alpha3, "USA");
  assert.deepEqual(
    s.json().subgroups.map((x: { id: string; size: number }) => [x.id, x.size]),
    [
      ["age_x_religion:16-24 years|Roman Catholic", 75],
      ["age_x_religion:65 and over|Protestant", 50],
    ],
  );
  const b = await loadBenchmark({ benchmark: FILE });
  assert.equal(b.options.preset, "usa-sex-age-religion");
  assert.equal(b.questions.length, 218);
  assert.equal(b.pairs.filter((p) => p.split === "ood").length, 435);
  assert.equal(b.subgroups[0].country, "the United States");
  // a user's own file is named as such, never as the shipped aggregates
  assert.equal(describeSource(b), `aggregates file (${FILE}); no microdata needed`);
  assert.match(describeSource(await loadBenchmark()), /^shipped aggregates \(/);
  // written again from what was read: the same bytes (the record round-trips)
  assert.equal(serialiseAggregates(b), text);
  // tan2026's shipped file stays as it was: no preset record, same bytes
  const shipped = readFileSync(join(projectRoot(), "data", "benchmark-tan2026.json"), "utf8");
  assert.equal(serialiseAggregates(await loadBenchmark()), shipped);
  assert.doesNotMatch(shipped, /^"preset"/m);
});

test("run baseline:population-mode on the file; evaluate uses the run's benchmark and gives the file's numbers", async () => {
  const run = svlab(["run", "--model", "baseline:population-mode", "--benchmark", FILE, "--split", "ood", "--results", results, "--json"]);
  ok(run, "run");
  assert.equal(run.json().n, 435);
  baselineRun = run.json().runId;
  const manifest = JSON.parse(readFileSync(join(results, baselineRun, "run.json"), "utf8"));
  assert.equal(manifest.benchmark.preset, "usa-sex-age-religion");
  assert.equal(manifest.benchmark.provenance.aggregates, FILE);
  assert.equal(manifest.benchmark.sha256, benchmarkSha256(await loadBenchmark({ benchmark: FILE })));

  const { n, hits } = expectedPopulationModeAccuracy(FILE);
  assert.equal(n, 435);
  const direct = svlab(["evaluate", "--model", "baseline:population-mode", "--benchmark", FILE, "--split", "ood", "--bootstrap", "0", "--json"]);
  ok(direct, "evaluate --benchmark");
  assert.equal(direct.json().n, 435);
  assert.equal(direct.json().accuracy, hits / n);
  // the run, no --benchmark: its recorded file, said in the output
  const fromRun = svlab(["evaluate", "--run", baselineRun, "--results", results, "--split", "ood", "--bootstrap", "0", "--json"]);
  ok(fromRun, "evaluate --run");
  assert.equal(fromRun.json().accuracy, hits / n);
  assert.equal(fromRun.json().nmae, direct.json().nmae);
  assert.match(
    fromRun.json().benchmark.from,
    new RegExp(`benchmark usa-sex-age-religion from ${FILE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(recorded by run`),
  );
  assert.equal(fromRun.json().source.benchmark, "same as the run's");
  // a baseline scored beside the runs (--results): their benchmark, no option
  const beside = svlab(["evaluate", "--model", "baseline:population-mode", "--results", results, "--split", "ood", "--bootstrap", "0", "--json"]);
  ok(beside, "evaluate a baseline beside the runs");
  assert.equal(beside.json().accuracy, hits / n);
  // the same run against tan2026: refused, naming both
  const wrong = svlab([
    "evaluate",
    "--run",
    baselineRun,
    "--results",
    results,
    "--split",
    "ood",
    "--bootstrap",
    "0",
    "--benchmark",
    join(projectRoot(), "data", "benchmark-tan2026.json"),
  ]);
  assert.equal(wrong.status, 1);
  assert.match(
    wrong.stderr,
    /run .* was made on benchmark usa-sex-age-religion \(.*benchmark-usa-sex-age-religion\.json\), sha256 [0-9a-f]{12}…, not on benchmark tan2026 from .*: pass --benchmark with the run's benchmark file/,
  );
});

test("a local OpenAI-protocol server is asked about the United States, never Singapore; the run is scored on its benchmark", async () => {
  const server = await startOpenAIServer({
    answer: (req) => {
      const model = req.body?.model;
      if (model === "cand" || model === "ref") return `${model}: family comes first for me.`;
      if (model === "judge") return JSON.stringify({ overall: "tie", value: "tie", persona: "tie", reason: "alike" });
      return "Answer: 1";
    },
  });
  try {
    const r = await svlabAsync(
      [
        "run",
        "--model",
        `openai-compatible:${server.baseURL}#test-model`,
        "--benchmark",
        FILE,
        "--split",
        "ood",
        "--limit",
        "12",
        "--results",
        results,
        "--no-cache",
        "--json",
      ],
      { OPENAI_API_KEY: "sk-test" },
    );
    ok(r, "run on the server");
    assert.equal(r.json().n, 12);
    assert.equal(server.requests.length, 12);
    for (const req of server.requests) {
      const text = JSON.stringify(req.body.messages);
      assert.match(text, /living in the United States/);
      assert.doesNotMatch(text, /Singapore/);
    }
    assert.ok(server.requests.some((req) => /How proud are you to be American\?|Question:/.test(lastMessage(req))));
    const ev = svlab(["evaluate", "--run", r.json().runId, "--results", results, "--split", "ood", "--bootstrap", "0", "--json"]);
    ok(ev, "evaluate the server's run");
    assert.equal(ev.json().n, 12);
    assert.equal(ev.json().parsed, 1);

    // open-ended runs on the file, judged: the judge finds the pairs in the candidate's benchmark and sees its country
    server.reset();
    const openEnded = join(tmp, "open-ended");
    for (const m of ["cand", "ref"]) {
      const o = await svlabAsync(
        [
          "run",
          "--task",
          "open-ended",
          "--model",
          `openai-compatible:${server.baseURL}#${m}`,
          "--benchmark",
          FILE,
          "--split",
          "ood",
          "--limit",
          "4",
          "--run-id",
          m,
          "--results",
          openEnded,
          "--no-cache",
          "--json",
        ],
        { OPENAI_API_KEY: "sk-test" },
      );
      ok(o, `open-ended run ${m}`);
    }
    server.reset();
    const j = await svlabAsync(
      [
        "judge",
        "--candidate",
        "cand",
        "--reference",
        "ref",
        "--judge",
        `openai-compatible:${server.baseURL}#judge`,
        "--results",
        openEnded,
        "--no-cache",
        "--bootstrap",
        "0",
        "--json",
      ],
      { OPENAI_API_KEY: "sk-test" },
    );
    ok(j, "judge");
    assert.equal(server.requests.length, 8); // 4 items, both orders
    for (const req of server.requests) assert.doesNotMatch(JSON.stringify(req.body.messages), /Singapore/);
    assert.ok(server.requests.every((req) => /the United States/.test(JSON.stringify(req.body.messages))));
  } finally {
    await server.close();
  }
});

test("report and figures on the results folder use the runs' benchmark: the United States, not Singapore", () => {
  const rep = svlab(["report", "--results", results, "--split", "ood", "--bootstrap", "0", "--no-images", "--json"]);
  ok(rep, "report");
  const md = readFileSync(rep.json().report, "utf8");
  assert.match(md, /United States/);
  assert.doesNotMatch(md, /Singapore/);
  assert.match(rep.stderr, /report on benchmark usa-sex-age-religion from .* \(recorded by run/);
  const figs = join(tmp, "figures");
  const f = svlab(["figures", "--results", results, "--out", figs, "--only", "results", "--format", "svg", "--json"], { timeoutMs: 300_000 });
  ok(f, "figures");
  const svgs = readdirSync(figs).filter((x) => x.endsWith(".svg"));
  assert.ok(svgs.length > 0, `no svg written: ${f.stdout}`);
  for (const s of svgs) assert.doesNotMatch(readFileSync(join(figs, s), "utf8"), /Singapore/, s);
});

test("prompt, finetune data and import take --benchmark; a moved benchmark file and bad input are clear errors", () => {
  const p = svlab(["prompt", "--benchmark", FILE, "--question", "Q254", "--subgroup", "sex:Female", "--json"]);
  ok(p, "prompt");
  assert.equal(
    p.json().messages[0].content,
    "You are a woman living in the United States. You are taking part in the World Values Survey. Answer every question as yourself, from your own values and views.",
  );
  assert.match(p.json().messages[1].content, /^Question: How proud are you to be American\?/);
  const ft = svlab(["finetune", "data", "--benchmark", FILE, "--out", join(tmp, "ft"), "--json"]);
  ok(ft, "finetune data");
  assert.equal(ft.json().train, 12 * 218 - 4);
  assert.match(readFileSync(join(tmp, "ft", "train.jsonl"), "utf8").split("\n")[0], /living in the United States/);

  const both = svlab(["evaluate", "--model", "baseline:uniform", "--benchmark", FILE, "--wvs", wvs]);
  assert.equal(both.status, 1);
  assert.match(both.stderr, /--benchmark and --wvs were both given: expected one or the other/);
  const missing = svlab(["prompt", "--benchmark", join(tmp, "nope.json"), "--question", "Q1", "--subgroup", "sex:Female"]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /--benchmark .*nope\.json: no such file \(expected the JSON `svlab dataset --out DIR` writes\)/);
  const broken = join(tmp, "broken.json");
  writeFileSync(broken, readFileSync(FILE, "utf8").replace(/"split":"ood"\}/, '"split":"test"}'));
  const bad = svlab(["subgroups", "--benchmark", broken]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /broken\.json: field "preset"\.strata\[\d+\]: expected \{key, attributes: \[\.\.\.\], split: "train" \| "ood"\}/);

  // import: another model's answers on the file's pairs (here: the labels themselves), scored on the file's benchmark
  const labels = JSON.parse(readFileSync(FILE, "utf8"));
  const rows = ["question,subgroup,code"];
  for (const q of labels.questions as string[]) {
    for (const [sid, counts] of Object.entries(labels.counts[q] as Record<string, Record<string, number>>)) {
      if (sid.startsWith("age_x_religion:")) rows.push(`${q},"${sid}",${modalAnswer(counts, "lowest").mode}`);
    }
  }
  const csv = join(tmp, "answers.csv");
  writeFileSync(csv, `${rows.join("\n")}\n`);
  const imported = join(tmp, "imported");
  const im = svlab(["import", csv, "--model", "oracle", "--benchmark", FILE, "--results", imported, "--json"]);
  ok(im, "import");
  assert.equal(im.json().matched, 435);
  const scored = svlab(["evaluate", "--model", "oracle", "--results", imported, "--split", "ood", "--bootstrap", "0", "--json"]);
  ok(scored, "evaluate the import");
  assert.deepEqual([scored.json().n, scored.json().accuracy, scored.json().nmae], [435, 1, 0]);

  // one results folder, two benchmarks: report refuses to guess
  const mixed = join(tmp, "mixed");
  ok(svlab(["run", "--model", "baseline:uniform", "--split", "ood", "--limit", "3", "--results", mixed, "--json"]), "tan2026 run");
  ok(svlab(["run", "--model", "baseline:uniform", "--benchmark", FILE, "--split", "ood", "--limit", "3", "--results", mixed, "--json"]), "USA run");
  const rep = svlab(["report", "--results", mixed, "--split", "ood", "--bootstrap", "0", "--no-images"]);
  assert.equal(rep.status, 1);
  assert.match(
    rep.stderr,
    /the runs were made on different benchmarks: .* on .*benchmark-usa-sex-age-religion\.json, .* \(tan2026\) on the shipped one\. Pass --benchmark FILE/,
  );

  const moved = `${FILE}.moved`;
  renameSync(FILE, moved);
  try {
    const gone = svlab(["evaluate", "--run", baselineRun, "--results", results, "--split", "ood", "--bootstrap", "0"]);
    assert.equal(gone.status, 1);
    assert.match(
      gone.stderr,
      /run .* was made on the benchmark in .*benchmark-usa-sex-age-religion\.json, which is not there any more: pass --benchmark with that file's copy/,
    );
    const copy = svlab(["evaluate", "--run", baselineRun, "--results", results, "--split", "ood", "--bootstrap", "0", "--benchmark", moved, "--json"]);
    ok(copy, "evaluate with the moved copy");
  } finally {
    renameSync(moved, FILE);
  }
});

test("real file: Singapore's rows relabelled as 840 score exactly as Singapore's own benchmark", { skip: needsMicrodata }, () => {
  // a temporary relabelled copy of real rows, deleted at the end; never committed
  const lines = readFileSync(realFile!, "utf8").split("\n");
  const header = lines[0].replace(/^\uFEFF/, "").split(",");
  const [ci, ai] = [header.indexOf("B_COUNTRY"), header.indexOf("B_COUNTRY_ALPHA")];
  const relabelled = join(tmp, "relabelled.csv");
  writeFileSync(
    relabelled,
    lines
      .map((l, i) =>
        i === 0 || !l
          ? l
          : l
              .split(",")
              .map((c, j) => (j === ci ? "840" : j === ai ? "USA" : c))
              .join(","),
      )
      .join("\n"),
  );
  const realOut = join(tmp, "real");
  try {
    ok(svlab(["dataset", "--wvs", relabelled, "--country", "840", "--attributes", "sex,age,religion", "--out", realOut, "--json"]), "dataset (relabelled)");
    ok(svlab(["dataset", "--wvs", realFile!, "--country", "702", "--attributes", "sex,age,religion", "--out", realOut, "--json"]), "dataset (Singapore)");
    const score = (file: string) => {
      const r = svlab(["evaluate", "--model", "baseline:population-mode", "--benchmark", file, "--split", "ood", "--bootstrap", "0", "--json"]);
      ok(r, `evaluate ${file}`);
      return r.json();
    };
    const us = score(join(realOut, "benchmark-usa-sex-age-religion.json"));
    const sg = score(join(realOut, "benchmark-sgp-sex-age-religion.json"));
    assert.equal(us.n, 5693);
    assert.deepEqual([us.n, us.accuracy, us.nmae], [sg.n, sg.accuracy, sg.nmae]);
    const prompt = svlab([
      "prompt",
      "--benchmark",
      join(realOut, "benchmark-usa-sex-age-religion.json"),
      "--question",
      "Q1",
      "--subgroup",
      "sex:Male",
      "--json",
    ]);
    ok(prompt, "prompt (relabelled)");
    assert.match(prompt.json().messages[0].content, /living in the United States/);
    assert.ok(existsSync(join(realOut, "benchmark-sgp-sex-age-religion.json")));
  } finally {
    rmSync(relabelled, { force: true });
    rmSync(realOut, { recursive: true, force: true });
  }
});
