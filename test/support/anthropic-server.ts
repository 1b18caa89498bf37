/**
 * A local Anthropic Messages API server (node:http, 127.0.0.1, random port) for tests, modelled on
 * openai-server.ts. POST /v1/messages answers with a Message (text content blocks, usage, stop
 * reason); scriptable per test, with fault injection in Anthropic's error shape
 * ({"type":"error","error":{"type":…,"message":…}}): 429 + retry-after, 529 overloaded, 5xx, 400,
 * malformed JSON, hang. It records every request (body + headers) so tests can assert exactly what
 * was sent and how often. Dependency-free.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RecordedRequest {
  index: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when not JSON). */
  body: any;
  rawBody: string;
}

export type Reply =
  | {
      kind?: "ok";
      /** Assistant text; default from `opts.answer` or "Answer: 1". */
      text?: string;
      model?: string;
      stopReason?: string;
      usage?: { input_tokens: number; output_tokens: number };
      latencyMs?: number;
    }
  /** Any status with an Anthropic error body (or `body` as given). */
  | { kind: "status"; status: number; errorType?: string; message?: string; body?: unknown; headers?: Record<string, string>; latencyMs?: number }
  /** 429 rate_limit_error with a retry-after header (seconds). */
  | { kind: "rate-limit"; retryAfterSeconds?: number; latencyMs?: number }
  /** 529 overloaded_error (Anthropic's "try again later"), optionally with retry-after. */
  | { kind: "overloaded"; retryAfterSeconds?: number; latencyMs?: number }
  /** 200 with a body that is not JSON. */
  | { kind: "malformed"; latencyMs?: number }
  /** Never answer (until the client gives up or the server closes). */
  | { kind: "hang" };

export type Behaviour = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface AnthropicServerOptions {
  latencyMs?: number;
  /** Assistant text as a function of the request (default "Answer: 1"). */
  answer?: (req: RecordedRequest) => string;
  behaviour?: Behaviour;
}

export interface AnthropicServer {
  /** "http://127.0.0.1:PORT": the SDK's baseURL (it appends /v1/messages). */
  url: string;
  requests: RecordedRequest[];
  /** Messages requests received. */
  count(): number;
  setBehaviour(fn: Behaviour | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const errorBody = (type: string, message: string) => JSON.stringify({ type: "error", error: { type, message }, request_id: "req_test" });

/** The text of the last user message of a request (string or text blocks). */
export function lastUserText(req: RecordedRequest): string {
  const msgs = Array.isArray(req.body?.messages) ? req.body.messages : [];
  const c = msgs[msgs.length - 1]?.content;
  return typeof c === "string" ? c : Array.isArray(c) ? c.map((b: { text?: string }) => b.text ?? "").join("") : "";
}

let messageId = 0;

export async function startAnthropicServer(opts: AnthropicServerOptions = {}): Promise<AnthropicServer> {
  let behaviour = opts.behaviour;
  const latency = opts.latencyMs ?? 0;
  const requests: RecordedRequest[] = [];
  let seen = 0;
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, payload: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers });
    res.end(payload);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      let body: any;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      if (req.method !== "POST" || !req.url?.startsWith("/v1/messages")) {
        send(res, 404, errorBody("not_found_error", `no route ${req.method} ${req.url}`));
        return;
      }
      const rec: RecordedRequest = { index: seen++, method: req.method, url: req.url, headers: req.headers, body, rawBody };
      requests.push(rec);
      // the API takes the key as x-api-key or, as the SDK (1.x) sends it, Authorization: Bearer
      if (!req.headers["x-api-key"] && !/^Bearer \S/.test(req.headers.authorization ?? "")) {
        send(res, 401, errorBody("authentication_error", "x-api-key or Authorization header is required"));
        return;
      }
      let reply: Reply;
      try {
        reply = behaviour ? await behaviour(rec) : { text: opts.answer ? opts.answer(rec) : "Answer: 1" };
      } catch (err) {
        send(res, 500, errorBody("api_error", `behaviour threw: ${(err as Error).message}`));
        return;
      }
      if (reply.kind === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      const wait = reply.latencyMs ?? latency;
      if (wait > 0) await sleep(wait);
      if (res.destroyed) return;
      switch (reply.kind) {
        case "status":
          send(
            res,
            reply.status,
            reply.body !== undefined
              ? typeof reply.body === "string"
                ? reply.body
                : JSON.stringify(reply.body)
              : errorBody(reply.errorType ?? "api_error", reply.message ?? `status ${reply.status}`),
            reply.headers,
          );
          return;
        case "rate-limit":
          send(res, 429, errorBody("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"), {
            "retry-after": String(reply.retryAfterSeconds ?? 1),
          });
          return;
        case "overloaded":
          send(
            res,
            529,
            errorBody("overloaded_error", "Overloaded"),
            reply.retryAfterSeconds !== undefined ? { "retry-after": String(reply.retryAfterSeconds) } : {},
          );
          return;
        case "malformed":
          send(res, 200, '{"id": "msg_x", "type": "message", "content": [ this is not json');
          return;
        default: {
          const text = reply.text ?? (opts.answer ? opts.answer(rec) : "Answer: 1");
          send(
            res,
            200,
            JSON.stringify({
              id: `msg_test_${++messageId}`,
              type: "message",
              role: "assistant",
              model: reply.model ?? (typeof body?.model === "string" ? body.model : "claude-test"),
              content: [{ type: "text", text }],
              stop_reason: reply.stopReason ?? "end_turn",
              stop_sequence: null,
              usage: reply.usage ?? { input_tokens: Math.ceil(rawBody.length / 4), output_tokens: Math.max(1, Math.ceil(text.length / 4)) },
            }),
          );
        }
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    count: () => seen,
    setBehaviour(fn) {
      behaviour = fn;
    },
    reset() {
      requests.length = 0;
      seen = 0;
    },
    async close() {
      for (const r of hanging) r.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
