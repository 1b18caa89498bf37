/**
 * The CLI's face: --version from package.json, help that shows the true defaults (the same way for
 * commander-held and code-applied ones), --model help from the models registry, and the one
 * spelling of the tie option with the old one still accepted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Command, Option } from "commander";
import { buildProgram } from "../src/cli/program";
import { optionDescription, shownDefault } from "../src/cli/help";
import { modelSpecHelp } from "../src/cli/model-specs";
import { svlabVersion } from "../src/cli/version";
import { BASELINE_NAMES } from "../src/models/index";
import { projectRoot } from "../src/paths";
import { svlab } from "./support/cli";

const version = (JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as { version: string }).version;

function option(cmd: Command, path: string[], flag: string): Option {
  let c = cmd;
  for (const name of path) c = c.commands.find((x) => x.name() === name)!;
  const o = c.options.find((x) => x.long === flag);
  assert.ok(o, `${path.join(" ")} ${flag}`);
  return o;
}

test("svlab --version and -V print package.json's version and exit 0", () => {
  assert.equal(svlabVersion(), version);
  for (const flag of ["--version", "-V"]) {
    const r = svlab([flag]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${version}\n`);
  }
});

test("the program itself answers --version too (with other arguments, e.g. --version --help)", async () => {
  const p = await buildProgram();
  let out = "";
  p.configureOutput({ writeOut: (s) => (out += s) });
  await assert.rejects(p.parseAsync(["--version", "--help"], { from: "user" }), { code: "commander.version", exitCode: 0 });
  assert.equal(out, `${version}\n`);
});

test("svlabVersion names the file and field when package.json has no version", () => {
  const dir = mkdtempSync(join(tmpdir(), "svlab-version-"));
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "svlab" }));
    assert.throws(() => svlabVersion(dir), { message: `${join(dir, "package.json")}: field "version": expected a version string such as "0.1.0"` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("help shows true defaults: bare values, code-applied ones in the text, nothing for empty lists or --no-* switches", async () => {
  const p = await buildProgram();
  const d = (path: string[], flag: string) => p.createHelp().optionDescription(option(p, path, flag));
  assert.equal(d(["run"], "--template"), "prompt template (repeatable; comma-separated list ok; default: system-persona)");
  assert.equal(d(["run"], "--split"), "ood | train | all (default: ood)");
  assert.equal(d(["run"], "--concurrency"), "parallel requests (default: 8)");
  assert.equal(d(["run"], "--top-logprobs"), "top_logprobs to request with --distribution (default: 20)");
  assert.equal(d(["run"], "--no-cache"), "do not read or write the answer cache");
  assert.equal(d(["prompt"], "--template").endsWith("(default: system-persona)"), true);
  assert.equal(d(["finetune", "data"], "--template"), "template id(s), comma-separated (default: system-persona)");
  assert.equal(
    d(["evaluate"], "--ties"),
    "how tied modal codes score: label (only the benchmark's label is right) | any (any tied mode is right) (default: label)",
  );
  assert.equal(d(["dataset"], "--ties"), "which of tied modal codes becomes the label: lowest | highest (default: the preset's, lowest for tan2026)");
  assert.equal(d(["codebook"], "--source"), "folder with the derived/ and worldvaluesbench/ codebook files (default: ../shared/wvs-real, beside the project)");
  assert.equal(d(["codebook"], "--out"), "output folder (default: data, the project's data folder)");
  assert.equal(d(["figures"], "--format"), "svg | png | svg,png (default: svg,png)");
  assert.equal(d(["paper"], "--pair").includes("default"), false);
  // no help line anywhere prints commander's JSON-quoted or empty-list defaults
  const lines: string[] = [];
  const walk = (c: Command) => {
    for (const o of c.options) lines.push(`${c.name()} ${o.long}: ${c.createHelp().optionDescription(o)}`);
    c.commands.forEach(walk);
  };
  walk(p);
  assert.deepEqual(
    lines.filter((l) => /default: ["[]/.test(l)),
    [],
  );
});

test("shownDefault and optionDescription: bare values, lists joined, empty lists and negations silent", () => {
  assert.equal(shownDefault(new Option("--a <x>").default("ood")), "ood");
  assert.equal(shownDefault(new Option("--a <x...>").default(["x", "y"])), "x y");
  assert.equal(shownDefault(new Option("--a <x...>").default([])), undefined);
  assert.equal(shownDefault(new Option("--no-a")), undefined);
  assert.equal(shownDefault(new Option("--a <x>").default(1000, "1,000 resamples")), "1,000 resamples");
  assert.equal(optionDescription(new Option("--a <x>", "what").default("8").choices(["8", "9"])), "what (choices: 8, 9, default: 8)");
  assert.equal(optionDescription(new Option("--a <x>", "what")), "what");
});

test("evaluate's --model help lists the provider specs and every baseline name from src/models (run's: the providers branch lists them after its options)", async () => {
  const help = modelSpecHelp();
  assert.equal(
    help,
    "openai:MODEL | openai-compatible:BASE_URL#MODEL | anthropic:MODEL | llama:PATH.gguf | hf:USER/REPO:QUANT | baseline:NAME with NAME one of population-mode, attribute-mode:ATTR, attribute-product, uniform",
  );
  for (const n of BASELINE_NAMES) assert.ok(help.includes(n), n);
  const p = await buildProgram();
  assert.ok(
    p
      .createHelp()
      .optionDescription(option(p, ["evaluate"], "--model"))
      .startsWith(`provider spec: ${help}; `),
  );
});

test("one spelling of the tie option: --ties everywhere; dataset's old --tie still works and is hidden", async () => {
  const p = await buildProgram();
  const withTies = (c: Command): string[] => [
    ...c.options.filter((o) => !o.hidden && /^--ties?$/.test(o.long ?? "")).map((o) => `${c.name()} ${o.long}`),
    ...c.commands.flatMap(withTies),
  ];
  assert.deepEqual(withTies(p).sort(), ["dataset --ties", "evaluate --ties"]);
  const dataset = p.commands.find((c) => c.name() === "dataset")!;
  assert.equal(dataset.helpInformation().includes("--tie "), false);
  for (const flag of ["--ties", "--tie"]) {
    const r = svlab(["dataset", flag, "highest", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.json().options.tiePolicy, "highest", flag);
  }
  assert.equal(svlab(["dataset", "--json"]).json().options.tiePolicy, "lowest");
  const bad = svlab(["dataset", "--tie", "middle"]);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, 'svlab: --tie: expected lowest or highest, got "middle"\n');
  const badTies = svlab(["dataset", "--ties", "middle"]);
  assert.equal(badTies.status, 1);
  assert.equal(badTies.stderr, 'svlab: --ties: expected lowest or highest, got "middle"\n');
});
