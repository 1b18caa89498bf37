/**
 * The paper's published OOD numbers (Tan et al. 2026, via the paper-note transcription in
 * ../shared/notes/paper.md §4.2, §6.4, §6.5): a reference to read svlab's tables against, never
 * mixed into them.
 */
export const PUBLISHED_REFERENCE = {
  source: "Tan et al. (ACL 2026), OOD split, open-source average over 7 models (≤ 8B), LoRA SFT; transcribed by a paper note",
  main: { accuracy: { base: 0.45, tuned: 0.624 }, nmae: { base: 0.269, tuned: 0.173 } },
  fairness: {
    accuracyNormRange: { base: 0.24, tuned: 0.179 },
    accuracyCv: { base: 0.078, tuned: 0.054 },
    nmaeNormRange: { base: 0.28, tuned: 0.336 },
    nmaeCv: { base: 0.094, tuned: 0.116 },
  },
  refusalSensitive: { base: 0.0666, tuned: 0 },
} as const;
