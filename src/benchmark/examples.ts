/**
 * Example subgroups for notebooks and docs, chosen from the benchmark by a rule rather than named
 * in code: one of each kind a persona prompt meets — a single attribute (train), an intersection
 * seen in training, and an intersection held out (OOD) — the smallest of each kind, since small
 * subgroups are where a persona has to carry the most information.
 */
import type { Benchmark, Subgroup } from "./types";

export type SubgroupKind = "single attribute" | "train intersection" | "OOD intersection";

export interface ExampleSubgroup extends Subgroup {
  kind: SubgroupKind;
}

function kindOf(s: Subgroup): SubgroupKind {
  if (Object.keys(s.attributes).length === 1) return "single attribute";
  return s.split === "ood" ? "OOD intersection" : "train intersection";
}

/** The smallest subgroup of each kind present in the benchmark (ties: the first in benchmark order). */
export function exampleSubgroups(b: Benchmark): ExampleSubgroup[] {
  const kinds: SubgroupKind[] = ["single attribute", "train intersection", "OOD intersection"];
  return kinds.flatMap((kind) => {
    const of = b.subgroups.filter((s) => kindOf(s) === kind);
    if (!of.length) return [];
    const smallest = of.reduce((a, s) => (s.size < a.size ? s : a));
    return [{ ...smallest, kind }];
  });
}
