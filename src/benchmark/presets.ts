/**
 * Benchmark presets. A preset is a value: the country, the attributes personas are built from, the
 * strata and their split, the question rule, the thresholds and the label rule (tie policy,
 * weighting). `tan2026` is one such value; it reconstructs the benchmark of Tan et al. (ACL 2026)
 * and reproduces its counts on the real WVS-7 Singapore file: 214 questions; 50 train subgroups /
 * 10,700 pairs; 48 OOD subgroups / 10,177 pairs. `countryPreset` applies the same rules to any
 * WVS-7 country and attribute list.
 */
import { attributeKey, getAttribute } from "../wvs/attributes";
import type { Codebook } from "../wvs/codebook-build";
import { countryLabel, resolveCountry, type Country } from "../wvs/countries";
import type { Respondents } from "../wvs/respondents";
import type { AttributeName, Question } from "../wvs/types";
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
  /** Whose respondents (B_COUNTRY) and where the personas live. */
  country: Country;
  /** The persona attributes, first one first (it decides the split). */
  attributes: AttributeName[];
  strata: Stratum[];
  /**
   * The question ids, in codebook order. Given the respondents, a rule may drop questions the
   * country was not asked (tan2026's list is fixed: the paper's 214).
   */
  questions: (codebook: Codebook, respondents?: Respondents) => string[];
  /** Thresholds (minSubgroupSize, minValidAnswers) and the label rule (weighted, tiePolicy). */
  defaults: BenchmarkOptions;
}

const range = (a: number, b: number): string[] => Array.from({ length: b - a + 1 }, (_, i) => `Q${a + i}`);

/** Not value items in the paper's sense (Q42 revolution/reform; Q82–Q93 organisations; Q105; Q152–Q157 post-materialist; Q223 vote intention). */
const PAPER_NOT_VALUE = new Set(["Q42", ...range(82, 93), "Q105", ...range(152, 157), "Q223"]);
/** Not asked in Singapore (all -4): tan2026 fixes its list rather than reading it from a file. */
const TAN_NOT_ASKED_SG = new Set(["Q115", "Q141", "Q221", "Q255", "Q256"]);

/** Scales whose substantive answers include code 0 (memberships Q94–Q104, Q119, Q122–Q129): the paper excludes them. */
export function zeroCoded(q: Question): boolean {
  return q.scale.some((o) => o.code === 0);
}

/** Whether any respondent gave a substantive answer (a question not asked in a country is all -4). */
export function asked(resp: Respondents, question: string): boolean {
  if (!resp.questions.includes(question)) return false;
  const codes = resp.table.array(question) as ArrayLike<number>;
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) return true;
  return false;
}

/** The paper's question rule, any country: value items, minus its non-value items and the zero-coded scales, minus what the country was not asked. */
export function valueQuestions(codebook: Codebook, resp?: Respondents): string[] {
  return Object.keys(codebook.questions).filter(
    (q) => !PAPER_NOT_VALUE.has(q) && !zeroCoded(codebook.questions[q]) && (!resp || asked(resp, q)),
  );
}

/**
 * The paper's strata, generalised: every attribute alone and every pair; train = the singles and
 * the pairs with the first attribute, OOD = the other pairs. Crossed keys use short names ("sex_x_age").
 */
export function crossStrata(attributes: string[]): Stratum[] {
  const singles: Stratum[] = attributes.map((a) => ({ key: a, attributes: [a], split: "train" }));
  const pairs: Stratum[] = [];
  for (let i = 0; i < attributes.length; i++) {
    for (let j = i + 1; j < attributes.length; j++) {
      const [a, b] = [attributes[i], attributes[j]];
      pairs.push({ key: `${attributeKey(a)}_x_${attributeKey(b)}`, attributes: [a, b], split: i === 0 ? "train" : "ood" });
    }
  }
  return [...singles, ...pairs.filter((s) => s.split === "train"), ...pairs.filter((s) => s.split === "ood")];
}

const PAPER_DEFAULTS: Omit<BenchmarkOptions, "preset"> = { minSubgroupSize: 30, minValidAnswers: 30, weighted: false, tiePolicy: "lowest" };

export const TAN2026: Preset = {
  name: "tan2026",
  description:
    "Tan et al. (ACL 2026): WVS-7 Singapore, 214 value questions; train = single attributes + sex crossings, OOD = unseen crossings",
  country: resolveCountry("SGP"),
  attributes: ["sex", "age_group", "ethnicity", "religion"],
  // crossStrata's set; the paper lists age × religion before age × ethnicity, and ids keep its order
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
  questions: (codebook) => valueQuestions(codebook).filter((q) => !TAN_NOT_ASKED_SG.has(q)),
  defaults: { preset: "tan2026", ...PAPER_DEFAULTS },
};

export const PRESETS: Record<string, Preset> = { tan2026: TAN2026 };

export function getPreset(name: string): Preset {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown benchmark preset "${name}": expected one of ${Object.keys(PRESETS).join(", ")}`);
  return p;
}

/**
 * The paper's rules for any WVS-7 country and attribute list (and register it under its name,
 * e.g. "usa-sex-age-religion"): strata from crossStrata, the paper's question rule applied to the
 * country's answers, 30/30 thresholds, unweighted modes with ties to the lowest code.
 */
export function countryPreset(p: { country: string | number; attributes: string[]; name?: string; defaults?: Partial<BenchmarkOptions> }): Preset {
  const country = resolveCountry(p.country);
  if (!p.attributes.length) throw new Error("expected at least one attribute, e.g. sex,age,religion");
  const attributes = p.attributes.map((a) => getAttribute(a.trim()).name);
  const dup = attributes.find((a, i) => attributes.indexOf(a) !== i);
  if (dup) throw new Error(`attribute "${dup}" is listed twice: expected each attribute once`);
  const name = p.name ?? [country.alpha3.toLowerCase(), ...attributes.map(attributeKey)].join("-");
  const preset: Preset = {
    name,
    description: `WVS-7 ${countryLabel(country)}, attributes ${attributes.join(", ")}: the paper's rules (train = singles + crossings with ${attributes[0]}, OOD = other crossings)`,
    country,
    attributes,
    strata: crossStrata(attributes),
    questions: valueQuestions,
    defaults: { ...PAPER_DEFAULTS, ...p.defaults, preset: name },
  };
  PRESETS[name] = preset;
  return preset;
}

/**
 * Define (and register) a preset of your own, e.g. other personas:
 *   definePreset({ name: "education", strata: [{ key: "education", attributes: ["education"], split: "train" },
 *     { key: "education_x_ethnicity", attributes: ["education", "ethnicity"], split: "ood" }] })
 * Country defaults to tan2026's; questions to its 214; thresholds to 30/30, unweighted, ties to the lowest code.
 */
export function definePreset(p: {
  name: string;
  strata: Stratum[];
  description?: string;
  country?: string | number;
  questions?: string[];
  defaults?: Partial<BenchmarkOptions>;
}): Preset {
  if (!/^[a-z0-9_-]+$/i.test(p.name)) throw new Error(`preset name "${p.name}": expected letters, digits, "_" or "-"`);
  if (!p.strata.length) throw new Error(`preset ${p.name}: expected at least one stratum`);
  const preset: Preset = {
    name: p.name,
    description: p.description ?? `custom preset ${p.name}`,
    country: p.country === undefined ? TAN2026.country : resolveCountry(p.country),
    attributes: [...new Set(p.strata.flatMap((s) => s.attributes))] as AttributeName[],
    strata: p.strata,
    questions: p.questions ? (cb) => p.questions!.filter((q) => cb.questions[q]) : TAN2026.questions,
    defaults: { ...TAN2026.defaults, ...p.defaults, preset: p.name },
  };
  PRESETS[p.name] = preset;
  return preset;
}

/**
 * The preset a caller means: a named one, or the paper's rules for a country and attribute list
 * (either may be given; the other defaults to tan2026's country / attributes). Both at once is an error.
 */
export function choosePreset(o: { preset?: string; country?: string | number; attributes?: string[] }): Preset {
  if (o.country === undefined && o.attributes === undefined) return getPreset(o.preset ?? TAN2026.name);
  if (o.preset !== undefined) {
    throw new Error(`a preset ("${o.preset}") and a country/attribute list were both given: expected one or the other`);
  }
  return countryPreset({ country: o.country ?? TAN2026.country.code, attributes: o.attributes ?? TAN2026.attributes });
}
