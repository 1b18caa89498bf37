/**
 * A local OpenAI chat-completions server (node:http, 127.0.0.1, random port) for tests and
 * benchmarks. Scriptable per test: fixed latency, answer text as a function of the request,
 * logprobs/top_logprobs when asked, and fault injection (429 + Retry-After, 5xx, 400, hang,
 * malformed JSON, truncated body, connection reset). It records every request (body + headers)
 * so tests can assert exactly how often something was asked. Dependency-free and cheap per
 * request so the runner benchmark can push 640+ req/s through it.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One request as the server saw it. */
export interface RecordedRequest {
  /** 0-based arrival order. */
  index: number;
  method: string;
  /** Path and query, e.g. "/v1/chat/completions". */
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when the body was not JSON). */
  body: any;
  rawBody: string;
}

/** A code → probability map the server turns into top_logprobs at the answer-code token. */
export type CodeProbabilities = Record<string, number>;

/** What the server does with one request. */
export type Reply =
  | {
      kind?: "ok";
      /** Assistant text; default from `opts.answer` or "Answer: 1". */
      text?: string;
      /** Explicit logprobs.content (OpenAI shape); overrides the generated one. */
      logprobsContent?: Array<{ token: string; logprob: number; top_logprobs?: Array<{ token: string; logprob: number }> }>;
      /** Probabilities over codes, placed as top_logprobs at the (last) code token of `text`. */
      codeProbabilities?: CodeProbabilities;
      model?: string;
      systemFingerprint?: string;
      finishReason?: string;
      usage?: { prompt_tokens: number; completion_tokens: number };
      /** Overrides the server-wide latency for this reply. */
      latencyMs?: number;
    }
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string>; latencyMs?: number }
  /** 429 with a Retry-After header (seconds). */
  | { kind: "rate-limit"; retryAfterSeconds?: number; latencyMs?: number }
  /** 200 with a body that is not JSON. */
  | { kind: "malformed"; latencyMs?: number }
  /** 200 whose Content-Length promises more than is sent, then the socket closes. */
  | { kind: "truncated"; latencyMs?: number }
  /** Destroy the socket without answering. */
  | { kind: "reset"; latencyMs?: number }
  /** Never answer (until the client gives up or the server closes). */
  | { kind: "hang" };

export type Behaviour = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface OpenAIServerOptions {
  /** Fixed delay before each reply, ms (default 0). */
  latencyMs?: number;
  /** Assistant text as a function of the request (default "Answer: 1"). */
  answer?: (req: RecordedRequest) => string;
  /** Full control over each reply; takes precedence over `answer`. */
  behaviour?: Behaviour;
  /** Model name echoed when the request has none (default "test-model"). */
  model?: string;
  /** Keep request bodies/headers (default true; the bench may turn it off to save memory). */
  record?: boolean;
}

export interface OpenAIServer {
  /** "http://127.0.0.1:PORT" */
  url: string;
  /** "http://127.0.0.1:PORT/v1" — pass to the OpenAI SDK as baseURL. */
  baseURL: string;
  /** Requests seen so far (bodies only when `record` is on). */
  requests: RecordedRequest[];
  /** Number of chat-completion requests received (counted even when `record` is off). */
  count(): number;
  /** Replace the behaviour (e.g. between phases of a test). */
  setBehaviour(fn: Behaviour | undefined): void;
  setLatency(ms: number): void;
  /** Forget recorded requests and reset the count. */
  reset(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Crude tokenisation that mimics tiktoken's leading-space tokens: "Answer: 3" → ["Answer", ":", " 3"]. */
export function fakeTokens(text: string): string[] {
  return text.match(/\s*[A-Za-z]+|\s*\d|\s*[^\sA-Za-z\d]|\s+$/g) ?? [];
}

function lastContentText(body: any): string {
  const msgs = Array.isArray(body?.messages) ? body.messages : [];
  const last = msgs[msgs.length - 1];
  return typeof last?.content === "string" ? last.content : "";
}

function buildLogprobs(text: string, topN: number, codeProbs?: CodeProbabilities) {
  const tokens = fakeTokens(text);
  // the answer code sits at the last digit token
  let codeAt = -1;
  for (let i = tokens.length - 1; i >= 0; i--)
    if (/\d/.test(tokens[i])) {
      codeAt = i;
      break;
    }
  return tokens.map((tok, i) => {
    if (i === codeAt && codeProbs) {
      const space = tok.match(/^\s*/)![0];
      const tops = Object.entries(codeProbs)
        .sort((a, b) => b[1] - a[1])
        .map(([c, p]) => ({ token: `${space}${c}`, logprob: Math.log(p), bytes: [...Buffer.from(`${space}${c}`)] }));
      const own = tops.find((t) => t.token === tok);
      return { token: tok, logprob: own ? own.logprob : -20, bytes: [...Buffer.from(tok)], top_logprobs: tops.slice(0, topN) };
    }
    return { token: tok, logprob: 0, bytes: [...Buffer.from(tok)], top_logprobs: topN > 0 ? [{ token: tok, logprob: 0, bytes: [...Buffer.from(tok)] }] : [] };
  });
}

let completionId = 0;

export async function startOpenAIServer(opts: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  let behaviour = opts.behaviour;
  let latency = opts.latencyMs ?? 0;
  const record = opts.record ?? true;
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
      const rec: RecordedRequest = { index: seen++, method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, rawBody };
      if (record) requests.push(rec);

      if (!req.url?.endsWith("/chat/completions") || req.method !== "POST") {
        send(res, 404, JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: "invalid_request_error" } }));
        return;
      }
      let reply: Reply;
      try {
        reply = behaviour ? await behaviour(rec) : { text: opts.answer ? opts.answer(rec) : "Answer: 1" };
      } catch (err) {
        send(res, 500, JSON.stringify({ error: { message: `behaviour threw: ${(err as Error).message}` } }));
        return;
      }
      const wait = "latencyMs" in reply && reply.latencyMs !== undefined ? reply.latencyMs : latency;
      if (reply.kind === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      if (wait > 0) await sleep(wait);
      if (res.destroyed) return;

      switch (reply.kind) {
        case "status":
          send(
            res,
            reply.status,
            typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? { error: { message: `status ${reply.status}`, type: "server_error" } }),
            reply.headers,
          );
          return;
        case "rate-limit":
          send(res, 429, JSON.stringify({ error: { message: "Rate limit reached", type: "rate_limit_exceeded" } }), {
            "retry-after": String(reply.retryAfterSeconds ?? 1),
          });
          return;
        case "malformed":
          send(res, 200, '{"id": "chatcmpl-x", "choices": [ this is not json');
          return;
        case "truncated": {
          const full = JSON.stringify({
            id: "chatcmpl-trunc",
            object: "chat.completion",
            choices: [{ index: 0, message: { role: "assistant", content: "Answer: 1" } }],
          });
          res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(full) });
          res.write(full.slice(0, Math.floor(full.length / 2)));
          // give the half body a moment to leave, then cut the connection
          setTimeout(() => res.socket?.destroy(), 5);
          return;
        }
        case "reset":
          req.socket.destroy();
          return;
        default: {
          const text = reply.text ?? (opts.answer ? opts.answer(rec) : "Answer: 1");
          const wantLogprobs = body?.logprobs === true;
          const topN = Number(body?.top_logprobs ?? 0);
          const content = reply.logprobsContent ?? (wantLogprobs ? buildLogprobs(text, topN, reply.codeProbabilities) : undefined);
          const promptTokens = reply.usage?.prompt_tokens ?? Math.ceil(rawBody.length / 4);
          const completionTokens = reply.usage?.completion_tokens ?? fakeTokens(text).length;
          const payload = {
            id: `chatcmpl-${++completionId}`,
            object: "chat.completion",
            created: 1_764_000_000,
            model: reply.model ?? (typeof body?.model === "string" ? `${body.model}-2025-04-14` : (opts.model ?? "test-model")),
            system_fingerprint: reply.systemFingerprint ?? "fp_test123",
            choices: [
              {
                index: 0,
                message: { role: "assistant", content: text, refusal: null },
                logprobs: wantLogprobs ? { content, refusal: null } : null,
                finish_reason: reply.finishReason ?? "stop",
              },
            ],
            usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
          };
          send(res, 200, JSON.stringify(payload));
        }
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseURL: `${url}/v1`,
    requests,
    count: () => seen,
    setBehaviour(fn) {
      behaviour = fn;
    },
    setLatency(ms) {
      latency = ms;
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

/** The text of the last message of a recorded request (handy inside behaviours). */
export function lastMessage(req: RecordedRequest): string {
  return lastContentText(req.body);
}

/**
 * The same server on a worker thread, so that a benchmark's client (SDK parsing, runner) and the
 * server do not share one event loop. Behaviour is limited to what can cross a thread: fixed latency
 * and fixed answer text. `count()` is fetched from the worker.
 */
export async function startOpenAIServerWorker(opts: { latencyMs?: number; text?: string } = {}): Promise<{
  url: string;
  baseURL: string;
  count(): Promise<number>;
  close(): Promise<void>;
}> {
  const { Worker } = await import("node:worker_threads");
  const src = `
    const { parentPort, workerData } = require("node:worker_threads");
    const http = require("node:http");
    let seen = 0; let id = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        seen++;
        setTimeout(() => {
          const payload = JSON.stringify({ id: "chatcmpl-" + (++id), object: "chat.completion", created: 1764000000,
            model: "test-model", system_fingerprint: "fp_test123",
            choices: [{ index: 0, message: { role: "assistant", content: workerData.text, refusal: null }, logprobs: null, finish_reason: "stop" }],
            usage: { prompt_tokens: 100, completion_tokens: 3, total_tokens: 103 } });
          res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
          res.end(payload);
        }, workerData.latencyMs);
      });
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
    parentPort.on("message", (m) => {
      if (m === "count") parentPort.postMessage({ count: seen });
      if (m === "close") { server.closeAllConnections(); server.close(() => process.exit(0)); }
    });`;
  const worker = new Worker(src, { eval: true, execArgv: [], workerData: { latencyMs: opts.latencyMs ?? 0, text: opts.text ?? "Answer: 1" } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", (m: { port: number }) => resolve(m.port));
    worker.once("error", reject);
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    count: () =>
      new Promise<number>((resolve) => {
        const on = (m: { count?: number }) => {
          if (m.count !== undefined) {
            worker.off("message", on);
            resolve(m.count);
          }
        };
        worker.on("message", on);
        worker.postMessage("count");
      }),
    close: () =>
      new Promise<void>((resolve) => {
        worker.once("exit", () => resolve());
        worker.postMessage("close");
      }),
  };
}
