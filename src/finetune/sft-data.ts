/**
 * Fine-tuning data: the paper's "structured numerical preferences" — persona prompt in, the
 * subgroup's modal answer code out ("Answer: 3") — as chat-format JSONL that OpenAI fine-tuning,
 * LLaMA-Factory (openai/sharegpt format) and most SFT trainers read. Beyond the paper: soft
 * targets, either as the answer distribution beside each example or expanded into k examples
 * whose answers follow the distribution (largest-remainder rounding, deterministic).
 *
 * Only train-split pairs by default, so OOD subgroups stay unseen (the compositional split).
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Benchmark, Pair, Split } from "../benchmark/types";
import { buildPrompt } from "../personas/index";
import type { ChatMessage } from "../models/types";

export type SftTarget = "mode" | "distribution" | "expanded";

export interface SftOptions {
  split?: Split;
  /** Template ids to render (several = prompt augmentation). Default ["system-persona"]. */
  templates?: string[];
  /** "mode" (the paper), "distribution" (mode + target_distribution field), "expanded" (k samples per pair). */
  target?: SftTarget;
  /** Examples per pair for "expanded" (default 10). */
  k?: number;
  /** Hold out this share of the split's subgroups as validation (by subgroup, never by pair). Default 0. */
  validationShare?: number;
}

export interface SftExample {
  messages: ChatMessage[];
  /** Extra fields trainers ignore but analyses use. */
  metadata: { question: string; subgroup: string; template: string; mode: number; n: number };
  target_distribution?: Record<string, number>;
}

export interface SftDataset {
  train: SftExample[];
  validation: SftExample[];
  validationSubgroups: string[];
  options: Required<SftOptions>;
}

/** Split counts into k whole examples proportionally (largest remainder; ties → lower code). */
export function expandCounts(counts: Record<string, number>, k: number): number[] {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const codes = Object.keys(counts)
    .map(Number)
    .sort((a, b) => a - b);
  const exact = codes.map((c) => (counts[c] / total) * k);
  const base = exact.map(Math.floor);
  let left = k - base.reduce((a, b) => a + b, 0);
  const order = codes.map((_, i) => i).sort((a, b) => exact[b] - base[b] - (exact[a] - base[a]) || a - b);
  for (const i of order) {
    if (left <= 0) break;
    base[i]++;
    left--;
  }
  return codes.flatMap((c, i) => Array(base[i]).fill(c) as number[]);
}

/** Deterministic subgroup hold-out: the subgroups whose id hash falls lowest. */
function pickValidation(ids: string[], share: number): Set<string> {
  if (share <= 0) return new Set();
  const h = (s: string): string => createHash("sha256").update(s).digest("hex");
  const n = Math.max(1, Math.round(ids.length * share));
  return new Set([...ids].sort((a, b) => (h(a) < h(b) ? -1 : 1)).slice(0, n));
}

export function buildSftDataset(b: Benchmark, opts: SftOptions = {}): SftDataset {
  const o: Required<SftOptions> = {
    split: opts.split ?? "train",
    templates: opts.templates ?? ["system-persona"],
    target: opts.target ?? "mode",
    k: opts.k ?? 10,
    validationShare: opts.validationShare ?? 0,
  };
  if (!(o.validationShare >= 0 && o.validationShare < 1)) throw new Error(`validationShare: expected a number in [0, 1), got ${o.validationShare}`);
  if (!(Number.isInteger(o.k) && o.k >= 1)) throw new Error(`k: expected a whole number ≥ 1, got ${o.k}`);
  const questions = new Map(b.questions.map((q) => [q.id, q]));
  const subgroups = new Map(b.subgroups.map((s) => [s.id, s]));
  const splitSubgroups = b.subgroups.filter((s) => s.split === o.split).map((s) => s.id);
  const val = pickValidation(splitSubgroups, o.validationShare);
  const out: SftDataset = { train: [], validation: [], validationSubgroups: [...val].sort(), options: o };
  const pairs: Pair[] = b.pairs.filter((p) => p.split === o.split);
  for (const p of pairs) {
    const q = questions.get(p.question)!;
    const s = subgroups.get(p.subgroup)!;
    for (const template of o.templates) {
      const prompt = buildPrompt(q, s, template);
      const meta = { question: p.question, subgroup: p.subgroup, template, mode: p.mode, n: p.n };
      const answers = o.target === "expanded" ? expandCounts(p.counts, o.k) : [p.mode];
      for (const code of answers) {
        const ex: SftExample = { messages: [...prompt.messages, { role: "assistant", content: `Answer: ${code}` }], metadata: meta };
        if (o.target === "distribution") {
          const total = Object.values(p.counts).reduce((a, c) => a + c, 0);
          ex.target_distribution = Object.fromEntries(Object.entries(p.counts).map(([c, k]) => [c, Math.round((k / total) * 1e6) / 1e6]));
        }
        (val.has(p.subgroup) ? out.validation : out.train).push(ex);
      }
    }
  }
  return out;
}

export function toJsonl(examples: SftExample[], opts: { withMetadata?: boolean } = {}): string {
  // OpenAI's fine-tuning API rejects unknown top-level keys, so metadata is opt-in.
  return examples
    .map((e) => JSON.stringify(opts.withMetadata ? e : { messages: e.messages }))
    .join("\n")
    .concat(examples.length ? "\n" : "");
}

/** Write train.jsonl / validation.jsonl (OpenAI format) and *.meta.jsonl (with metadata) to `dir`. */
export function writeSftDataset(ds: SftDataset, dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {};
  const put = (name: string, text: string): void => {
    const p = join(dir, name);
    writeFileSync(p, text);
    files[name] = p;
  };
  put("train.jsonl", toJsonl(ds.train));
  put("train.meta.jsonl", toJsonl(ds.train, { withMetadata: true }));
  if (ds.validation.length) {
    put("validation.jsonl", toJsonl(ds.validation));
    put("validation.meta.jsonl", toJsonl(ds.validation, { withMetadata: true }));
  } else {
    // A hold-out from an earlier call must not be uploaded with this training set.
    for (const name of ["validation.jsonl", "validation.meta.jsonl"]) rmSync(join(dir, name), { force: true });
  }
  return files;
}
