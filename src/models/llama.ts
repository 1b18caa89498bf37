/**
 * `llama:PATH.gguf` — a local GGUF model in-process through node-llama-cpp.
 *
 * Two modes per call:
 *  - generate (default): render the chat with the model's chat wrapper, generate up to maxTokens
 *    (default 32) and parse the text like any other provider.
 *  - score (`distribution: true`): render the chat with the assistant turn already started as
 *    "Answer:", and read the next-token probabilities of every answer code with controlledEvaluate
 *    → a full distribution over the codes; code = its argmax.
 *
 * Codes as tokens. Each code's continuation is tokenize("Answer: <code>") minus tokenize("Answer:"),
 * so SentencePiece's leading-space token "▁" is part of it (stories260K: " 3" = [▁, 3]). The
 * continuations form a trie. P(code) = Π P(token | path so far) · (1 − P(next token starts with a
 * digit | whole path)): the number must end there, so "▁2" followed by "5" (25) is not code 2 and
 * "▁1" followed by "0" is not code 1 (it is 10 when 10 is a code). The ending factor needs the
 * probabilities after every code's full path, so the trie is read in passes: one over prompt + the
 * longest path, then one short pass per other branch (it keeps the shared prefix in the KV cache and
 * evaluates only the branch's own tokens — usually one token). A 4-point scale costs 4 passes
 * (1 long + 3 of one token), a 1–10 scale 9 on stories260K; meta.scoringPasses counts them and
 * meta.evaluatedTokens counts every token evaluated. Mass on other tokens (text, invalid or longer
 * numbers) is left out; validMass is the mass on complete valid codes.
 *
 * Prefix reuse. One context sequence; before evaluating a prompt, the longest common prefix with the
 * tokens already in the sequence is kept (KV cache) and only the rest is evaluated. Prompts sharing
 * a persona/system message therefore skip most of the work. meta.reusedTokens/evaluatedTokens
 * record it; `reusePrefix: false` (provider option) evaluates every prompt from scratch (the short
 * passes of one scoring call still build on its first pass).
 *
 * One sequence means one call at a time (a lock): the provider declares capabilities.maxConcurrency = 1
 * so the runner does not queue calls behind the lock while their per-attempt timeouts run.
 *
 * node-llama-cpp has top-level await, so it is loaded through a dynamic import hidden from tslab's
 * CommonJS rewrite (see environment.md, "Rules for modules notebooks import"). Threads are always
 * explicit (default 1): node-llama-cpp's own default is far too many on small machines (environment.md).
 */
import { basename, resolve } from "node:path";
import { existsSync } from "node:fs";
import type * as NLC from "node-llama-cpp";
import { argmaxCode, normaliseOverCodes } from "./distribution";
import type { ProviderContext } from "./providers/kind";
import type { ChatMessage, GenerateOptions, Prompt, Provider, ProviderReply } from "./types";

type Token = NLC.Token;

const dynImport = new Function("s", "return import(s)") as (s: string) => Promise<unknown>;

/** node-llama-cpp, loaded lazily (top-level await makes a static import impossible under tslab). */
export async function loadNodeLlamaCpp(): Promise<typeof NLC> {
  return (await dynImport("node-llama-cpp")) as typeof NLC;
}

const ANSWER_PREFIX = "Answer:";
export const DEFAULT_LLAMA_MAX_TOKENS = 32;

export type LlamaProviderOptions = ProviderContext;

/** A simple FIFO lock: one sequence, so calls run one at a time. */
function mutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

function lcp(a: readonly Token[], b: readonly Token[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

function toHistory(messages: ChatMessage[], answerPrefix: string | null): NLC.ChatHistoryItem[] {
  const items: NLC.ChatHistoryItem[] = messages.map((m) =>
    m.role === "system"
      ? { type: "system", text: m.content }
      : m.role === "user"
        ? { type: "user", text: m.content }
        : { type: "model", response: [m.content] },
  );
  items.push({ type: "model", response: answerPrefix === null ? [] : [answerPrefix] });
  return items;
}

/**
 * llama:PATH.gguf → the file; hf:USER/REPO:QUANT (or llama:hf:…) → node-llama-cpp's resolveModelFile,
 * which uses a copy already in the models folder (SVLAB_MODELS_DIR, else ~/.node-llama-cpp/models)
 * and otherwise downloads it — unless SVLAB_OFFLINE=1, when a missing model is a clear error.
 */
export async function resolveModelPath(spec: string, N: typeof NLC, env: Record<string, string | undefined> = process.env): Promise<string> {
  const uri = spec.startsWith("llama:") ? spec.slice("llama:".length) : spec;
  if (uri.startsWith("hf:")) {
    try {
      return await N.resolveModelFile(uri, {
        directory: env.SVLAB_MODELS_DIR || undefined,
        download: env.SVLAB_OFFLINE === "1" ? false : "auto",
        cli: false,
      });
    } catch (e) {
      throw new Error(
        `${spec}: cannot resolve the model (${(e as Error).message.split("\n")[0]}). Download it with \`npx node-llama-cpp pull ${uri}\` where there is network, or use llama:PATH.gguf`,
      );
    }
  }
  const path = resolve(uri);
  if (!path.endsWith(".gguf")) throw new Error(`${spec}: expected llama:PATH.gguf or hf:USER/REPO:QUANT`);
  if (!existsSync(path)) throw new Error(`${spec}: model file not found: ${path}`);
  return path;
}

export async function createLlamaProvider(spec: string, ctx: LlamaProviderOptions = {}): Promise<Provider> {
  const N = await loadNodeLlamaCpp();
  const path = await resolveModelPath(spec, N);
  const threads = ctx.threads ?? 1;
  const reusePrefix = ctx.reusePrefix ?? true;

  const llama = await N.getLlama({ gpu: ctx.gpu ? "auto" : false, build: "never", logLevel: N.LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: path, gpuLayers: ctx.gpu ? "auto" : 0 });
  const contextSize = Math.min(ctx.contextSize ?? 2048, model.trainContextSize);
  const context = await model.createContext({ threads, contextSize, sequences: 1 });
  const sequence = context.getSequence();
  const wrapper = N.resolveChatWrapper(model);
  const lock = mutex();
  // GenerateOptions.json: node-llama-cpp's JSON grammar, loaded on first use
  let jsonGrammar: Promise<NLC.LlamaGrammar> | undefined;

  // --- code continuations (per distinct code list) ---
  const answerTokens = model.tokenize(ANSWER_PREFIX, false, "trimLeadingSpace");
  const contCache = new Map<string, Map<number, Token[]>>();
  const continuations = (codes: number[]): Map<number, Token[]> => {
    const key = codes.join(",");
    let m = contCache.get(key);
    if (!m) {
      m = new Map();
      for (const c of codes) {
        const full = model.tokenize(`${ANSWER_PREFIX} ${c}`, false, "trimLeadingSpace");
        if (lcp(full, answerTokens) !== answerTokens.length)
          throw new Error(`${spec}: the tokenizer merges code ${c} into "${ANSWER_PREFIX}"; distribution scoring is not supported for this model`);
        m.set(c, full.slice(answerTokens.length));
      }
      contCache.set(key, m);
    }
    return m;
  };
  const digitToken = new Map<Token, boolean>();
  const startsWithDigit = (t: Token): boolean => {
    let v = digitToken.get(t);
    if (v === undefined) {
      v = /^\s*\d/.test(model.detokenize([t]));
      digitToken.set(t, v);
    }
    return v;
  };

  const render = (prompt: Prompt, answerPrefix: string | null): Token[] =>
    wrapper.generateContextState({ chatHistory: toHistory(prompt.messages, answerPrefix) }).contextText.tokenize(model.tokenizer);

  /**
   * Bring the sequence to `tokens[0..keep)` (reusing the cached prefix where possible) and return
   * how many tokens were reused. At least the last token is always re-evaluated (we need its logits).
   */
  const alignTo = async (tokens: Token[], atMost: number, reuse = reusePrefix): Promise<number> => {
    let keep = reuse ? Math.min(lcp(sequence.contextTokens, tokens), atMost) : 0;
    if (keep === 0) {
      if (sequence.nextTokenIndex > 0) await sequence.clearHistory();
      return 0;
    }
    if (keep < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
    keep = sequence.nextTokenIndex; // what is really cached now
    return keep;
  };

  /**
   * One pass over prompt + chain with next-token probabilities at the prompt end and after each chain
   * node. The first pass of a call keeps at most the prompt minus its last token (its logits are needed);
   * later passes of the same call keep everything they share with the sequence (their earlier nodes
   * were read by an earlier pass), so a sibling branch costs one token.
   */
  const evaluateChain = async (promptTokens: Token[], chain: Token[], first: boolean) => {
    const all = [...promptTokens, ...chain];
    const reused = first ? await alignTo(all, promptTokens.length - 1) : await alignTo(all, all.length - 1, true);
    const input: NLC.ControlledEvaluateInputItem[] = [];
    const firstProbAt = promptTokens.length - 1; // logits after the last prompt token
    for (let i = reused; i < all.length; i++) {
      input.push(i >= firstProbAt ? [all[i], { generateNext: { probabilities: true } }] : all[i]);
    }
    const out = await sequence.controlledEvaluate(input);
    const probsAt = new Map<number, Map<Token, number>>(); // chain depth → next-token probabilities
    for (let i = reused; i < all.length; i++) {
      const p = out[i - reused]?.next?.probabilities;
      if (p && i >= firstProbAt) probsAt.set(i - firstProbAt, p);
    }
    return { probsAt, reused, evaluated: all.length - reused };
  };

  const score = async (prompt: Prompt, signal?: AbortSignal) => {
    const promptTokens = render(prompt, ANSWER_PREFIX);
    const conts = continuations(prompt.answerCodes);
    // every prefix of every code path, full paths included: the number must END after a code's path,
    // so P(code) needs the next-token probabilities after the whole path too
    const nodes = new Map<string, Token[]>();
    for (const path of conts.values()) for (let d = 0; d <= path.length; d++) nodes.set(path.slice(0, d).join(","), path.slice(0, d));
    // maximal nodes = chains to evaluate: the longest first, then one short pass per sibling branch
    const list = [...nodes.values()];
    const chains = list.filter((n) => !list.some((o) => o.length > n.length && lcp(o, n) === n.length));
    chains.sort((a, b) => b.length - a.length || a.join(",").localeCompare(b.join(",")));
    const probs = new Map<string, Map<Token, number>>(); // node key → next-token probabilities
    let reused = 0;
    let evaluated = 0;
    for (let k = 0; k < chains.length; k++) {
      if (signal?.aborted) throw signal.reason ?? new Error("aborted");
      const r = await evaluateChain(promptTokens, chains[k], k === 0);
      if (k === 0) reused = r.reused;
      evaluated += r.evaluated;
      for (const [depth, p] of r.probsAt) probs.set(chains[k].slice(0, depth).join(","), p);
    }
    // P(code) = Π P(token | path so far) · (1 − P(next token starts with a digit | whole path)):
    // "▁2" followed by "5" is 25, not 2. The same factor for every code, so the mass left on the
    // codes (validMass) is the mass on complete valid codes.
    const mass: Record<string, number> = {};
    for (const [code, path] of conts) {
      let p = 1;
      for (let d = 0; d < path.length; d++) p *= probs.get(path.slice(0, d).join(","))?.get(path[d]) ?? 0;
      const here = probs.get(path.join(","));
      if (!here) throw new Error(`${spec}: internal error: no probabilities after the path of code ${code}`);
      let cont = 0;
      for (const [t, q] of here) if (startsWithDigit(t)) cont += q;
      mass[String(code)] = p * Math.max(0, 1 - cont);
    }
    return { mass, promptTokens: promptTokens.length, reused, evaluated, passes: chains.length };
  };

  const generate = async (prompt: Prompt, opts: GenerateOptions & { signal?: AbortSignal }) => {
    const promptTokens = render(prompt, null);
    const state = wrapper.generateContextState({ chatHistory: toHistory(prompt.messages, null) });
    const stopTexts = state.stopGenerationTriggers
      .map((t) => (t.values.every((v) => typeof v === "string") ? (t.values as string[]).join("") : ""))
      .filter((s) => s.length > 0);
    const reused = await alignTo(promptTokens, promptTokens.length - 1);
    const maxTokens = opts.maxTokens ?? DEFAULT_LLAMA_MAX_TOKENS;
    const temperature = opts.temperature ?? 0;
    const out: Token[] = [];
    let text = "";
    let finishReason = "length";
    if (maxTokens > 0) {
      const grammar = opts.json ? await (jsonGrammar ??= llama.getGrammarFor("json")) : undefined;
      const it = sequence.evaluate(promptTokens.slice(reused), {
        temperature,
        // temperature > 0 needs a seed to be reproducible; default to the sample index
        seed: opts.seed ?? opts.sample ?? 0,
        ...(grammar ? { grammarEvaluationState: new N.LlamaGrammarEvaluationState({ model, grammar }) } : {}),
      });
      for await (const t of it) {
        // never hand back a cut-off text as if it were the answer (the runner would cache it)
        if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
        if (model.isEogToken(t)) {
          finishReason = "stop";
          break;
        }
        out.push(t);
        text = model.detokenize(out);
        const hit = stopTexts.find((s) => text.endsWith(s));
        if (hit) {
          text = text.slice(0, -hit.length);
          finishReason = "stop";
          break;
        }
        if (out.length >= maxTokens) break;
      }
    }
    return { text: text.trim(), outputTokens: out.length, promptTokens: promptTokens.length, reused, evaluated: promptTokens.length - reused, finishReason };
  };

  const baseMeta = { provider: "llama", model: basename(path), chatWrapper: wrapper.wrapperName, threads, contextSize, reusePrefix };

  return {
    id: spec,
    capabilities: { distribution: true, seed: true, batch: false, maxConcurrency: 1 },
    answer: (prompt, opts) =>
      lock(async () => {
        if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
        const started = performance.now();
        if (opts.distribution) {
          const s = await score(prompt, opts.signal);
          const norm = normaliseOverCodes(s.mass, prompt.answerCodes);
          // the code comes from the distribution, not from text: the provider gives it (see ProviderReply)
          const answer: ProviderReply = {
            text: "",
            code: norm ? argmaxCode(norm.distribution, prompt.answerCodes) : null,
            refused: false,
            latencyMs: performance.now() - started,
            usage: { inputTokens: s.promptTokens, outputTokens: 0 },
            cost: 0,
            meta: { ...baseMeta, mode: "score", promptTokens: s.promptTokens, reusedTokens: s.reused, evaluatedTokens: s.evaluated, scoringPasses: s.passes },
          };
          if (norm) {
            answer.distribution = norm.distribution;
            answer.validMass = norm.validMass;
          } else {
            answer.reason = "no probability mass on any code";
          }
          return answer;
        }
        // raw text: the runner parses it (answerFromReply), as for every provider
        const g = await generate(prompt, opts);
        return {
          text: g.text,
          latencyMs: performance.now() - started,
          usage: { inputTokens: g.promptTokens, outputTokens: g.outputTokens },
          cost: 0,
          meta: {
            ...baseMeta,
            mode: "generate",
            finishReason: g.finishReason,
            promptTokens: g.promptTokens,
            reusedTokens: g.reused,
            evaluatedTokens: g.evaluated,
            ...(opts.json ? { json: "grammar" } : {}),
          },
        };
      }),
    async close() {
      await lock(async () => {
        await context.dispose();
        await model.dispose();
      });
    },
  };
}
