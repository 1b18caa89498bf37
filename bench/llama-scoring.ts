/**
 * Local scoring speed on stories260K (real llama.cpp, CPU, 1 thread): reading the answer
 * distribution (one pass over the prompt, plus a one-token pass per code branch) vs generating the answer text, on the same prompts, with and
 * without prefix reuse, and with prompts ordered so neighbours share the persona (subgroup-major)
 * or not (question-major). Numbers are for this tiny model only; they say nothing about a real one.
 * `node --import tsx bench/llama-scoring.ts` prints a table; `run()` returns the numbers.
 */
import { testModelPath } from "../src/paths";
import { existsSync } from "node:fs";
import { loadBenchmark } from "../src/benchmark/load";
import { createProvider } from "../src/models/registry";
import type { Prompt } from "../src/models/types";
import { buildPrompt } from "../src/personas";

const MODEL = testModelPath();

export interface LlamaScoringRow {
  mode: "score" | "generate";
  reusePrefix: boolean;
  order: "subgroup-major" | "question-major";
  prompts: number;
  seconds: number;
  promptsPerSecond: number;
  /** Mean prompt tokens actually evaluated per prompt (the rest came from the cached prefix). */
  meanEvaluatedTokens: number;
  meanPromptTokens: number;
}

export async function run(opts: { questions?: number; subgroups?: number; maxTokens?: number } = {}) {
  if (!existsSync(MODEL)) return { skipped: `model not found at ${MODEL}` };
  const b = await loadBenchmark();
  const questions = b.questions.slice(0, opts.questions ?? 16);
  const subgroups = b.subgroups.filter((s) => s.split === "ood").slice(0, opts.subgroups ?? 4);
  const maxTokens = opts.maxTokens ?? 6; // enough for "Answer: 10"
  const bySubgroup: Prompt[] = subgroups.flatMap((s) => questions.map((q) => buildPrompt(q, s, "system-persona")));
  const byQuestion: Prompt[] = questions.flatMap((q) => subgroups.map((s) => buildPrompt(q, s, "system-persona")));

  const rows: LlamaScoringRow[] = [];
  const configs: Array<[LlamaScoringRow["mode"], boolean, LlamaScoringRow["order"]]> = [
    ["score", true, "subgroup-major"],
    ["score", false, "subgroup-major"],
    ["score", true, "question-major"],
    ["generate", true, "subgroup-major"],
    ["generate", false, "subgroup-major"],
  ];
  for (const [mode, reusePrefix, order] of configs) {
    const provider = await createProvider(`llama:${MODEL}`, { threads: 1, reusePrefix });
    const prompts = order === "subgroup-major" ? bySubgroup : byQuestion;
    await provider.answer(prompts[prompts.length - 1], { distribution: mode === "score", maxTokens, temperature: 0 }); // warm-up
    let evaluated = 0;
    let promptTokens = 0;
    const t0 = performance.now();
    for (const p of prompts) {
      const a = await provider.answer(p, { distribution: mode === "score", maxTokens, temperature: 0 });
      evaluated += a.meta!.evaluatedTokens as number;
      promptTokens += a.meta!.promptTokens as number;
    }
    const seconds = (performance.now() - t0) / 1000;
    await provider.close?.();
    rows.push({
      mode,
      reusePrefix,
      order,
      prompts: prompts.length,
      seconds: round(seconds, 3),
      promptsPerSecond: round(prompts.length / seconds, 1),
      meanEvaluatedTokens: round(evaluated / prompts.length, 1),
      meanPromptTokens: round(promptTokens / prompts.length, 1),
    });
  }
  const rate = (m: string, r: boolean, o = "subgroup-major") => rows.find((x) => x.mode === m && x.reusePrefix === r && x.order === o)!.promptsPerSecond;
  return {
    model: MODEL.split("/").pop(),
    threads: 1,
    maxTokensWhenGenerating: maxTokens,
    rows,
    speedup: {
      scoreVsGenerate: round(rate("score", true) / rate("generate", true), 2),
      prefixReuseScore: round(rate("score", true) / rate("score", false), 2),
      prefixReuseGenerate: round(rate("generate", true) / rate("generate", false), 2),
      subgroupVsQuestionMajor: round(rate("score", true) / rate("score", true, "question-major"), 2),
    },
    note: "score = full distribution over codes (one pass over the prompt + one short pass per code branch, see meta.scoringPasses); generate = greedy text then parse. Tiny model: numbers show mechanics, not real-model speed.",
  };
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

if (process.argv[1]?.endsWith("llama-scoring.ts")) {
  const r = await run();
  if ("skipped" in r) console.log(r.skipped);
  else {
    console.log(`${r.model}, threads 1, generate maxTokens ${r.maxTokensWhenGenerating}`);
    console.log("mode      reuse  order            prompts  prompts/s  eval tok/prompt  prompt tok");
    for (const x of r.rows) {
      console.log(
        `${x.mode.padEnd(9)} ${String(x.reusePrefix).padEnd(6)} ${x.order.padEnd(16)} ${String(x.prompts).padStart(7)}  ${String(x.promptsPerSecond).padStart(9)}  ${String(x.meanEvaluatedTokens).padStart(15)}  ${String(x.meanPromptTokens).padStart(10)}`,
      );
    }
    console.log(JSON.stringify(r.speedup));
  }
}
