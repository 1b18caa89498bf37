/** Synthetic predictions over a benchmark split (seeded), for tests and benches of the metrics. */
import type { Benchmark, Split } from "../../src/benchmark/types";
import { seededRandom } from "../../src/metrics/stats";
import { join } from "node:path";
import { RESULTS_FORMAT_VERSION, writeManifest, writePredictions, type RunManifest } from "../../src/runner/results";
import type { Prediction } from "../../src/runner/types";

export interface SyntheticPredictionOptions {
  model: string;
  seed: number;
  split?: Split;
  /** Share of pairs with no code (unparsed or refused). */
  nullShare: number;
  /** Share of pairs answered with the label (includes nullShare as the lower band, as drawn). */
  correctShare: number;
  /** Share (of all pairs) of null codes that are refusals; default: every null is a refusal. */
  refusedShare?: number;
  /** Add a random distribution over the scale and a valid mass to each prediction. */
  distributions?: boolean;
}

export function syntheticPredictions(bench: Benchmark, o: SyntheticPredictionOptions): Prediction[] {
  const split = o.split ?? "ood";
  const rnd = seededRandom(o.seed);
  const scales = new Map(bench.questions.map((q) => [q.id, q.scale.map((x) => x.code)]));
  return bench.pairs
    .filter((p) => p.split === split)
    .map((p) => {
      const codes = scales.get(p.question)!;
      const r = rnd();
      const code = r < o.nullShare ? null : r < o.correctShare ? p.mode : codes[Math.floor(rnd() * codes.length)];
      const pred: Prediction = {
        model: o.model,
        templateId: "system-persona",
        question: p.question,
        subgroup: p.subgroup,
        split,
        sample: 0,
        code,
        refused: code === null && (o.refusedShare === undefined || r < o.refusedShare),
      };
      if (o.distributions) {
        const w = codes.map(() => rnd() + (code !== null ? 0 : 0.5));
        const s = w.reduce((a, b) => a + b, 0);
        pred.distribution = Object.fromEntries(codes.map((c, i) => [String(c), w[i] / s]));
        pred.validMass = 0.9 + 0.1 * rnd();
      }
      return pred;
    });
}

/** Save predictions as a completed OOD run `<root>/<runId>` (a minimal manifest, as tests need). */
export async function saveRun(root: string, model: string, runId: string, preds: Prediction[], templates = ["system-persona"]): Promise<void> {
  const manifest: RunManifest = {
    formatVersion: RESULTS_FORMAT_VERSION,
    runId,
    model,
    templateIds: templates,
    templateId: templates[0],
    split: "ood",
    generate: {},
    samples: 1,
    mode: "api",
    counts: { requests: preds.length, answered: preds.length, parsed: 0, refused: 0, unparsed: 0, errors: 0, cached: 0, skipped: 0, retries: 0 },
    usage: { inputTokens: 0, outputTokens: 0 },
    cost: 0,
    costIfUncached: 0,
    startedAt: "2026-01-01T00:00:00Z",
    status: "completed",
    svlabVersion: "test",
    benchmark: { preset: "tan2026" },
  };
  await writeManifest(join(root, runId), manifest);
  await writePredictions(join(root, runId), preds);
}
