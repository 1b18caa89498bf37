/** The label of a (question, subgroup): its modal answer, with an explicit tie policy. */

export type TiePolicy = "lowest" | "highest";

/** Codes tied for the largest count (ascending), and the one chosen by the policy. */
export function modalAnswer(counts: Record<string, number>, tiePolicy: TiePolicy = "lowest"): { mode: number; modes: number[] } {
  let best = -Infinity;
  let modes: number[] = [];
  for (const [code, c] of Object.entries(counts)) {
    if (c > best + 1e-12) {
      best = c;
      modes = [Number(code)];
    } else if (Math.abs(c - best) <= 1e-12) modes.push(Number(code));
  }
  if (!modes.length) throw new Error("modalAnswer: no answers to take the mode of");
  modes.sort((a, b) => a - b);
  return { mode: tiePolicy === "lowest" ? modes[0] : modes[modes.length - 1], modes };
}
