/**
 * Compositional persona text: one phrase per attribute the subgroup defines, nothing else.
 * "sex:Female" → "a woman living in Singapore"; "age_x_religion:65 and over|Muslim" →
 * "a person living in Singapore, aged 65 or over and Muslim". The country is the subgroup's (set
 * from the benchmark's preset). Unknown attributes/values get a plain "<attribute>: <value>"
 * phrase instead of failing, so other presets still render.
 */
import type { Subgroup } from "../benchmark/types";
import { COUNTRY } from "../wvs/codebook-build";

/** Where a persona lives when its subgroup names no country: the codebook's (tan2026's) country. */
export const PERSONA_COUNTRY = COUNTRY.name;

/** The persona's subgroup: its attributes and, from the benchmark, the country it lives in. */
export type PersonaSubgroup = Pick<Subgroup, "attributes"> & { country?: string };

function countryOf(subgroup: PersonaSubgroup): string {
  return subgroup.country ?? PERSONA_COUNTRY;
}

/** No attributes, the subgroup's country kept: the no-persona control's "a person living in <country>". */
export function anyone(subgroup: PersonaSubgroup): PersonaSubgroup {
  return subgroup.country === undefined ? { attributes: {} } : { attributes: {}, country: subgroup.country };
}

const SEX_NOUN: Record<string, string> = { Female: "woman", Male: "man" };
const SEX_FIRST_PERSON: Record<string, string> = { Female: "I am a woman.", Male: "I am a man." };

/** Ethnicity as an adjective before the noun ("a Malay woman"). */
const ETHNICITY_ADJ: Record<string, string> = {
  "SG: Chinese": "Chinese",
  "SG: Malay": "Malay",
  "SG: South Asian Indian, Pakistan, etc.": "South Asian (Indian, Pakistani, etc.)",
};

/** Religion as a predicate ("…, Muslim"); the two non-denominational values need a clause. */
const RELIGION_PRED: Record<string, string> = {
  Buddhist: "Buddhist",
  Hindu: "Hindu",
  Muslim: "Muslim",
  Protestant: "Protestant",
  "Roman Catholic": "Roman Catholic",
  Other: "of a religion other than Buddhism, Christianity, Hinduism or Islam",
  "Do not belong to a denomination": "not belonging to any religious denomination",
};
const RELIGION_FIRST_PERSON: Record<string, string> = {
  Other: "I follow a religion other than Buddhism, Christianity, Hinduism or Islam.",
  "Do not belong to a denomination": "I do not belong to any religious denomination.",
};

/**
 * Wording for the other attributes svlab derives (codebook labels → a predicate after the noun and
 * a first-person sentence), so `--attributes sex,age,education,…` personas read as prose.
 */
const MORE_WORDING: Record<string, Record<string, [predicate: string, firstPerson: string]>> = {
  education: {
    Lower: ["with a lower level of education", "I have a lower level of education."],
    Middle: ["with a middle level of education", "I have a middle level of education."],
    Higher: ["with a higher level of education", "I have a higher level of education."],
  },
  income: {
    Low: ["in a low-income household", "My household's income is low."],
    Medium: ["in a medium-income household", "My household's income is medium."],
    High: ["in a high-income household", "My household's income is high."],
  },
  marital_status: {
    Married: ["married", "I am married."],
    "Living together as married": ["living with a partner", "I live with a partner."],
    Divorced: ["divorced", "I am divorced."],
    Separated: ["separated", "I am separated."],
    Widowed: ["widowed", "I am widowed."],
    Single: ["single", "I am single."],
  },
  employment: {
    "Full time (30 hours a week or more)": ["working full time", "I work full time."],
    "Part time (less than 30 hours a week)": ["working part time", "I work part time."],
    "Self employed": ["self-employed", "I am self-employed."],
    "Retired/pensioned": ["retired", "I am retired."],
    "Housewife not otherwise employed": ["a homemaker", "I am a homemaker."],
    Student: ["a student", "I am a student."],
    Unemployed: ["unemployed", "I am unemployed."],
  },
};

/** "16-24 years" → "aged 16 to 24"; "65 and over" → "aged 65 or over". */
export function agePhrase(value: string): string {
  let m = /^(\d+)\s*-\s*(\d+)(\s*years)?$/.exec(value.trim());
  if (m) return `aged ${m[1]} to ${m[2]}`;
  m = /^(\d+)\s*(and|or)\s*(over|older|above)$/.exec(value.trim());
  if (m) return `aged ${m[1]} or over`;
  return `of age group ${value}`;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

/** A code shown as "<variable>=<code>": the codebook has no label for it (another country's ethnic groups). */
const UNLABELLED = /^[A-Z][A-Z0-9_]*=-?\d+$/;

/** The WVS country-specific labels start with the country's two-letter prefix ("SG: Malay"). */
function ethnicityAdj(value: string): string {
  return ETHNICITY_ADJ[value] ?? value.replace(/^[A-Z]{2}:\s*/, "");
}

function genericPhrase(attr: string, value: string): string {
  return `with ${attr.replace(/_/g, " ")} "${value}"`;
}

/** The parts of a persona, split so templates can place them differently. */
export interface PersonaParts {
  /** Noun phrase with article, e.g. "a Malay woman". */
  nounPhrase: string;
  /** Predicates after "living in <country>", e.g. ["aged 65 or over", "Muslim"]. */
  predicates: string[];
}

export function personaParts(subgroup: PersonaSubgroup): PersonaParts {
  const a = subgroup.attributes;
  const adjectives: string[] = [];
  const predicates: string[] = [];
  let noun = "person";
  for (const [attr, value] of Object.entries(a)) {
    switch (attr) {
      case "sex":
        noun = SEX_NOUN[value] ?? noun;
        if (!SEX_NOUN[value]) predicates.push(genericPhrase(attr, value));
        break;
      case "ethnicity":
        // a country-specific code the codebook has no label for ("Q290=840001") is no adjective
        if (UNLABELLED.test(value)) predicates.push(genericPhrase(attr, value));
        else adjectives.push(ethnicityAdj(value));
        break;
      case "age_group":
        predicates.push(agePhrase(value));
        break;
      case "religion":
        predicates.push(RELIGION_PRED[value] ?? value);
        break;
      default:
        predicates.push(MORE_WORDING[attr]?.[value]?.[0] ?? genericPhrase(attr, value));
    }
  }
  // fixed predicate order (age before religion) whatever the stratum's attribute order is
  predicates.sort((x, y) => rank(x) - rank(y));
  const head = [...adjectives, noun].join(" ");
  return { nounPhrase: `${article(head)} ${head}`, predicates };
}

function rank(pred: string): number {
  if (pred.startsWith("aged ") || pred.startsWith("of age group")) return 0;
  if (pred.startsWith("with ")) return 2;
  return 1;
}

/**
 * The persona as one noun phrase: "a Malay woman living in Singapore",
 * "a person living in Singapore, aged 65 or over and Muslim".
 */
export function personaDescription(subgroup: PersonaSubgroup): string {
  const { nounPhrase, predicates } = personaParts(subgroup);
  const base = `${nounPhrase} living in ${countryOf(subgroup)}`;
  return predicates.length ? `${base}, ${joinAnd(predicates)}` : base;
}

/** A first-person biography, one sentence per attribute: "I live in Singapore. I am a woman. I am aged 65 or over." */
export function firstPersonBio(subgroup: PersonaSubgroup): string {
  const sentences = [`I live in ${countryOf(subgroup)}.`];
  const a = subgroup.attributes;
  // fixed attribute order so the same subgroup always gives the same bio
  const order = ["sex", "age_group", "ethnicity", "religion"];
  const keys = [...order.filter((k) => k in a), ...Object.keys(a).filter((k) => !order.includes(k))];
  for (const attr of keys) {
    const value = a[attr];
    switch (attr) {
      case "sex":
        sentences.push(SEX_FIRST_PERSON[value] ?? `My sex is ${value}.`);
        break;
      case "age_group":
        sentences.push(`I am ${agePhrase(value)}.`);
        break;
      case "ethnicity":
        sentences.push(`I am ${ethnicityAdj(value)}.`);
        break;
      case "religion":
        sentences.push(RELIGION_FIRST_PERSON[value] ?? `I am ${RELIGION_PRED[value] ?? value}.`);
        break;
      default:
        sentences.push(MORE_WORDING[attr]?.[value]?.[1] ?? `My ${attr.replace(/_/g, " ")} is ${value}.`);
    }
  }
  return sentences.join(" ");
}

function joinAnd(xs: string[]): string {
  if (xs.length <= 1) return xs.join("");
  return `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;
}
