/**
 * Synthetic WVS-7 files in the real files' shapes, for tests and benchmarks. Every value is random
 * (seeded); no real respondent's answers are in here. Column names follow the cross-national v6.0
 * header: technical columns, then the codebook's value items and the demographic variables.
 */
import { createWriteStream, writeFileSync } from "node:fs";
import { seededRandom } from "../../src/metrics/stats";
import { loadCodebook } from "../../src/wvs/codebook";

/** Deterministic PRNG (the metrics' seeded mulberry32). */
export const rng = seededRandom;

const TECH = ["version", "doi", "A_WAVE", "A_YEAR", "A_STUDY", "B_COUNTRY", "B_COUNTRY_ALPHA", "D_INTERVIEW", "W_WEIGHT"];
const DEMO: Record<string, number[]> = {
  Q260: [1, 2],
  X003R: [1, 2, 3, 4, 5, 6],
  Q262: [21, 30, 40, 50, 60, 70],
  Q289: [0, 1, 2, 5, 6, 7, 9],
  Q289CS9: [70000000, 100000020, 20000000, 50000000, 90101000],
  Q290: [702004, 702006, 702003],
  Q273: [1, 6],
  Q275: [0, 1, 2, 3, 4, 5, 6, 7, 8],
  Q275A: [702001, 702003, 702005, 702008, 702009, 702013, 702014],
  Q275R: [1, 2, 3],
  Q279: [1, 4],
  Q288R: [1, 2, 3],
};

export interface SyntheticOptions {
  rows: number;
  /** Share of rows that are Singapore (B_COUNTRY 702); the rest get other country codes. */
  singaporeShare?: number;
  seed?: number;
  /** Pad with filler columns up to this many (the real cross-national file has 613). */
  columns?: number;
  delimiter?: "," | ";";
  /** Write numbers as floats ("1.0"), as the single-country file does. */
  floats?: boolean;
}

export function syntheticHeader(columns = 613): string[] {
  const questions = Object.keys(loadCodebook().questions);
  const base = [...TECH, ...questions, ...Object.keys(DEMO)];
  const filler: string[] = [];
  for (let i = 0; base.length + filler.length < columns; i++) filler.push(`Y${String(i).padStart(3, "0")}`);
  return [...base, ...filler];
}

/** Write a synthetic file; returns its header. Streams, so 90,000 × 613 stays small in memory. */
export async function writeSyntheticWvs(path: string, opts: SyntheticOptions): Promise<string[]> {
  const header = syntheticHeader(opts.columns);
  const cb = loadCodebook();
  const r = rng(opts.seed ?? 1);
  const d = opts.delimiter ?? ",";
  const num = (x: number): string => (opts.floats ? (Number.isInteger(x) ? `${x}.0` : String(x)) : String(x));
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const countries = [32, 76, 156, 276, 392, 410, 458, 608, 764, 840];
  const out = createWriteStream(path);
  const write = (s: string): Promise<void> => new Promise((res) => (out.write(s) ? res() : out.once("drain", () => res())));
  await write(`\uFEFF${header.join(d)}\n`);
  const codeSets = header.map((h) => {
    const q = cb.questions[h];
    if (q) return [...q.scale, ...q.offScale].map((o) => o.code).concat([-1, -2]);
    return DEMO[h] ?? null;
  });
  for (let i = 0; i < opts.rows; i++) {
    const sg = r() < (opts.singaporeShare ?? 1);
    const cells = header.map((h, k) => {
      switch (h) {
        case "version":
          return "6-0-0 (2024-04-30)";
        case "doi":
          return "doi.org/10.14281/18241.24";
        case "A_WAVE":
          return num(7);
        case "A_YEAR":
          return num(2020);
        case "A_STUDY":
          return num(2);
        case "B_COUNTRY":
          return num(sg ? 702 : pick(countries));
        case "B_COUNTRY_ALPHA":
          return sg ? "SGP" : "XXX";
        case "D_INTERVIEW":
          return num(900000000 + i);
        case "W_WEIGHT":
          return num(Math.round((0.5 + r()) * 1000) / 1000);
      }
      const set = codeSets[k];
      if (set) return num(r() < 0.03 ? set[set.length - 1] : pick(set.slice(0, Math.max(1, set.length - 2))));
      return num(Math.floor(r() * 5));
    });
    await write(`${cells.join(d)}\n`);
  }
  await new Promise<void>((res) => out.end(() => res()));
  return header;
}

/** A small synthetic file written synchronously (for bad-input tests that then mangle it). */
export function smallSyntheticText(rows = 50, seed = 7): string {
  const header = syntheticHeader(0);
  const cb = loadCodebook();
  const r = rng(seed);
  const lines = [header.join(",")];
  for (let i = 0; i < rows; i++) {
    lines.push(
      header
        .map((h) => {
          if (h === "version") return "6-0-0 (2024-04-30)";
          if (h === "doi") return "doi.org/10.14281/18241.24";
          if (h === "B_COUNTRY") return "702";
          if (h === "B_COUNTRY_ALPHA") return "SGP";
          if (h === "D_INTERVIEW") return String(900000000 + i);
          if (h === "W_WEIGHT") return "1";
          const q = cb.questions[h];
          const set = q ? q.scale.map((o) => o.code) : DEMO[h];
          return set ? String(set[Math.floor(r() * set.length)]) : "0";
        })
        .join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

export function writeText(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}

/** A block of identical-demography respondents in a synthetic cross-national file. */
export interface SyntheticCell {
  /** Q260 (1 male, 2 female), X003R band (1 = 16-24 … 6 = 65 and over), Q289 denomination. */
  sex: number;
  ageBand: number;
  religion: number;
  /** Q290, a country-specific code (country × 1000 + n); default country × 1000 + 1. */
  ethnicity?: number;
  n: number;
  /** Questions these respondents answer "don't know" (-1). */
  missing?: string[];
}

/** One country of a synthetic cross-national file: its codes, its respondents, the questions it was not asked. */
export interface SyntheticCountry {
  code: number;
  alpha3: string;
  cells: SyntheticCell[];
  /** Questions coded -4 ("not asked in the country") for every respondent. */
  notAsked?: string[];
}

/**
 * A cross-national file of several countries whose demography is fixed cell by cell, so the
 * benchmark rules give exact counts; answers are random (seeded) scale codes.
 */
export function crossNationalText(countries: SyntheticCountry[], seed = 11): string {
  const header = syntheticHeader(0);
  const cb = loadCodebook();
  const r = rng(seed);
  const ages = [20, 30, 40, 50, 60, 70];
  const lines = [header.join(",")];
  let id = 0;
  for (const c of countries) {
    for (const cell of c.cells) {
      for (let k = 0; k < cell.n; k++) {
        const row = header.map((h) => {
          switch (h) {
            case "version":
              return "6-0-0 (2024-04-30)";
            case "doi":
              return "doi.org/10.14281/18241.24";
            case "B_COUNTRY":
              return String(c.code);
            case "B_COUNTRY_ALPHA":
              return c.alpha3;
            case "D_INTERVIEW":
              return String(c.code * 1_000_000 + ++id);
            case "W_WEIGHT":
              return "1";
            case "Q260":
              return String(cell.sex);
            case "X003R":
              return String(cell.ageBand);
            case "Q262":
              return String(ages[cell.ageBand - 1]);
            case "Q289":
              return String(cell.religion);
            case "Q290":
              return String(cell.ethnicity ?? c.code * 1000 + 1);
          }
          const q = cb.questions[h];
          if (q) {
            if (c.notAsked?.includes(h)) return "-4";
            if (cell.missing?.includes(h)) return "-1";
            return String(q.scale[Math.floor(r() * q.scale.length)].code);
          }
          // other demographic columns: the first code of the synthetic set, or 0
          return String(DEMO[h]?.[0] ?? 0);
        });
        lines.push(row.join(","));
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
