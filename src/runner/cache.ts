/**
 * A content-addressed answer cache on disk.
 *
 * Key: sha256 over a canonical JSON of (provider id, model, endpoint when not the default, every
 * generation parameter, the full messages, sample index, seed). API keys are never part of the key or
 * of anything written (providers never put them in answers, base URLs with credentials are refused;
 * `put` also drops metadata fields whose names look like credentials).
 *
 * Values: the answer as the provider gave it, raw text included. The runner re-parses cached text on
 * read (engine.reparseCached), so the text is authoritative and parser fixes reach old entries.
 *
 * Layout: <dir>/answers/seg-<time>-<pid>-<rand>.jsonl, append-only. Each process appends to its own new
 * segment, one line per answer, written by `put` at once (one small write() per answer), so a process
 * killed with SIGKILL loses only in-flight requests (the kernel keeps what was written). Lines are
 * fdatasync'ed at most once a second and on close: that bounds loss on a power cut, and keeps the
 * write path fast. A torn last line (power cut mid-write) is ignored on load. Errors are never cached.
 *
 * Loading reads every segment and indexes lines by the key at a fixed offset without parsing the JSON
 * (answers are parsed on first `get`), so opening a cache with 10k+ entries takes milliseconds.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join, resolve } from "node:path";
import type { Answer, ChatMessage, GenerateOptions } from "../models/types";
import { redact } from "../models/secrets";

export const CACHE_KEY_VERSION = 1;
const LINE_PREFIX = '{"k":"';
const KEY_LEN = 64;

/** The cache folder: SVLAB_CACHE or ./.cache/svlab. */
export function cacheDir(dir?: string): string {
  return resolve(dir ?? process.env.SVLAB_CACHE ?? join(".cache", "svlab"));
}

export interface CacheKeyInput {
  /** Provider id (its spec), e.g. "openai:gpt-4.1-mini". */
  provider: string;
  /** Model name when the provider id does not pin it alone (e.g. a resolved model version). */
  model?: string;
  /** Where the model is served when the id does not say it (openai: behind a non-default base URL); absent = left out of the key. */
  endpoint?: string;
  messages: ChatMessage[];
  /** Every generation parameter (sample and seed are taken from here too). */
  generate: GenerateOptions;
  sample: number;
}

/** JSON with object keys sorted and undefined dropped, so equal inputs hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined || typeof v === "function") continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}

/** The cache key of one request. */
export function cacheKey(input: CacheKeyInput): string {
  const { signal: _signal, sample: _sample, ...generate } = input.generate as Record<string, unknown>;
  // json only when asked for, so keys of every request without it stay what they were
  if (!generate.json) delete generate.json;
  const payload = canonicalJson({
    v: CACHE_KEY_VERSION,
    provider: input.provider,
    model: input.model ?? null,
    // only when set, so keys of models on their default endpoint stay what they were
    ...(input.endpoint !== undefined ? { endpoint: input.endpoint } : {}),
    generate,
    seed: (generate.seed as number | undefined) ?? null,
    sample: input.sample,
    messages: input.messages.map((m) => ({ role: m.role, content: m.content })),
  });
  return createHash("sha256").update(payload).digest("hex");
}

const SECRET_NAME = /api[-_]?key|authori[sz]ation|secret|bearer|password|token$/i;

/** Drop metadata whose name looks like a credential (defence in depth: providers should never send one). */
function scrub(answer: Answer): Answer {
  const { cached: _cached, ...rest } = answer;
  if (!rest.meta) return rest;
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest.meta)) if (!SECRET_NAME.test(k)) meta[k] = v;
  return { ...rest, meta };
}

export interface CacheStats {
  entries: number;
  segments: number;
  /** Lines skipped on load (torn or malformed). */
  skipped: number;
  /** Torn last lines (a write cut short) removed from their segment on this open; a writable open repairs them once. */
  repaired: number;
  loadMs: number;
}

export interface AnswerCacheOptions {
  /** Minimum ms between fdatasync calls (default 1000; 0 = sync every write). */
  syncIntervalMs?: number;
  /** Merge segments into one when more than this many exist at open (default 64). */
  compactAbove?: number;
  /** Open without writing anything (no segment file is created). */
  readOnly?: boolean;
}

interface Segment {
  path: string;
  name: string;
}

export class AnswerCache {
  readonly dir: string;
  private readonly answersDir: string;
  /** key → raw JSON line (parsed lazily). */
  private readonly lines = new Map<string, string>();
  private fd: number | null = null;
  private segmentPath: string | null = null;
  private lastSync = 0;
  private dirty = false;
  private readonly syncIntervalMs: number;
  private readonly readOnly: boolean;
  stats: CacheStats = { entries: 0, segments: 0, skipped: 0, repaired: 0, loadMs: 0 };

  private constructor(dir: string, opts: AnswerCacheOptions) {
    this.dir = dir;
    this.answersDir = join(dir, "answers");
    this.syncIntervalMs = opts.syncIntervalMs ?? 1000;
    this.readOnly = opts.readOnly ?? false;
  }

  /** Open (creating when needed) the cache in `dir` (default: cacheDir()). */
  static open(dir?: string, opts: AnswerCacheOptions = {}): AnswerCache {
    const cache = new AnswerCache(cacheDir(dir), opts);
    cache.load();
    if (!cache.readOnly && cache.stats.segments > (opts.compactAbove ?? 64)) cache.compact();
    return cache;
  }

  private segments(): Segment[] {
    if (!existsSync(this.answersDir)) return [];
    return readdirSync(this.answersDir)
      .filter((n) => n.startsWith("seg-") && n.endsWith(".jsonl"))
      .sort()
      .map((name) => ({ name, path: join(this.answersDir, name) }));
  }

  private load(): void {
    const t0 = performance.now();
    const segs = this.segments();
    let skipped = 0;
    let repaired = 0;
    for (const seg of segs) {
      const text = readFileSync(seg.path, "utf8");
      let start = 0;
      for (;;) {
        const nl = text.indexOf("\n", start);
        if (nl < 0) {
          // no newline after the last line: a torn write (kill -9, power cut). A writable open cuts it
          // off, once, and says so (stats.repaired), so the next open does not find it again.
          if (start < text.length) {
            skipped++;
            if (!this.readOnly) {
              truncateSync(seg.path, Buffer.byteLength(text.slice(0, start), "utf8"));
              repaired++;
            }
          }
          break;
        }
        if (nl > start) {
          if (text.startsWith(LINE_PREFIX, start) && text.charCodeAt(start + LINE_PREFIX.length + KEY_LEN) === 34 /* " */) {
            const key = text.slice(start + LINE_PREFIX.length, start + LINE_PREFIX.length + KEY_LEN);
            this.lines.set(key, text.slice(start, nl));
          } else skipped++;
        }
        start = nl + 1;
      }
    }
    this.stats = { entries: this.lines.size, segments: segs.length, skipped, repaired, loadMs: performance.now() - t0 };
  }

  get size(): number {
    return this.lines.size;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The cached answer for `key` (with cached: true), or undefined. */
  get(key: string): Answer | undefined {
    const line = this.lines.get(key);
    if (line === undefined) return undefined;
    try {
      const row = JSON.parse(line) as { k: string; a: Answer };
      return { ...row.a, cached: true };
    } catch {
      // damaged line (e.g. zero-filled after a power cut): treat as a miss so it is asked again
      this.lines.delete(key);
      this.stats.skipped++;
      return undefined;
    }
  }

  /** Append one answer. Call only for real answers, never for errors. */
  put(key: string, answer: Answer): void {
    if (this.readOnly) throw new Error(`cache ${this.dir} was opened read-only`);
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`cache key must be 64 hex chars, got ${JSON.stringify(key)}`);
    const line = `${LINE_PREFIX}${key}","t":${Date.now()},"a":${redact(JSON.stringify(scrub(answer)))}}`;
    this.lines.set(key, line);
    // Written at once (one small write() per answer, ~10 µs): a kill -9 then loses only requests
    // still on the wire. fsync is batched (at most once per syncIntervalMs) since it is the costly part.
    this.pending += `${line}\n`;
    this.writePending();
  }

  private pending = "";
  private readonly writePending = (): void => {
    if (!this.pending) return;
    if (this.fd === null) this.openSegment();
    const text = this.pending;
    this.pending = "";
    writeSync(this.fd!, text);
    this.dirty = true;
    const now = Date.now();
    if (now - this.lastSync >= this.syncIntervalMs) this.sync(now);
  };

  private openSegment(): void {
    mkdirSync(this.answersDir, { recursive: true });
    const name = `seg-${Date.now().toString(36).padStart(9, "0")}-${process.pid}-${randomBytes(3).toString("hex")}.jsonl`;
    this.segmentPath = join(this.answersDir, name);
    this.fd = openSync(this.segmentPath, "a");
    this.lastSync = Date.now();
  }

  private sync(now = Date.now()): void {
    if (this.pending) this.writePending();
    if (this.fd !== null && this.dirty) {
      fdatasyncSync(this.fd);
      this.dirty = false;
    }
    this.lastSync = now;
  }

  /** fdatasync what was written. */
  flush(): void {
    this.sync();
  }

  close(): void {
    if (this.pending) this.writePending();
    if (this.fd !== null) {
      this.sync();
      closeSync(this.fd);
      this.fd = null;
    }
  }

  /**
   * Merge every segment not being written by a live process into one. Safe to run while another
   * process reads; segments of live writers (pid in the name still running) are left alone.
   */
  compact(): { merged: number; entries: number } {
    const mine = this.segmentPath;
    const segs = this.segments().filter((s) => s.path !== mine && !writerAlive(s.name));
    if (segs.length < 2) return { merged: 0, entries: this.lines.size };
    // re-read only the segments being merged, keeping the newest line per key
    const merged = new Map<string, string>();
    for (const seg of segs) {
      const text = readFileSync(seg.path, "utf8");
      for (const line of text.split("\n")) {
        if (line.startsWith(LINE_PREFIX) && line.charCodeAt(LINE_PREFIX.length + KEY_LEN) === 34) {
          try {
            JSON.parse(line);
          } catch {
            continue;
          }
          merged.set(line.slice(LINE_PREFIX.length, LINE_PREFIX.length + KEY_LEN), line);
        }
      }
    }
    // name sorts before newer segments so load order (and so last-wins) is preserved
    const name = `${segs[segs.length - 1].name.replace(/\.jsonl$/, "")}-c.jsonl`;
    const out = join(this.answersDir, name);
    const tmp = `${out}.tmp`;
    const fd = openSync(tmp, "w");
    let buf = "";
    for (const line of merged.values()) {
      buf += `${line}\n`;
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = "";
      }
    }
    if (buf) writeSync(fd, buf);
    fdatasyncSync(fd);
    closeSync(fd);
    renameSync(tmp, out);
    for (const seg of segs) if (seg.path !== out) unlinkSync(seg.path);
    this.stats.segments = this.segments().length;
    return { merged: segs.length, entries: merged.size };
  }

  /** Bytes on disk (for reports). */
  diskBytes(): number {
    return this.segments().reduce((sum, s) => sum + statSync(s.path).size, 0);
  }
}

function writerAlive(segmentName: string): boolean {
  const m = /^seg-[0-9a-z]+-(\d+)-/.exec(segmentName);
  if (!m) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
