/**
 * Two metrics a user might register (loaded by tests as `--metrics test/support/extra-metrics.ts`):
 * within-one accuracy (a per-pair share, reduced by the mean) and a root-mean-square normalised
 * error (squared error per pair, reduced by the square root of the mean: not a mean).
 */
import { registerMetric } from "../../src/metrics/registry";

registerMetric({
  id: "withinOne",
  label: "Within one",
  description: "share of pairs whose predicted code is at most one scale point from the modal code",
  direction: "higher",
  range: [0, 1],
  // Unparsed and invalid codes are wrong (their error is 1 whatever the distance).
  value: (s) => (s.parsed === 0 || s.invalid > 0 || s.span === undefined ? 0 : s.error * s.span <= 1 + 1e-9 ? 1 : 0),
});

registerMetric({
  id: "nrmse",
  label: "NRMSE",
  description: "root mean square of the normalised error",
  direction: "lower",
  range: [0, 1],
  value: (s) => s.error * s.error,
  reduce: (sum, count) => Math.sqrt(sum / count),
});
