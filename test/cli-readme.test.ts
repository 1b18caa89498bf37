/**
 * Every command the README shows can be run as written: each `svlab …` / `npx svlab …` names a real
 * command (looked up in the program the CLI builds, so commands others add are known as they land)
 * with real options, their values and required arguments present, and no bare placeholder (FILE,
 * DIR, RUN_ID) where a value goes; each `npm run …` / `npm test` names a package.json script.
 * Nothing is executed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command, Option } from "commander";
import { buildProgram } from "../src/cli/program";
import { projectRoot } from "../src/paths";

/** Shell words of one command line: quotes removed, $VARS kept as written, a `#` comment dropped. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unclosed ${c} in: ${line}`);
      cur += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else if (c === "#" && !inWord) break;
    else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** The commands of a line: split at &&, ||, ; and |, each as its words. */
export function commandsOf(line: string): string[][] {
  const out: string[][] = [[]];
  for (const w of shellWords(line)) {
    if (["&&", "||", ";", "|"].includes(w)) out.push([]);
    else out[out.length - 1].push(w);
  }
  return out.filter((c) => c.length);
}

/** Lines of the README's fenced code blocks, with their line numbers. */
export function codeBlockLines(markdown: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let inBlock = false;
  markdown.split("\n").forEach((text, i) => {
    if (/^\s*```/.test(text)) inBlock = !inBlock;
    else if (inBlock) out.push({ line: i + 1, text });
  });
  return out;
}

/** A value that is a placeholder to fill in rather than something to run: FILE, DIR, RUN_ID, <x>. */
const isPlaceholder = (v: string): boolean => /^[A-Z][A-Z_]{2,}$/.test(v) || /^<.*>$/.test(v);

function findOption(cmd: Command, flag: string): Option | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

/** What is wrong with `svlab <args>` as the README writes it ([] when nothing). */
export function checkSvlab(program: Command, args: string[]): string[] {
  const problems: string[] = [];
  let cmd = program;
  const positionals: string[] = [];
  const given = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("-") && a !== "-") {
      const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
      if (flag === "--help" || flag === "-h") {
        given.add("help");
        continue;
      }
      const opt = findOption(cmd, flag);
      if (!opt) {
        problems.push(`${cmd.name()}: unknown option ${flag}`);
        continue;
      }
      if (opt.hidden) problems.push(`${cmd.name()}: ${flag} is a hidden alias; show the current spelling`);
      given.add(opt.attributeName());
      if (opt.required || opt.optional) {
        const values = inline !== undefined ? [inline] : [];
        while (inline === undefined && i + 1 < args.length && !args[i + 1].startsWith("-") && (values.length === 0 || opt.variadic)) values.push(args[++i]);
        if (opt.required && !values.length) problems.push(`${cmd.name()}: ${flag} needs a value`);
        for (const v of values)
          if (isPlaceholder(v))
            problems.push(`${cmd.name()}: ${flag} ${v} is a placeholder, not runnable as written (use a shell variable such as "$WVS_CSV")`);
      }
      continue;
    }
    if (!positionals.length && cmd.commands.length) {
      const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
      if (!sub) {
        problems.push(`${cmd === program ? "svlab" : cmd.name()}: no command "${a}" (commands: ${cmd.commands.map((c) => c.name()).join(", ")})`);
        return problems;
      }
      cmd = sub;
      continue;
    }
    positionals.push(a);
    if (isPlaceholder(a)) problems.push(`${cmd.name()}: argument ${a} is a placeholder, not runnable as written`);
  }
  if (given.has("help") || given.has("version")) return problems;
  if (cmd === program) problems.push("svlab: no command given");
  const expected = cmd.registeredArguments;
  const needed = expected.filter((x) => x.required).length;
  if (positionals.length < needed)
    problems.push(`${cmd.name()}: expected ${needed} argument(s) (${expected.map((x) => x.name()).join(", ")}), got ${positionals.length}`);
  if (positionals.length > expected.length && !expected.some((x) => x.variadic))
    problems.push(`${cmd.name()}: unexpected argument(s) ${positionals.slice(expected.length).join(" ")}`);
  for (const o of cmd.options) if (o.mandatory && !given.has(o.attributeName())) problems.push(`${cmd.name()}: required option ${o.long} missing`);
  return problems;
}

/** What is wrong with `npm <args>` ([] when nothing). */
export function checkNpm(scripts: Record<string, string>, args: string[]): string[] {
  const [verb, name] = args;
  if (verb === "run" || verb === "run-script")
    return name && scripts[name] ? [] : [`npm run ${name ?? ""}: no such script in package.json (scripts: ${Object.keys(scripts).join(", ")})`];
  if (verb === "test" || verb === "start") return scripts[verb] ? [] : [`npm ${verb}: package.json has no "${verb}" script`];
  return [];
}

/** Every svlab and npm command in the README's code blocks, checked. */
async function readmeProblems(markdown: string): Promise<{ checked: number; problems: string[] }> {
  const program = await buildProgram();
  const scripts = (JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const problems: string[] = [];
  let checked = 0;
  for (const { line, text } of codeBlockLines(markdown)) {
    for (let words of commandsOf(text)) {
      while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? "")) words = words.slice(1); // VAR=value before a command
      if (words[0] === "npx" && words[1] === "svlab") words = words.slice(1);
      if (words[0] === "svlab") {
        checked++;
        problems.push(...checkSvlab(program, words.slice(1)).map((p) => `README.md:${line}: ${p}\n    ${text.trim()}`));
      } else if (words[0] === "npm") {
        checked++;
        problems.push(...checkNpm(scripts, words.slice(1)).map((p) => `README.md:${line}: ${p}\n    ${text.trim()}`));
      }
    }
  }
  return { checked, problems };
}

test("every svlab and npm command in the README's code blocks names a real command with real options, runnable as written", async () => {
  const { checked, problems } = await readmeProblems(readFileSync(join(projectRoot(), "README.md"), "utf8"));
  assert.ok(checked >= 15, `expected the README to show at least 15 commands, found ${checked}`);
  assert.deepEqual(problems, []);
});

test("the README lists every top-level command, codebook and finetune included", async () => {
  const program = await buildProgram();
  const readme = readFileSync(join(projectRoot(), "README.md"), "utf8");
  const shown = new Set(
    codeBlockLines(readme).flatMap(({ text }) =>
      commandsOf(text)
        .map((w) => (w[0] === "npx" ? w.slice(1) : w))
        .filter((w) => w[0] === "svlab")
        .map((w) => w[1]),
    ),
  );
  const missing = program.commands.map((c) => c.name()).filter((n) => n !== "help" && !shown.has(n));
  assert.deepEqual(missing, []);
});

test("the checker catches what it is there for: unknown commands and options, placeholders, missing values and arguments, hidden aliases", async () => {
  const program = await buildProgram();
  assert.deepEqual(checkSvlab(program, ["dataset", "--wvs", "$WVS_CSV", "--out", "data"]), []);
  assert.deepEqual(checkSvlab(program, ["report", "--baseline", "baseline:uniform", "baseline:population-mode", "--split", "ood"]), []);
  assert.deepEqual(checkSvlab(program, ["finetune", "status", "$JOB_ID"]), []);
  assert.deepEqual(checkSvlab(program, ["--version"]), []);
  assert.deepEqual(checkSvlab(program, ["dataset", "--wvs", "FILE"]), [
    'dataset: --wvs FILE is a placeholder, not runnable as written (use a shell variable such as "$WVS_CSV")',
  ]);
  assert.deepEqual(checkSvlab(program, ["datasets"]).length, 1);
  assert.deepEqual(checkSvlab(program, ["dataset", "--weights"]), ["dataset: unknown option --weights"]);
  assert.deepEqual(checkSvlab(program, ["dataset", "--tie", "lowest"]), ["dataset: --tie is a hidden alias; show the current spelling"]);
  assert.deepEqual(checkSvlab(program, ["dataset", "--out"]), ["dataset: --out needs a value"]);
  assert.deepEqual(checkSvlab(program, ["import", "--model", "m"]), ["import: expected 1 argument(s) (file), got 0"]);
  assert.deepEqual(checkSvlab(program, ["run", "--split", "ood"]), ["run: required option --model missing"]);
  assert.deepEqual(checkNpm({ test: "x", demo: "y" }, ["run", "demo"]), []);
  assert.equal(checkNpm({ test: "x" }, ["run", "demos"]).length, 1);
  assert.deepEqual(commandsOf(`npx svlab evaluate --run a && svlab report --results 'my results'  # then read it`), [
    ["npx", "svlab", "evaluate", "--run", "a"],
    ["svlab", "report", "--results", "my results"],
  ]);
});
