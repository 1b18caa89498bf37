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
  return handleExecute.call(this, sock, msg);
};

// tslab reads its command line from process.argv; src/notebook/tslab.ts recognises the kernel by it.
process.argv = [process.argv[0], path.join(root, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", config];
require(tslabMain).main();
