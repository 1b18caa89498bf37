/**
 * Which models notebook 06 uses: live models when OPENAI_API_KEY is set (the candidate, GPT-4.1 as
 * the paper's reference, a judge); else SVLAB_MODEL (any provider) in all three roles, its reference
 * being itself without the persona; else the tiny local test model likewise (its answers are noise:
 * every mechanism is real, no number means anything); else none (the notebook says so and stops).
 */
import { existsSync } from "node:fs";
import { testModelPath } from "../paths";

export interface OpenEndedPlan {
  mode: "api" | "local";
  candidate: string;
  reference: string;
  /** The reference's template: the local model compares its persona answers with its no-persona ones. */
  referenceTemplate: string;
  judge: string;
  /** Pairs to answer (a fixed subset spread over questions and subgroups). */
  limit: number;
  maxTokens: number;
  /** What the notebook says about this choice (markdown). */
  note: string;
}

export function openEndedPlan(env: Record<string, string | undefined> = process.env): OpenEndedPlan | { mode: "none"; note: string } {
  if (env.OPENAI_API_KEY) {
    const candidate = env.SVLAB_MODEL ?? "openai:gpt-4.1-mini";
    const reference = env.SVLAB_REFERENCE_MODEL ?? "openai:gpt-4.1";
    const judge = env.SVLAB_JUDGE_MODEL ?? "openai:gpt-4.1-mini";
    const limit = Number(env.SVLAB_DEMO_LIMIT ?? 60);
    return {
      mode: "api",
      candidate,
      reference,
      referenceTemplate: "system-persona",
      judge,
      limit,
      maxTokens: 300,
      note: `**live models** (OPENAI_API_KEY is set): candidate \`${candidate}\` (SVLAB_MODEL), reference \`${reference}\` (SVLAB_REFERENCE_MODEL; the paper's is GPT-4.1), judge \`${judge}\` (SVLAB_JUDGE_MODEL; the paper's was Mistral-Small-3.1-24B), on ${limit} OOD pairs (SVLAB_DEMO_LIMIT).`,
    };
  }
  if (env.SVLAB_MODEL) {
    const m = env.SVLAB_MODEL;
    const limit = Number(env.SVLAB_DEMO_LIMIT ?? 30);
    return {
      mode: "api",
      candidate: m,
      reference: env.SVLAB_REFERENCE_MODEL ?? m,
      referenceTemplate: env.SVLAB_REFERENCE_MODEL ? "system-persona" : "no-persona",
      judge: env.SVLAB_JUDGE_MODEL ?? m,
      limit,
      maxTokens: 300,
      note: `**SVLAB_MODEL** \`${m}\` (no OPENAI_API_KEY): it answers with the persona as the candidate and${env.SVLAB_REFERENCE_MODEL ? ` \`${env.SVLAB_REFERENCE_MODEL}\` is the reference` : " without the persona as the reference (does the persona make its answers better?)"}; the judge is \`${env.SVLAB_JUDGE_MODEL ?? m}\` (SVLAB_JUDGE_MODEL); ${limit} OOD pairs (SVLAB_DEMO_LIMIT). A model judging its own answers is a weak judge: say so when quoting these numbers.`,
    };
  }
  // the same local model as the other notebooks' fallback (SVLAB_TEST_GGUF, else the shared stories260K)
  const gguf = testModelPath();
  if (existsSync(gguf)) {
    const local = `llama:${gguf}`;
    return {
      mode: "local",
      candidate: local,
      reference: local,
      referenceTemplate: "no-persona",
      judge: local,
      limit: 6,
      maxTokens: 60,
      note: "**no API key**: the tiny local test model (stories260K, 260K parameters, trained on children's stories) plays all three parts — the candidate (with the persona), the reference (the same model without it) and the judge. **Its answers and its verdicts mean nothing**: it cannot follow the instructions, so expect every verdict to be unreadable (counted, never a tie) and no win rate. Every mechanism below is the real one; set OPENAI_API_KEY for numbers that mean something.",
    };
  }
  return {
    mode: "none",
    note: `**no model available**: no OPENAI_API_KEY, no SVLAB_MODEL and no local test model at \`${testModelPath()}\`. This notebook needs a language model to write and to judge free text, so it stops here (every cell below does nothing). Set OPENAI_API_KEY, or SVLAB_MODEL (e.g. \`openai-compatible:http://127.0.0.1:8000/v1#MODEL\`), and run it again.`,
  };
}
