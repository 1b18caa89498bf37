/** Core WVS types shared by every later stage. Codes are the WVS integer answer codes. */

/** One answer option of a question, as the codebook labels it. */
export interface AnswerOption {
  code: number;
  label: string;
}

/** A WVS-7 question as the shipped codebook (data/codebook.json) describes it. */
export interface Question {
  /** WVS variable name, e.g. "Q1", "Q234A". */
  id: string;
  /** Short codebook label, e.g. "Important in life: Family". */
  label: string;
  /** Full official question wording (WVS-7 v6.0 codebook). */
  text: string;
  /** WorldValuesBench-style single-sentence prompt naming the scale ends, when one exists. */
  prompt?: string;
  /** WVS-7 thematic category, e.g. "Religious Values". */
  category: string;
  /** Substantive options on the answer scale, listed in ordinal order (not always code order: Q56). */
  scale: AnswerOption[];
  /** Substantive but off-scale options (e.g. Q254 5 "I am not Singaporean", Q241 0 "against democracy (spontaneous)"). */
  offScale: AnswerOption[];
  /** Missing-value codes (-1 … -5) and their labels. */
  missing: AnswerOption[];
  /**
   * Whether the scale is ordinal (distance-aware metrics make sense) or nominal. WorldValuesBench
   * marks all 239 WVS-7 value items ordinal (binary items are two-point scales), so today every
   * question is; the flag is kept for presets with nominal items.
   */
  ordinal: boolean;
}

/** Demographic attribute names svlab knows how to derive from the WVS columns. */
export type AttributeName =
  | "sex"
  | "age_group"
  | "ethnicity"
  | "religion"
  | "religion_detailed"
  | "education"
  | "education_isced"
  | "education_sg"
  | "income"
  | "marital_status"
  | "employment";
