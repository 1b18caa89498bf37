/** WVS data as dataframes in two lines: `const df = await wvsFrame();` (danfojs) or `wvsTable()` (arquero). */
import { findWvsFile } from "../paths";
import dfd, { type DataFrame } from "./danfo";
import { loadRespondents, type Respondents, type Table } from "./respondents";
import { ATTRIBUTES } from "./attributes";

export interface FrameOptions {
  /** WVS file (default: WVS_CSV or ../shared/wvs-real). */
  file?: string;
  /** Columns to keep (default: id, weight, the persona attributes and every value question). */
  columns?: string[];
}

let last: { file?: string; resp: Promise<Respondents> } | null = null;

function respondents(file?: string): Promise<Respondents> {
  const path = file ?? findWvsFile() ?? undefined;
  if (!last || last.file !== path) {
    const entry = { file: path, resp: loadRespondents(path) };
    // A failed load is not kept: fixing the file (or WVS_CSV) and calling again works.
    entry.resp.catch(() => {
      if (last === entry) last = null;
    });
    last = entry;
  }
  return last.resp;
}

/** The respondents as an arquero table (typed columns, labelled attributes). */
export async function wvsTable(opts: FrameOptions = {}): Promise<Table> {
  const r = await respondents(opts.file);
  return opts.columns ? r.table.select(...opts.columns) : r.table;
}

/** The respondents as a danfojs DataFrame. */
export async function wvsFrame(opts: FrameOptions = {}): Promise<DataFrame> {
  return toDanfo(await wvsTable(opts));
}

/** Any arquero table → danfojs DataFrame. */
export function toDanfo(table: Table): DataFrame {
  const cols: Record<string, unknown[]> = {};
  for (const name of table.columnNames()) cols[name] = Array.from(table.array(name) as ArrayLike<unknown>);
  return new dfd.DataFrame(cols);
}

/** Attribute columns with their descriptions, for a notebook's "what is in here" cell. */
export function describeAttributes(r: Respondents): { attribute: string; description: string; values: number }[] {
  return r.attributes.map((a) => ({
    attribute: a,
    description: ATTRIBUTES[a].description,
    values: new Set(r.table.array(a) as ArrayLike<unknown> as unknown as unknown[]).size,
  }));
}

/** A DataFrame's columns for a "what is in here" table: name, danfojs dtype, distinct values (no rows shown). */
export function describeFrame(df: DataFrame): { column: string; dtype: string; distinct: number }[] {
  return df.columns.map((c: string, i: number) => ({
    column: c,
    dtype: String(df.dtypes[i]),
    distinct: new Set(df.column(c).values as unknown[]).size,
  }));
}
