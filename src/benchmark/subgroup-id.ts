/**
 * Subgroup ids, the one place they are made and read. svlab's own: "age_x_religion:65 and
 * over|Muslim" (stratum key, ":", values joined by "|"; crossed keys use short attribute names,
 * "age" for age_group). Two readers: `parseSubgroupId` is strict (throws on a malformed id) and
 * `parseSubgroupIdLenient` never throws (best-effort metadata for ids from outside files and
 * scores). The paper's released outputs use OpenAI Batch custom_ids shaped
 * "{QID}_{stratum}_{values joined by _}" with spaces → "-", e.g. "Q1_sex_x_age_Female_16-24-years";
 * both directions are provided so results can be compared.
 */
import { attributeFromKey } from "../wvs/attributes";
import type { Subgroup } from "./types";

export function subgroupId(stratum: string, values: string[]): string {
  return `${stratum}:${values.join("|")}`;
}

/** Attribute names of a stratum key: "age_x_religion" → ["age_group", "religion"]. */
export function stratumAttributes(stratum: string): string[] {
  return stratum.split("_x_").map(attributeFromKey);
}

/**
 * Strict: "<stratum>:<value>[|<value>]" with a non-empty stratum and values, else an error saying
 * what was expected. `attributes` pairs the stratum's attribute names with the values when they
 * are as many (a custom stratum key need not name its attributes).
 */
export function parseSubgroupId(id: string): { stratum: string; values: string[]; attributes: Record<string, string> } {
  const i = typeof id === "string" ? id.indexOf(":") : -1;
  const values = i > 0 ? id.slice(i + 1).split("|") : [];
  if (i <= 0 || values.some((v) => v === "")) {
    throw new Error(`bad subgroup id "${id}": expected "<stratum>:<value>[|<value>]", e.g. "sex_x_age:Female|16-24 years"`);
  }
  const stratum = id.slice(0, i);
  return { stratum, values, attributes: pairUp(stratum, values) };
}

/** Lenient: never throws; an id without ":" is its own stratum with no attributes. */
export function parseSubgroupIdLenient(id: string): Pick<Subgroup, "id" | "stratum" | "attributes"> {
  const i = id.indexOf(":");
  if (i < 0) return { id, stratum: id, attributes: {} };
  const stratum = id.slice(0, i);
  return { id, stratum, attributes: pairUp(stratum, id.slice(i + 1).split("|")) };
}

function pairUp(stratum: string, values: string[]): Record<string, string> {
  const names = stratumAttributes(stratum);
  const attributes: Record<string, string> = {};
  if (names.length === values.length) names.forEach((n, k) => (attributes[n] = values[k]));
  return attributes;
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
