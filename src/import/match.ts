/**
 * Mapping outside rows onto benchmark pairs, leniently. A row names its pair in one of these ways:
 *
 *  - the authors' custom_id (Tan et al.'s released outputs, OpenAI Batch files):
 *    `{QID}_{stratum}_{values joined by "_"}`, spaces → "-", e.g. "Q1_sex_x_age_Female_16-24-years";
 *    svlab's own batch ids add `__{templateId}` and `__s{sample}` (src/runner/batch.ts), read back here;
 *  - a question column plus a subgroup column holding svlab's id ("age_x_religion:65 and over|Muslim")
 *    or the authors' subgroup part ("age_x_religion_65-and-over_Muslim").
 *
 * Lenient: case does not matter; spaces and "-" are the same; the age attribute may be called "age"
 * or "age_group"; a two-attribute stratum may name its attributes in either order (the values then
 * follow that order): "religion_x_age_Muslim_65-and-over" is "age_x_religion:65 and over|Muslim".
 */
import { subgroupId } from "../benchmark/subgroup-id";
import type { Benchmark, Pair, Subgroup } from "../benchmark/types";

/** Other names an attribute goes by in outside files. */
const ATTRIBUTE_ALIASES: Record<string, string[]> = {
  age_group: ["age_group", "age", "agegroup", "age-group"],
  sex: ["sex", "gender"],
  ethnicity: ["ethnicity", "ethnic_group", "race"],
  religion: ["religion", "denomination"],
};

/** Spaces and "-" alike, lower case, trimmed. */
export function normaliseToken(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "-");
}

function aliases(attribute: string): string[] {
  return ATTRIBUTE_ALIASES[attribute] ?? [attribute];
}

/** Every way a subgroup may be written, each as [stratum variant, values in that variant's order]. */
function spellings(s: Subgroup): Array<[string, string[]]> {
  const attrs = Object.keys(s.attributes);
  const values = attrs.map((a) => s.attributes[a]);
  const out: Array<[string, string[]]> = [[s.stratum, values]];
  if (attrs.length === 1) {
    for (const a of aliases(attrs[0])) out.push([a, values]);
  } else if (attrs.length === 2) {
    const [a, b] = attrs;
    for (const x of aliases(a))
      for (const y of aliases(b)) {
        out.push([`${x}_x_${y}`, [values[0], values[1]]]);
        out.push([`${y}_x_${x}`, [values[1], values[0]]]);
      }
    // the stratum key itself with the values reversed ("sex_x_age" naming age first is not expected, but cheap)
  } else {
    out.push([attrs.join("_x_"), values]);
  }
  return out;
}

export interface PairMatch {
  question: string;
  subgroup: string;
  pair: Pair;
  /** From an svlab batch custom_id suffix ("__system-persona"), when present. */
  templateId?: string;
  /** From an svlab batch custom_id suffix ("__s2"), when present. */
  sample?: number;
}

/** Why a row did not match, for the first few unmatched rows listed. */
export interface NoMatch {
  reason: string;
}

export class PairMatcher {
  /** normalised subgroup spelling (authors' suffix or svlab id) → subgroup id */
  private readonly bySpelling = new Map<string, string>();
  /** upper-case question id → question id */
  private readonly questions = new Map<string, string>();
  /** subgroup id → question id → pair (two lookups, no key string built per row) */
  private readonly pairs = new Map<string, Map<string, Pair>>();
  readonly subgroupIds: Set<string>;

  constructor(readonly benchmark: Benchmark) {
    for (const q of benchmark.questions) this.questions.set(q.id.toUpperCase(), q.id);
    for (const p of benchmark.pairs) {
      let byQ = this.pairs.get(p.subgroup);
      if (!byQ) this.pairs.set(p.subgroup, (byQ = new Map()));
      byQ.set(p.question, p);
    }
    this.subgroupIds = new Set(benchmark.subgroups.map((s) => s.id));
    for (const s of benchmark.subgroups) {
      for (const [stratum, values] of spellings(s)) {
        this.bySpelling.set(normaliseToken([stratum, ...values].join("_")), s.id);
        this.bySpelling.set(normaliseToken(subgroupId(stratum, values)), s.id);
      }
    }
  }

  /** Spellings met so far → subgroup id (or null): a file repeats each subgroup once per question. */
  private readonly seen = new Map<string, string | null>();

  /** A subgroup written any accepted way → svlab's subgroup id, or null. */
  subgroup(written: string): string | null {
    const hit = this.seen.get(written);
    if (hit !== undefined) return hit;
    const id = this.subgroupIds.has(written) ? written : (this.bySpelling.get(normaliseToken(written)) ?? null);
    this.seen.set(written, id);
    return id;
  }

  question(written: string): string | null {
    return this.questions.get(written) ?? this.questions.get(written.trim().toUpperCase()) ?? null;
  }

  /** (question, subgroup) as written → the benchmark pair, or why not. */
  pair(questionWritten: string, subgroupWritten: string): PairMatch | NoMatch {
    const question = this.question(questionWritten);
    if (!question) return { reason: `unknown question "${questionWritten}"` };
    const subgroup = this.subgroup(subgroupWritten);
    if (!subgroup) return { reason: `unknown subgroup "${subgroupWritten}"` };
    const pair = this.pairs.get(subgroup)?.get(question);
    if (!pair) return { reason: `(${question}, ${subgroup}) is not a benchmark pair (fewer than the minimum valid answers)` };
    return { question, subgroup, pair };
  }

  /** A custom_id (the authors' shape, or svlab's batch id with its __template / __sN suffixes) → pair. */
  customId(id: string): PairMatch | NoMatch {
    const text = typeof id === "string" ? id : String(id);
    let head = text;
    let sample: number | undefined;
    let templateId: string | undefined;
    if (text.includes("__")) {
      const parts = text.split("__");
      if (parts.length > 1 && /^s\d+$/.test(parts[parts.length - 1])) sample = Number(parts.pop()!.slice(1));
      if (parts.length > 1) templateId = parts.slice(1).join("__");
      head = parts[0];
    }
    const m = /^\s*(Q\d+[A-Z]?)_(.+)$/i.exec(head);
    if (!m) return { reason: `custom_id "${id}" is not shaped {QID}_{stratum}_{values}` };
    const r = this.pair(m[1], m[2]);
    if ("reason" in r) return r;
    if (templateId !== undefined) r.templateId = templateId;
    if (sample !== undefined) r.sample = sample;
    return r;
  }
}
