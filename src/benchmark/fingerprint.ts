/**
 * The benchmark's sha256: one hash over everything a score depends on — the labels and answer
 * counts of every pair, its split, the preset and its options. Runs record it (run.json
 * benchmark.sha256); evaluating a run against a benchmark with another hash means its labels
 * changed since, so evaluate warns (refuses with --strict). Not the WVS file's hash (provenance.sha256):
 * the same file with another tie policy gives other labels.
 */
import { createHash } from "node:crypto";
import type { Benchmark } from "./types";

const memo = new WeakMap<Benchmark, string>();

export function benchmarkSha256(b: Benchmark): string {
  const hit = memo.get(b);
  if (hit) return hit;
  const h = createHash("sha256");
  const { preset, minSubgroupSize, minValidAnswers, weighted, tiePolicy } = b.options;
  h.update(JSON.stringify({ preset, minSubgroupSize, minValidAnswers, weighted, tiePolicy }));
  h.update("\n");
  for (const p of b.pairs) {
    const counts = Object.keys(p.counts)
      .sort((x, y) => Number(x) - Number(y))
      .map((k) => `${k}:${p.counts[k]}`)
      .join(",");
    h.update(`${p.question}\t${p.subgroup}\t${p.split}\t${p.mode}\t${p.modes.join(",")}\t${counts}\n`);
  }
  const out = h.digest("hex");
  memo.set(b, out);
  return out;
}
