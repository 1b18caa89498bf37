/** Small helpers for answer distributions over codes (Record<code, probability>). */

/** Renormalise `mass` over `codes` (missing codes get 0); undefined when no mass fell on a code. */
export function normaliseOverCodes(mass: Record<string, number>, codes: number[]): { distribution: Record<string, number>; validMass: number } | undefined {
  let total = 0;
  for (const c of codes) total += mass[String(c)] ?? 0;
  if (!(total > 0) || !Number.isFinite(total)) return undefined;
  const distribution: Record<string, number> = {};
  for (const c of codes) distribution[String(c)] = (mass[String(c)] ?? 0) / total;
  return { distribution, validMass: total };
}

/**
 * The most probable code among `codes`; ties go to the lowest code (or the highest with
 * tiePolicy "highest"), matching the benchmark's label tie policy, whatever order codes were shown in.
 */
export function argmaxCode(distribution: Record<string, number>, codes: number[], tiePolicy: "lowest" | "highest" = "lowest"): number {
  const sorted = [...codes].sort((a, b) => (tiePolicy === "lowest" ? a - b : b - a));
  let best = sorted[0];
  let bestP = -Infinity;
  for (const c of sorted) {
    const p = distribution[String(c)] ?? 0;
    if (p > bestP + 1e-12) {
      best = c;
      bestP = p;
    }
  }
  return best;
}
