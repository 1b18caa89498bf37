import type { Split } from "../benchmark/types";
import type { Answer } from "../models/types";

/** One row of a results file: a model's prediction for one (question, subgroup, template, sample). */
export interface Prediction {
  model: string;
  templateId: string;
  question: string;
  subgroup: string;
  split: Split;
  sample: number;
  /** Parsed code, or null when unparseable / refused / errored. */
  code: number | null;
  refused: boolean;
  /**
   * No answer: the request failed for good (after retries; its errors.jsonl row). Not in
   * predictions.jsonl: made from errors.jsonl when a run is scored (see metrics/outcomes.ts), so a
   * failed pair is scored (wrong, by default) rather than silently dropped.
   */
  failed?: boolean;
  /** Why code is null. */
  reason?: string;
  distribution?: Record<string, number>;
  validMass?: number;
  text?: string;
  usage?: Answer["usage"];
  cost?: number;
  latencyMs?: number;
  cached?: boolean;
}
