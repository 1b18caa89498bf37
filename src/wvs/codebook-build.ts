/**
 * Builds data/codebook.json, the codebook svlab ships, from the official files in ../shared/wvs-real:
 *  - derived/wvs7_codebook_v6_core_Q1-Q290.json (official v6.0 wording and answer labels),
 *  - worldvaluesbench/question_metadata.json (value-item flag, WVS-7 category, scale ends, prompt form),
 *  - worldvaluesbench/answer_adjustment.json (remaps that make a few scales ordinal),
 *  - derived/sgp_specific_codes.json (Singapore code lists: ethnic group, detailed religion, education).
 * Deterministic: the same inputs give the same bytes.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { resolveCountry, type Country } from "./countries";
import type { AnswerOption, Question } from "./types";

export const WVS_CITATION =
  "Haerpfer, C., Inglehart, R., Moreno, A., Welzel, C., Kizilova, K., Diez-Medrano, J., Lagos, M., Norris, P., " +
  "Ponarin, E. & Puranen, B. (eds.). 2022. World Values Survey: Round Seven – Country-Pooled Datafile Version 6.0. " +
  "Madrid, Spain & Vienna, Austria: JD Systems Institute & WVSA Secretariat. doi:10.14281/18241.24";

/** Shorter names for WorldValuesBench's category strings, matching the paper's wording. */
const CATEGORY_NAMES: Record<string, string> = {
  "Social Values, Norms, Stereotypes": "Social Values & Stereotypes",
  "Social Capital, Trust and Organizational Membership": "Social Capital & Trust",
  "Political Interest and Political Participation": "Political Interest & Participation",
  "Political Culture and Political Regimes": "Political Culture & Regimes",
  "Ethical Values": "Ethical Values & Norms",
  "Perceptions of Security": "Security",
  "Religious Values": "Religious Values",
  "Happiness and Wellbeing": "Happiness & Wellbeing",
  "Perceptions of Migration": "Migration",
  "Perceptions of Corruption": "Corruption",
  "Economic Values": "Economic Values",
  "Perceptions about Science and Technology": "Science & Technology",
};

export interface CodeList {
  question: string;
  codes: AnswerOption[];
}

export interface Codebook {
  source: { files: { path: string; sha256: string }[]; builtBy: string; citation: string };
  /** Every WVS value item (WorldValuesBench's 239), keyed by id. */
  questions: Record<string, Question>;
  /** Code lists for demographic variables (Q260, X003R, Q289, Q289CS9, Q290, Q275, Q275A, Q288, Q273, Q279, …). */
  variables: Record<string, CodeList>;
}

type RawChoices = Record<string, string>;

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * The country the codebook is built for (its country-specific code lists come from
 * derived/sgp_specific_codes.json): fills the master questionnaire's placeholders. Benchmarks for
 * other countries re-word these texts with localiseQuestion (src/wvs/localise.ts).
 */
export const COUNTRY: Country = resolveCountry("SGP");

/** Demographic variables whose codes are country-specific (country code × 1000 + n, or national lists). */
export const COUNTRY_SPECIFIC_VARIABLES = ["Q272", "Q275A", "Q289CS9", "Q290"];

function cleanLabel(s: string): string {
  return (
    s
      .replace(/\u00b4/g, "'")
      .trim()
      // "Or about the same" (Q56) reads as a fragment of the interviewer's sentence; drop the "Or".
      .replace(/^Or ([a-z])/, (_, c: string) => c.toUpperCase())
      // Placeholders of the master questionnaire, as the Singapore questionnaire fills them.
      .replace(/\[nationality\]/gi, COUNTRY.nationality)
      .replace(/\[country\]/gi, COUNTRY.name)
      // Q254's parsed master wording ("to be [Nationality]" flattened); the Singapore questionnaire asks this.
      .replace("How proud are you to be of nationality of this country?", `How proud are you to be ${COUNTRY.nationality}?`)
  );
}

function questionNumber(id: string): number {
  return Number(/^Q(\d+)/.exec(id)?.[1] ?? "0");
}

/** Build the codebook object from the folder holding the official files (../shared/wvs-real). */
export function buildCodebook(sourceDir: string): Codebook {
  const paths = {
    core: join(sourceDir, "derived", "wvs7_codebook_v6_core_Q1-Q290.json"),
    meta: join(sourceDir, "worldvaluesbench", "question_metadata.json"),
    adjust: join(sourceDir, "worldvaluesbench", "answer_adjustment.json"),
    sgp: join(sourceDir, "derived", "sgp_specific_codes.json"),
  };
  const read = (p: string): any => {
    try {
      return JSON.parse(readFileSync(p, "utf8"));
    } catch (e) {
      throw new Error(`${p}: cannot read the codebook source (${(e as Error).message})`);
    }
  };
  const core = read(paths.core) as Record<string, { label: string; question: string; choices: RawChoices }>;
  const meta = read(paths.meta) as Record<
    string,
    { question: string; category: string; use_case: string; answer_scale_min: number | ""; answer_scale_max: number | ""; answer_data_type: string }
  >;
  const adjust = read(paths.adjust) as Record<string, Record<string, string>>;
  const sgp = read(paths.sgp) as Record<string, { question: string; codes_observed_in_SGP: Record<string, { label: string }> }>;

  const questions: Record<string, Question> = {};
  const ids = Object.keys(meta)
    .filter((id) => meta[id].use_case === "value")
    .sort((a, b) => questionNumber(a) - questionNumber(b) || a.localeCompare(b));
  for (const id of ids) {
    const m = meta[id];
    const c = core[id];
    if (!c) throw new Error(`${paths.core}: no entry for value item ${id}`);
    const all = Object.entries(c.choices).map(([code, label]) => ({ code: Number(code), label: cleanLabel(label) }));
    const substantive = all.filter((o) => o.code >= 0).sort((a, b) => a.code - b.code);
    const missing = all.filter((o) => o.code < 0).sort((a, b) => b.code - a.code);
    const lo = m.answer_scale_min === "" ? -Infinity : Number(m.answer_scale_min);
    const hi = m.answer_scale_max === "" ? Infinity : Number(m.answer_scale_max);
    const adj = adjust[id] ?? {};
    // Ordinal position of a code: remaps such as Q56 {2→3, 3→2} put "about the same" between better and worse.
    const position = (o: AnswerOption): number => {
      const to = adj[String(o.code)];
      return to !== undefined && to !== "" ? Number(to) : o.code;
    };
    // Off the scale: spontaneous answers (Q241 0 "against democracy"), codes the adjustment file drops
    // (Q254 5 "I am not Singaporean"), and codes whose position lies outside WorldValuesBench's scale ends.
    const onScale = (o: AnswerOption): boolean => !/spontaneous/i.test(o.label) && adj[String(o.code)] !== "" && position(o) >= lo && position(o) <= hi;
    const scale = substantive.filter(onScale).sort((a, b) => position(a) - position(b) || a.code - b.code);
    const offScale = substantive.filter((o) => !onScale(o));
    questions[id] = {
      id,
      label: cleanLabel(c.label),
      text: cleanLabel(c.question),
      prompt: m.question,
      category: CATEGORY_NAMES[m.category] ?? m.category,
      scale,
      offScale,
      missing,
      ordinal: m.answer_data_type === "ordinal",
    };
  }

  const variables: Record<string, CodeList> = {};
  for (const v of ["Q260", "X003R", "X003R2", "Q273", "Q275", "Q275R", "Q279", "Q288", "Q288R", "Q289"]) {
    const c = core[v];
    if (!c) continue;
    variables[v] = {
      question: cleanLabel(c.label),
      codes: Object.entries(c.choices)
        .map(([code, label]) => ({ code: Number(code), label: cleanLabel(label) }))
        .sort((a, b) => a.code - b.code),
    };
  }
  for (const v of COUNTRY_SPECIFIC_VARIABLES) {
    const s = sgp[v];
    if (!s) continue;
    variables[v] = {
      question: s.question,
      codes: Object.entries(s.codes_observed_in_SGP)
        .map(([code, x]) => ({ code: Number(code), label: cleanLabel(x.label) }))
        .sort((a, b) => a.code - b.code),
    };
  }

  return {
    source: {
      files: Object.values(paths).map((p) => ({ path: `wvs-real/${p.slice(sourceDir.length + 1)}`, sha256: sha256(p) })),
      builtBy: `svlab codebook (src/wvs/${basename("codebook-build.ts")})`,
      citation: WVS_CITATION,
    },
    questions,
    variables,
  };
}

/** The shipped file's exact bytes for a codebook. */
export function serialiseCodebook(cb: Codebook): string {
  return `${JSON.stringify(cb, null, 1)}\n`;
}
