/**
 * Subgroup ids. svlab's own: "age_x_religion:65 and over|Muslim". The paper's released outputs use
 * OpenAI Batch custom_ids shaped "{QID}_{stratum}_{values joined by _}" with spaces → "-", e.g.
 * "Q1_sex_x_age_Female_16-24-years"; both directions are provided so results can be compared.
 */
export function subgroupId(stratum: string, values: string[]): string {
  return `${stratum}:${values.join("|")}`;
}

export function parseSubgroupId(id: string): { stratum: string; values: string[] } {
  const i = id.indexOf(":");
  if (i <= 0) throw new Error(`bad subgroup id "${id}": expected "<stratum>:<value>[|<value>]", e.g. "sex_x_age:Female|16-24 years"`);
  return { stratum: id.slice(0, i), values: id.slice(i + 1).split("|") };
}

/** The paper's custom_id for a (question, subgroup). */
export function paperCustomId(question: string, subgroup: string): string {
  const { stratum, values } = parseSubgroupId(subgroup);
  return [question, stratum, ...values.map((v) => v.replace(/ /g, "-"))].join("_");
}

/**
 * Read a paper custom_id back into (question, subgroup id), given the known subgroup ids
 * (the mapping is not invertible without them: values may contain "_" or "-").
 */
export function fromPaperCustomId(customId: string, knownSubgroups: Iterable<string>): { question: string; subgroup: string } | null {
  const byPaperSuffix = new Map<string, string>();
  for (const s of knownSubgroups) byPaperSuffix.set(paperCustomId("X", s).slice(2), s);
  const m = /^(Q\d+[A-Z]?)_(.+)$/.exec(customId);
  if (!m) return null;
  const subgroup = byPaperSuffix.get(m[2]);
  return subgroup ? { question: m[1], subgroup } : null;
}
