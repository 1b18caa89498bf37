/**
 * Benchmark presets: which questions, which strata, which thresholds. `tan2026` reconstructs the
 * benchmark of Tan et al. (ACL 2026) and reproduces its counts on the real WVS-7 Singapore file:
 * 214 questions; 50 train subgroups / 10,700 pairs; 48 OOD subgroups / 10,177 pairs.
 */
import type { Codebook } from "../wvs/codebook-build";
import type { BenchmarkOptions, Split } from "./types";

export interface Stratum {
  /** Stratum key as in the paper's ids, e.g. "sex_x_age". */
  key: string;
  /** Attributes crossed, in id order. */
  attributes: string[];
  split: Split;
}

export interface Preset {
  name: string;
  description: string;
  strata: Stratum[];
  /** The question ids, in codebook order. */
  questions: (codebook: Codebook) => string[];
  defaults: BenchmarkOptions;
}

const range = (a: number, b: number): string[] => Array.from({ length: b - a + 1 }, (_, i) => `Q${a + i}`);

/** Not value items in the paper's sense (Q42 revolution/reform; Q82–Q93 organisations; Q105; Q152–Q157 post-materialist; Q223 vote intention). */
const TAN_NOT_VALUE = new Set(["Q42", ...range(82, 93), "Q105", ...range(152, 157), "Q223"]);
/** Not asked in Singapore (all -4). */
const TAN_NOT_ASKED_SG = new Set(["Q115", "Q141", "Q221", "Q255", "Q256"]);
/** Items whose substantive answers include code 0 (memberships, Q119, Q122–Q129): excluded by the paper. */
const TAN_ZERO_CODED = new Set([...range(94, 104), "Q119", ...range(122, 129)]);

export const TAN2026: Preset = {
  name: "tan2026",
  description:
    "Tan et al. (ACL 2026): WVS-7 Singapore, 214 value questions; train = single attributes + sex crossings, OOD = unseen crossings",
  strata: [
    { key: "sex", attributes: ["sex"], split: "train" },
    { key: "age_group", attributes: ["age_group"], split: "train" },
    { key: "ethnicity", attributes: ["ethnicity"], split: "train" },
    { key: "religion", attributes: ["religion"], split: "train" },
    { key: "sex_x_age", attributes: ["sex", "age_group"], split: "train" },
    { key: "sex_x_ethnicity", attributes: ["sex", "ethnicity"], split: "train" },
    { key: "sex_x_religion", attributes: ["sex", "religion"], split: "train" },
    { key: "age_x_religion", attributes: ["age_group", "religion"], split: "ood" },
    { key: "age_x_ethnicity", attributes: ["age_group", "ethnicity"], split: "ood" },
    { key: "ethnicity_x_religion", attributes: ["ethnicity", "religion"], split: "ood" },
  ],
  questions: (codebook) => {
    const ids = new Set([...range(1, 259), "Q234A"]);
    return Object.keys(codebook.questions).filter(
      (q) => ids.has(q) && !TAN_NOT_VALUE.has(q) && !TAN_NOT_ASKED_SG.has(q) && !TAN_ZERO_CODED.has(q),
    );
  },
  defaults: { preset: "tan2026", minSubgroupSize: 30, minValidAnswers: 30, weighted: false, tiePolicy: "lowest" },
};

export const PRESETS: Record<string, Preset> = { tan2026: TAN2026 };

export function getPreset(name: string): Preset {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown benchmark preset "${name}": expected one of ${Object.keys(PRESETS).join(", ")}`);
  return p;
}

/**
 * Define (and register) a preset of your own, e.g. other personas:
 *   definePreset({ name: "education", strata: [{ key: "education", attributes: ["education"], split: "train" },
 *     { key: "education_x_ethnicity", attributes: ["education", "ethnicity"], split: "ood" }] })
 * Questions default to tan2026's 214; thresholds to 30/30, unweighted, ties to the lowest code.
 */
export function definePreset(p: { name: string; strata: Stratum[]; description?: string; questions?: string[]; defaults?: Partial<BenchmarkOptions> }): Preset {
  if (!/^[a-z0-9_-]+$/i.test(p.name)) throw new Error(`preset name "${p.name}": expected letters, digits, "_" or "-"`);
  if (!p.strata.length) throw new Error(`preset ${p.name}: expected at least one stratum`);
  const preset: Preset = {
    name: p.name,
    description: p.description ?? `custom preset ${p.name}`,
    strata: p.strata,
    questions: p.questions ? (cb) => p.questions!.filter((q) => cb.questions[q]) : TAN2026.questions,
    defaults: { ...TAN2026.defaults, ...p.defaults, preset: p.name },
  };
  PRESETS[p.name] = preset;
  return preset;
}
