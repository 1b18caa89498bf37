/** How a MetricFrame groups pairs, shared by the frame, its bootstrap and its tests. */
import type { PairScore } from "./score";

/** How to group pairs: a built-in key, "attribute:<name>", or a function (undefined = leave out). */
export type By = "subgroup" | "stratum" | "template" | "split" | "question" | `attribute:${string}` | ((s: PairScore) => string | undefined);

/** The grouping's name in results ("custom" for a function). */
export function groupingName(by: By): string {
  return typeof by === "function" ? "custom" : by;
}
