/**
 * A small fetch over node:http/https with keep-alive agents and a buffered body, for the HTTP providers' SDKs
 * (openai, @anthropic-ai/sdk).
 * Why: Node's built-in fetch (undici + web streams) costs ~1.5 ms of CPU per chat request here, which
 * caps one process at ~550 req/s; this one costs about half, so the runner reaches the server's pace
 * (bench/runner-overhead.ts). Bodies of chat completions are small, so buffering them is fine.
 *
 * Semantics the SDK relies on: resolves with a standard Response once the whole body arrived; rejects
 * (so the SDK maps it to a connection error) on socket errors or a body cut short; honours init.signal
 * (rejecting with the signal's AbortError so the SDK sees a user abort or its own timeout).
 */
import http from "node:http";
import https from "node:https";

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 30_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 30_000 }),
};

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!init?.headers) return out;
  new Headers(init.headers).forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

function abortError(signal: AbortSignal): Error {
  const r = signal.reason;
  if (r instanceof Error) return r;
  return new DOMException("This operation was aborted", "AbortError");
}

export const httpFetch: typeof fetch = (input, init) =>
  new Promise<Response>((resolve, reject) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const isHttps = url.protocol === "https:";
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) return reject(abortError(signal));
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array)) {
      // the SDK sends JSON strings for chat; anything else goes through the built-in fetch
      fetch(input, init).then(resolve, reject);
      return;
    }
    const headers = headersOf(init);
    if (typeof body === "string" || body instanceof Uint8Array) headers["content-length"] = String(Buffer.byteLength(body));
    const req = (isHttps ? https : http).request(
      {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: init?.method ?? "GET",
        headers,
        agent: isHttps ? agents.https : agents.http,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if (!res.complete) return fail(new TypeError("terminated: response body cut short"));
          if (settled) return;
          cleanup();
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (Array.isArray(v)) for (const x of v) h.append(k, x);
            else if (v !== undefined) h.set(k, v);
          }
          const status = res.statusCode ?? 500;
          const nullBody = status === 204 || status === 304 || init?.method === "HEAD";
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers: h }));
        });
        res.on("aborted", () => fail(new TypeError("terminated: response body cut short")));
        res.on("error", (e) => fail(new TypeError(`terminated: ${e.message}`, { cause: e })));
      },
    );
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(e);
    };
    const onAbort = () => {
      req.destroy();
      fail(abortError(signal!));
    };
    const cleanup = () => {
      settled = true;
      signal?.removeEventListener("abort", onAbort);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", (e) => fail(new TypeError(`fetch failed: ${e.message}`, { cause: e })));
    req.end(body ?? undefined);
  });
