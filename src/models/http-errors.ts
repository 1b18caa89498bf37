/** What HTTP providers share when reading failures: Retry-After, and "cannot reach" versus a failure mid-way. */

/** Seconds from Retry-After (delta-seconds or HTTP date) or retry-after-ms. */
export function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  if (!headers || typeof headers.get !== "function") return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Number(ms) / 1000;
  const ra = headers.get("retry-after");
  if (!ra) return undefined;
  if (Number.isFinite(Number(ra))) return Number(ra);
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, (date - Date.now()) / 1000) : undefined;
}

/** Error codes (anywhere in the cause chain) that mean the endpoint cannot be reached at all. */
const UNREACHABLE =
  /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EAI_NONAME|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|CERT_[A-Z_]+|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_[A-Z_]+|ERR_SSL_[A-Z_]+|EPROTO)\b/;

/** Connection refused, unknown host, TLS failure: nothing is listening where we send (not a reset mid-way). */
export function isUnreachable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string" && UNREACHABLE.test(e.code)) return true;
    if (typeof e.message === "string" && UNREACHABLE.test(e.message)) return true;
  }
  return false;
}
