#!/usr/bin/env node
/**
 * svlab's Jupyter kernel: tslab, started at the project root wherever a front end starts it.
 *
 * Jupyter Notebook, JupyterLab, VS Code and `jupyter nbconvert --execute` start a kernel in the
 * notebook's own folder, but tslab roots its TypeScript program at the kernel's working folder, so
 * cells' `import … from "./src/…"` only resolve from the project root. This wrapper changes to the
 * root (the folder above bin/) and then starts tslab's kernel in-process. The folder the front end
 * chose is kept in SVLAB_NOTEBOOK_DIR.
 *
 * It also records which front-end session sent the cell being executed (Jupyter's header.session:
 * a new one per browser page or nbclient run), so figures can load plotly.js once per page.
 *
 * Usage (what kernel.json runs): node bin/svlab-kernel.cjs CONNECTION_FILE
 */
"use strict";
const path = require("node:path");

const connectionFile = process.argv[2];
if (!connectionFile) {
  console.error("usage: svlab-kernel.cjs CONNECTION_FILE (Jupyter passes it through kernel.json)");
  process.exit(2);
}
const root = path.resolve(__dirname, "..");
process.env.SVLAB_NOTEBOOK_DIR = process.cwd();
const config = path.resolve(connectionFile);
process.chdir(root);

let tslabMain;
try {
  tslabMain = require.resolve("tslab/dist/main.js", { paths: [root] });
} catch {
  console.error(`svlab kernel: tslab is not installed in ${root}/node_modules; run \`npm ci\` (or \`npm run setup\`) there`);
  process.exit(1);
}

// Editing src/ while the kernel runs must not break tslab's compiler (see tslab-timer-fix.cjs).
require("./tslab-timer-fix.cjs").installTslabTimerFix(path.join(path.dirname(tslabMain), "converter.js"));

// Remember the front-end session of each execute request (see above).
const jupyter = require(path.join(path.dirname(tslabMain), "jupyter.js"));
const handleExecute = jupyter.ZmqServer.prototype.handleExecute;
jupyter.ZmqServer.prototype.handleExecute = function (sock, msg) {
  globalThis[Symbol.for("svlab.kernel.session")] = msg && msg.header ? msg.header.session : undefined;
  // Lets the cell's error be published as Jupyter's "error" output of this request (see below).
  if (msg && msg.content) errorSenders.set(msg.content, (content) => publish(this, msg, "error", content));
  return handleExecute.call(this, sock, msg);
};

// A failing cell shows its error: name, message and stack, as Jupyter's "error" output and in the
// execute_reply (ename/evalue/traceback). tslab reports a failure only by console.error(e) on its
// executor's console — stderr text — and replies {status: "error"} without ename/evalue/traceback,
// so nbclient said just "<Error>:" and front ends showed no error. We hand the executor a console
// that records what it reports while a cell runs: a thrown value becomes the error output (not
// stderr text too); TypeScript diagnostics stay stderr lines as before, and the error output then
// carries them in ename/evalue with an empty traceback, so front ends do not show them twice.
const util = require("node:util");
const executorModule = require(path.join(path.dirname(tslabMain), "executor.js"));
const createExecutor = executorModule.createExecutor; // main.js looks it up on the exports at call time
const errorSenders = new WeakMap(); // execute_request content → publish an "error" output for it
const failures = new WeakMap(); // execute_request content → { ename, evalue, traceback }
let running = null; // what the executor reported during the running cell
executorModule.createExecutor = (rootDir, convs, con) =>
  createExecutor(rootDir, convs, {
    log: con.log,
    error: (...args) => {
      if (!running) return con.error(...args);
      if (args.length === 1) return void running.thrown.push(args[0]); // executor.js: console.error(e) on a throw
      running.diagnostics.push(util.format(...args)); // "file line:col - message"
      con.error(...args);
    },
  });
const handleExecuteImpl = jupyter.JupyterHandlerImpl.prototype.handleExecuteImpl; // runs one cell, in tslab's queue
jupyter.JupyterHandlerImpl.prototype.handleExecuteImpl = async function (req, ...rest) {
  const report = (running = { thrown: [], diagnostics: [] });
  try {
    return await handleExecuteImpl.call(this, req, ...rest);
  } catch (e) {
    const content = errorContent(report);
    if (content) {
      failures.set(req, content);
      const send = errorSenders.get(req);
      if (send)
        send(content); // before execute_reply and the idle status, so it belongs to this cell
      else for (const line of content.traceback) console.error(line);
    }
    throw e;
  } finally {
    running = null;
  }
};
const handlerExecute = jupyter.JupyterHandlerImpl.prototype.handleExecute; // builds execute_reply's content
jupyter.JupyterHandlerImpl.prototype.handleExecute = async function (req, ...rest) {
  const reply = await handlerExecute.call(this, req, ...rest);
  const failure = failures.get(req);
  return reply && reply.status === "error" && failure ? { ...reply, ...failure } : reply;
};

function publish(server, parent, type, content) {
  const msg = parent.createReply();
  msg.header.msg_type = type;
  msg.content = content;
  msg.signAndSend(server.connInfo.key, server.iopub);
}

/** Jupyter's error content for what the executor reported; tolerant of odd thrown values. */
function errorContent(report) {
  if (report.thrown.length) return describeThrown(report.thrown[report.thrown.length - 1]);
  if (report.diagnostics.length) {
    return { ename: "TypeScript", evalue: report.diagnostics.join("\n"), traceback: [] };
  }
  return null;
}

function describeThrown(e) {
  // Getters may throw and errors may come from another realm (vm contexts, workers): read defensively.
  const get = (f) => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  const str = (v) => get(() => String(v)) ?? Object.prototype.toString.call(v);
  let text = get(() => util.inspect(e, { depth: 4 })); // stack (or value) plus own properties such as `code` and `cause`
  if (typeof e !== "object" || e === null) {
    return { ename: typeof e === "string" ? "Thrown string" : `Thrown ${typeof e}`, evalue: str(e), traceback: [text ?? str(e)] };
  }
  const name = get(() => e.name) ?? get(() => e.constructor.name) ?? "Error";
  const code = get(() => e.code);
  const message = get(() => e.message);
  const stack = get(() => e.stack);
  if (!text) text = typeof stack === "string" ? stack : str(e);
  const ename = str(name) + (typeof code === "string" ? ` [${code}]` : "");
  const evalue = message !== undefined ? str(message) : str(e);
  // The kernel's own frames (tslab's executor, this wrapper, node:vm) say nothing about the cell.
  const traceback = text.split("\n").filter((l) => !/^\s+at .*(node:vm:|[\\/]tslab[\\/]dist[\\/]|svlab-kernel\.cjs)/.test(l));
  if (!text.includes(evalue)) traceback.unshift(`${ename}: ${evalue}`);
  return { ename, evalue, traceback };
}

// tslab reads its command line from process.argv; src/notebook/tslab.ts recognises the kernel by it.
process.argv = [process.argv[0], path.join(root, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", config];
require(tslabMain).main();
