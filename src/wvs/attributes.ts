/**
 * Demographic attributes as named, labelled columns derived from WVS codes. Labels for the four
 * persona attributes are the exact strings the paper's released outputs use ("SG: Chinese",
 * "65 and over", "Do not belong to a denomination"), so ids round-trip with theirs.
 */
import type { Codebook } from "./codebook-build";
import type { Country } from "./countries";
import type { AttributeName } from "./types";

export interface AttributeSpec {
  name: AttributeName;
  /** Name in crossed stratum keys and on the command line, when shorter ("age" in "sex_x_age"). */
  short?: string;
  /** Short description for tables and notebook readers. */
  description: string;
  /** WVS column(s) it is read from. */
  columns: string[];
  /** Value labels in display order (code order of the source variable, or the country's customary order). */
  values: (codebook: Codebook, country?: Country) => string[];
  /** Label of one respondent's value, or null when missing (negative code). */
  label: (get: (column: string) => number, codebook: Codebook) => string | null;
}

const AGE_BANDS: [number, string][] = [
  [16, "16-24 years"],
  [25, "25-34 years"],
  [35, "35-44 years"],
  [45, "45-54 years"],
  [55, "55-64 years"],
  [65, "65 and over"],
];

function fromCodes(variable: string, column = variable, relabel: Record<string, string> = {}): Pick<AttributeSpec, "values" | "label"> {
  const lookup = (cb: Codebook): Map<number, string> => {
    const codes = cb.variables[variable]?.codes ?? [];
    return new Map(codes.filter((c) => c.code >= 0).map((c) => [c.code, relabel[c.label] ?? c.label]));
  };
  const memo = new WeakMap<Codebook, Map<number, string>>();
  const get = (cb: Codebook): Map<number, string> => {
    let m = memo.get(cb);
    if (!m) memo.set(cb, (m = lookup(cb)));
    return m;
  };
  return {
    values: (cb) => [...get(cb).values()],
    label: (read, cb) => {
      const code = read(column);
      if (!(code >= 0)) return null;
      return get(cb).get(code) ?? `${variable}=${code}`;
    },
  };
}

export const ATTRIBUTES: Record<AttributeName, AttributeSpec> = {
  sex: { name: "sex", description: "Sex (Q260)", columns: ["Q260"], ...fromCodes("Q260") },
  age_group: {
    name: "age_group",
    short: "age",
    description: "Age group (X003R, 6 bands; from Q262 when X003R is absent)",
    columns: ["X003R", "Q262"],
    values: () => AGE_BANDS.map(([, l]) => l),
    label: (read) => {
      const band = read("X003R");
      if (band >= 1 && band <= 6) return AGE_BANDS[band - 1][1];
      const age = read("Q262");
      if (!(age >= 16)) return null;
      let out: string | null = null;
      for (const [lo, l] of AGE_BANDS) if (age >= lo) out = l;
      return out;
    },
  },
  ethnicity: (() => {
    const base = fromCodes("Q290");
    return {
      name: "ethnicity" as const,
      description: "Ethnic group (Q290, country-specific codes; labelled in the codebook for Singapore)",
      columns: ["Q290"],
      label: base.label,
      // the country's customary order (Singapore: Chinese, Malay, Indian, Others) rather than code order
      values: (cb: Codebook, country?: Country) => {
        const codes = (cb.variables.Q290?.codes ?? []).filter((c) => c.code >= 0);
        const first = country?.codeOrder?.Q290 ?? [];
        const rank = (c: number): number => (first.includes(c) ? first.indexOf(c) : first.length);
        return [...codes].sort((a, b) => rank(a.code) - rank(b.code) || a.code - b.code).map((c) => c.label);
      },
    };
  })(),
  religion: {
    name: "religion",
    description: "Religious denomination (Q289; Taoists are 'Other')",
    columns: ["Q289"],
    ...fromCodes("Q289", "Q289", {
      "Orthodox (Russian/Greek/etc.)": "Orthodox",
      "Other Christian (Evangelical/Pentecostal/Fee church/etc.)": "Other Christian",
    }),
  },
  religion_detailed: {
    name: "religion_detailed",
    description: "Detailed religion (Q289CS9; identifies Taoism / Chinese religion)",
    columns: ["Q289CS9"],
    ...fromCodes("Q289CS9"),
  },
  education: { name: "education", description: "Education, 3 levels (Q275R)", columns: ["Q275R"], ...fromCodes("Q275R") },
  education_isced: { name: "education_isced", description: "Education, ISCED 2011 level (Q275)", columns: ["Q275"], ...fromCodes("Q275") },
  education_sg: {
    name: "education_sg",
    description: "Education, national levels (Q275A; labelled in the codebook for Singapore: PSLE, GCE O/N/A, polytechnic, …)",
    columns: ["Q275A"],
    ...fromCodes("Q275A"),
  },
  income: { name: "income", description: "Income, 3 levels (Q288R)", columns: ["Q288R"], ...fromCodes("Q288R") },
  marital_status: { name: "marital_status", description: "Marital status (Q273)", columns: ["Q273"], ...fromCodes("Q273") },
  employment: { name: "employment", description: "Employment status (Q279)", columns: ["Q279"], ...fromCodes("Q279") },
};

export const ATTRIBUTE_NAMES = Object.keys(ATTRIBUTES) as AttributeName[];

export function getAttribute(name: string): AttributeSpec {
  const a = (ATTRIBUTES as Record<string, AttributeSpec>)[name] ?? Object.values(ATTRIBUTES).find((x) => x.short === name);
  if (!a) {
    const known = ATTRIBUTE_NAMES.map((n) => (ATTRIBUTES[n].short ? `${n} (or ${ATTRIBUTES[n].short})` : n));
    throw new Error(`unknown attribute "${name}": expected one of ${known.join(", ")}`);
  }
  return a;
}

/** The attribute a stratum key part names: "age" → age_group; unknown parts are kept as they are. */
export function attributeFromKey(part: string): string {
  if (part in ATTRIBUTES) return part;
  return Object.values(ATTRIBUTES).find((x) => x.short === part)?.name ?? part;
}

/** The name an attribute goes by in crossed stratum keys: "age" for age_group, else its name. */
export function attributeKey(name: string): string {
  return (ATTRIBUTES as Record<string, AttributeSpec>)[name]?.short ?? name;
}
