/**
 * Retries with exponential backoff and jitter, and a backoff gate shared by every request of a run:
 * when one request gets a 429, every request waits (Retry-After when the server sent one) before its
 * next attempt, so a rate-limited run slows down as a whole instead of hammering the server.
 *
 * What is retried: a ProviderError exactly when the provider marked it transient (the provider knows
 * its API: 429 rate limits, 408/409, 5xx, timeouts, connection resets, malformed or truncated bodies —
 * but not a 429 insufficient_quota, which is billing, nor other 4xx), our own per-attempt timeout,
 * and Node network errors (ECONNRESET, …). Never retried: aborts by the caller.
 * A transient 429 also closes the shared gate (Retry-After when given).
 */
import { ProviderError } from "../models/types";
import { onAbort } from "./abort";

export interface RetryPolicy {
  /** Attempts in total, first one included (default 6). */
  maxAttempts: number;
  /** First backoff delay in ms (default 500); doubles each attempt. */
  baseDelayMs: number;
  /** Cap for one backoff delay in ms (default 30 000). */
  maxDelayMs: number;
  /** Per-attempt timeout in ms (default 120 000; 0 = none). */
  timeoutMs: number;
  /** Longest Retry-After honoured in seconds (default 300); longer waits fail the request instead. */
  maxRetryAfterSeconds: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 120_000,
  maxRetryAfterSeconds: 300,
};

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

export interface Classified {
  retry: boolean;
  status?: number;
  retryAfterMs?: number;
  /** Short label for counts and error rows. */
  kind: "rate-limit" | "server" | "timeout" | "network" | "malformed" | "client" | "abort" | "other";
  message: string;
  /** Nothing reachable where the request was sent: connection refused, unknown host, TLS failure. */
  unreachable?: boolean;
  /** The endpoint refused the credentials (HTTP 401 or 403). */
  auth?: boolean;
}

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

/** Decide whether an error is worth another attempt. */
export function classifyError(err: unknown): Classified {
  const e = err as { name?: string; message?: string; code?: string; status?: number; cause?: unknown };
  const message = e?.message ?? String(err);
  if (err instanceof ProviderError || e?.name === "ProviderError") {
    const pe = err as ProviderError;
    const status = pe.status;
    const retryAfterMs = pe.retryAfterSeconds !== undefined ? pe.retryAfterSeconds * 1000 : undefined;
    // the provider decides what is transient (one source of truth): a 429 for an exhausted quota is not
    // 529 is Anthropic's "overloaded": like a 429, every request waits (the shared gate), Retry-After honoured
    if (status === 429 || status === 529) return { retry: pe.transient, status, retryAfterMs, kind: "rate-limit", message };
    if (status === 401 || status === 403) return { retry: pe.transient, status, retryAfterMs, kind: "client", message, auth: true };
    if (status !== undefined && status >= 400 && status < 500) return { retry: pe.transient, status, retryAfterMs, kind: "client", message };
    if (pe.unreachable) return { retry: pe.transient, kind: "network", message, unreachable: true };
    const kind = status !== undefined && status >= 500 ? "server" : /timed? ?out/i.test(message) ? "timeout" : "malformed";
    return { retry: pe.transient, status, retryAfterMs, kind, message };
  }
  if (e?.name === "AbortError") return { retry: false, kind: "abort", message };
  if (e?.name === "TimeoutError") return { retry: true, kind: "timeout", message };
  const code = e?.code ?? (e?.cause as { code?: string } | undefined)?.code;
  if (code && NETWORK_CODES.has(code))
    return { retry: true, kind: "network", message: `${code}: ${message}`, ...(UNREACHABLE_CODES.has(code) ? { unreachable: true } : {}) };
  if (e?.name === "SyntaxError") return { retry: true, kind: "malformed", message };
  return { retry: false, kind: "other", message };
}

/** Sleep `ms`, resolving early (with false) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal?.aborted);
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const t = setTimeout(() => {
      off?.();
      resolve(true);
    }, ms);
    // through onAbort: every request of a run may be sleeping on the run's one signal at once
    const off = signal
      ? onAbort(signal, () => {
          clearTimeout(t);
          resolve(false);
        })
      : undefined;
  });
}

/** A pause shared by all requests of a run (set by 429s). */
export class BackoffGate {
  private until = 0;
  /** How many times the gate was closed (for the summary). */
  pauses = 0;

  /** Hold every request until at least now + ms. */
  pause(ms: number): void {
    const t = Date.now() + ms;
    if (t > this.until) {
      this.until = t;
      this.pauses++;
    }
  }

  /** Ms left before requests may go again. */
  remaining(): number {
    return Math.max(0, this.until - Date.now());
  }

  /** Wait until the gate is open (re-checking, since another 429 may extend it). False when aborted. */
  async wait(signal?: AbortSignal): Promise<boolean> {
    for (let left = this.remaining(); left > 0; left = this.remaining()) {
      if (!(await sleep(left, signal))) return false;
    }
    return !signal?.aborted;
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return exp / 2 + random() * (exp / 2);
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: Classified;
}

export class RetryFailure extends Error {
  constructor(
    readonly error: Classified,
    readonly attempts: number,
  ) {
    super(error.message);
    this.name = "RetryFailure";
  }
}

/**
 * Run `fn` until it succeeds, a non-retryable error happens, attempts run out or `signal` aborts.
 * Throws RetryFailure (with the last classified error and attempts made).
 */
export async function withRetries<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  opts: {
    policy?: Partial<RetryPolicy>;
    gate?: BackoffGate;
    signal?: AbortSignal;
    onRetry?: (e: RetryEvent) => void;
    /** Every failed attempt, classified, before the decision to retry (the engine's fail-fast watch); `final` when no retry follows. */
    onAttemptError?: (error: Classified, attempt: number, final: boolean) => void;
  },
): Promise<{ value: T; attempts: number }> {
  const policy = { ...DEFAULT_RETRY, ...opts.policy };
  const gate = opts.gate ?? new BackoffGate();
  const outer = opts.signal;
  for (let attempt = 1; ; attempt++) {
    if (!(await gate.wait(outer))) throw new RetryFailure({ retry: false, kind: "abort", message: "aborted" }, attempt - 1);
    // one controller per attempt, aborted by the caller's signal or our timeout (cheaper than
    // AbortSignal.any). The caller's signal is shared by every request of a run, so we subscribe
    // through onAbort (one listener on it at any concurrency) and unsubscribe when the attempt ends.
    const ctl = new AbortController();
    let timedOut = false;
    const offOuter = outer ? onAbort(outer, () => ctl.abort(outer.reason)) : undefined;
    const timer =
      policy.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            ctl.abort(new DOMException(`no answer within ${policy.timeoutMs} ms`, "TimeoutError"));
          }, policy.timeoutMs)
        : undefined;
    const signal = ctl.signal;
    try {
      const value = await fn(signal);
      // an answer that arrives after this attempt was aborted (timeout or caller) may be cut short:
      // never hand it on (the engine would record and cache it)
      if (signal.aborted) throw signal.reason ?? new DOMException("aborted", "AbortError");
      clearTimeout(timer);
      offOuter?.();
      return { value, attempts: attempt };
    } catch (err) {
      clearTimeout(timer);
      offOuter?.();
      if (outer?.aborted) throw new RetryFailure({ retry: false, kind: "abort", message: "aborted" }, attempt);
      let c = classifyError(err);
      // our own per-attempt timeout surfaces as an AbortError from the provider: a transient timeout
      if (timedOut && (c.kind === "abort" || c.kind === "other")) c = { retry: true, kind: "timeout", message: `no answer within ${policy.timeoutMs} ms` };
      opts.onAttemptError?.(c, attempt, !c.retry || attempt >= policy.maxAttempts);
      // the watcher may have stopped the run (fail fast): do not sleep towards another attempt
      if (outer?.aborted) throw new RetryFailure(c, attempt);
      if (!c.retry || attempt >= policy.maxAttempts) throw new RetryFailure(c, attempt);
      let delayMs = backoffDelay(attempt, policy);
      if (c.kind === "rate-limit") {
        if (c.retryAfterMs !== undefined) {
          if (c.retryAfterMs > policy.maxRetryAfterSeconds * 1000) {
            throw new RetryFailure(
              {
                ...c,
                retry: false,
                message: `${c.message} (Retry-After ${c.retryAfterMs / 1000}s is longer than the ${policy.maxRetryAfterSeconds}s allowed)`,
              },
              attempt,
            );
          }
          delayMs = c.retryAfterMs;
        }
        gate.pause(delayMs);
      } else if (c.retryAfterMs !== undefined && c.retryAfterMs <= policy.maxRetryAfterSeconds * 1000) {
        // a 503 that says when to come back: no sooner than it asks
        delayMs = Math.max(delayMs, c.retryAfterMs);
      }
      opts.onRetry?.({ attempt, delayMs, error: c });
      if (c.kind === "rate-limit") {
        if (!(await gate.wait(outer))) throw new RetryFailure({ retry: false, kind: "abort", message: "aborted" }, attempt);
      } else if (!(await sleep(delayMs, outer))) {
        throw new RetryFailure({ retry: false, kind: "abort", message: "aborted" }, attempt);
      }
    }
  }
}
