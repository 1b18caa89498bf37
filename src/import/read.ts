/**
 * Rows from a file of model outputs: JSON Lines (.jsonl, .ndjson; also a .json array), CSV (.csv,
 * .tsv) and Parquet (.parquet, read with hyparquet: pure JS, no native code; snappy-compressed
 * files — pyarrow's and Hugging Face's default — and uncompressed ones).
 */
import { createHash } from "node:crypto";
import * as zlib from "node:zlib";
import { readFileSync } from "node:fs";
import { extname } from "node:path";

export type FileKind = "jsonl" | "csv" | "parquet";

export type Row = Record<string, unknown>;

/** The file's kind from its extension, else from its first bytes ("PAR1" is Parquet; "{" or "[" JSON). */
export function fileKind(path: string, bytes?: Buffer): FileKind {
  const ext = extname(path).toLowerCase();
  if (ext === ".parquet" || ext === ".pq") return "parquet";
  if (ext === ".csv" || ext === ".tsv") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson" || ext === ".json") return "jsonl";
  const b = bytes ?? readFileSync(path);
  if (b.subarray(0, 4).toString("latin1") === "PAR1") return "parquet";
  const first = b.subarray(0, 64).toString("utf8").trimStart()[0];
  return first === "{" || first === "[" ? "jsonl" : "csv";
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** JSON Lines (a blank line is skipped; a bad line is an error naming it), or one JSON array of rows. */
export function parseJsonRows(text: string, file: string): Row[] {
  return [...jsonRows(text, file)];
}

/**
 * The same, one row at a time: an import keeps only what it needs of each row, so the parsed lines
 * die young (a 20,877-line Batch output file parsed whole spent most of its time in the collector).
 */
export function* jsonRows(text: string, file: string): Generator<Row> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("[")) {
    const v = JSON.parse(trimmed) as unknown;
    if (!Array.isArray(v)) throw new Error(`${file}: expected a JSON array of rows`);
    for (const r of v as Row[]) yield r;
    return;
  }
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    line++;
    const s = text.slice(start, end);
    if (s.trim()) {
      let row: Row;
      try {
        row = JSON.parse(s) as Row;
      } catch (err) {
        throw new Error(`${file}:${line}: not a JSON line (${(err as Error).message})`);
      }
      yield row;
    }
    start = end + 1;
  }
}

/** RFC 4180 CSV (quoted fields, "" inside quotes, newlines inside quotes; CRLF or LF); the first row names the columns. */
export function parseCsv(text: string, delimiter = ","): Row[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"' && field === "") {
      // quoted field
      i++;
      let buf = "";
      for (;;) {
        const j = text.indexOf('"', i);
        if (j < 0) throw new Error("CSV: a quoted field is never closed");
        buf += text.slice(i, j);
        if (text[j + 1] === '"') {
          buf += '"';
          i = j + 2;
        } else {
          i = j + 1;
          break;
        }
      }
      field = buf;
      continue;
    }
    if (c === delimiter) {
      record.push(field);
      field = "";
      i++;
    } else if (c === "\n" || c === "\r") {
      record.push(field);
      field = "";
      records.push(record);
      record = [];
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else {
      // a run of plain characters
      let j = i;
      while (j < n && text[j] !== delimiter && text[j] !== "\n" && text[j] !== "\r") j++;
      field += text.slice(i, j);
      i = j;
    }
  }
  if (field !== "" || record.length) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === ""));
  if (!nonEmpty.length) return [];
  const header = nonEmpty[0].map((h) => h.trim());
  return nonEmpty.slice(1).map((r) => {
    const o: Row = {};
    header.forEach((h, k) => (o[h] = r[k] ?? ""));
    return o;
  });
}

type Hyparquet = typeof import("hyparquet");
// hyparquet is an ES module; a dynamic import hidden from tslab's CommonJS rewrite (see environment.md)
const importEsm = new Function("s", "return import(s)") as (s: string) => Promise<Hyparquet>;

/**
 * Page codecs beyond hyparquet's own (uncompressed, snappy), from node:zlib: GZIP and BROTLI, and
 * ZSTD where this Node has it (22.15+; not Node 20 — such a file is refused naming the codec).
 */
function zlibCompressors(): Record<string, (input: Uint8Array, outputLength: number) => Uint8Array> {
  const z = zlib as unknown as Record<string, ((b: Uint8Array) => Buffer) | undefined>;
  const out: Record<string, (input: Uint8Array, outputLength: number) => Uint8Array> = {
    GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
    BROTLI: (input) => new Uint8Array(zlib.brotliDecompressSync(input)),
  };
  const zstd = z.zstdDecompressSync;
  if (typeof zstd === "function") out.ZSTD = (input) => new Uint8Array(zstd(input));
  return out;
}

/** Every row of a Parquet file as an object (BigInt values made numbers when they fit). */
export async function readParquetRows(bytes: Buffer): Promise<Row[]> {
  const { parquetReadObjects } = await importEsm("hyparquet");
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = (await parquetReadObjects({ file: ab, compressors: zlibCompressors() })) as Row[];
  for (const r of rows) for (const k in r) if (typeof r[k] === "bigint") r[k] = Number(r[k]);
  return rows;
}

/** Read a file's rows, with its kind and sha256. */
export async function readRows(path: string, kind?: FileKind): Promise<{ rows: Row[]; kind: FileKind; sha256: string; bytes: number }> {
  const r = await streamRows(path, kind);
  return { ...r, rows: [...r.rows] };
}

/** A file's rows as an iterable (JSON Lines parsed as they are consumed), with its kind and sha256. */
export async function streamRows(path: string, kind?: FileKind): Promise<{ rows: Iterable<Row>; kind: FileKind; sha256: string; bytes: number }> {
  const bytes = readFileSync(path);
  const k = kind ?? fileKind(path, bytes);
  let rows: Iterable<Row>;
  if (k === "parquet") {
    try {
      rows = await readParquetRows(bytes);
    } catch (err) {
      const msg = (err as Error).message;
      const hint = /unsupported compression codec: (\w+)/.exec(msg);
      throw new Error(
        hint
          ? `${path}: its pages are ${hint[1]}-compressed, which this Node cannot decompress; rewrite it with snappy (pyarrow: pq.write_table(pq.read_table(f), out, compression="snappy")) or export JSONL/CSV`
          : `${path}: not a Parquet file svlab can read (${msg})`,
      );
    }
  } else if (k === "csv") rows = parseCsv(bytes.toString("utf8"), extname(path).toLowerCase() === ".tsv" ? "\t" : ",");
  else rows = jsonRows(bytes.toString("utf8"), path);
  return { rows, kind: k, sha256: sha256(bytes), bytes: bytes.length };
}
