/**
 * A fix for tslab 1.0.22's compiler host, applied as tslab's converter.js is loaded (node_modules
 * is never edited). tslab gives TypeScript a single timer slot and throws "Unexpected pending
 * rebuildTimer" when TypeScript asks for a second timer while one is pending. TypeScript keeps
 * two (program update, failed-lookup invalidation): when a src/ file changes while the kernel runs
 * — a user editing a helper, an editor saving by rename — every later cell then fails until the
 * kernel restarts. The fix: a pending timer is run before the next one is set (it is deferred work
 * that runs at the next cell anyway), a timer's slot is freed before its callback runs (so work it
 * schedules is kept), and clearing a timer that already ran is a no-op.
 * When the source is not the one this was written for, nothing is changed.
 */
"use strict";
const fs = require("node:fs");
const Module = require("node:module");

const PATCHES = [
  [
    `        if (rebuildTimer) {
            throw new Error("Unexpected pending rebuildTimer");
        }
        rebuildTimer = {
            callback: () => {
                callback();
                rebuildTimer = null;
            },
        };
        return rebuildTimer;`,
    `        if (rebuildTimer) {
            const pending = rebuildTimer;
            rebuildTimer = null;
            pending.callback();
        }
        const timer = {
            callback: () => {
                if (rebuildTimer === timer) rebuildTimer = null;
                callback();
            },
        };
        rebuildTimer = timer;
        return timer;`,
  ],
  [`        throw new Error("clearing unexpected tiemr");`, `        return; // a timer that already ran`],
  // updateContent runs the timer it expects; the flush above may already have run it.
  [
    `        if (!rebuildTimer) {
            throw new Error("rebuildTimer is not set properly");
        }
        rebuildTimer.callback();`,
    `        if (rebuildTimer) rebuildTimer.callback();`,
  ],
];

/** Install the fix for the converter.js at `file` (tslab's dist/converter.js). */
function installTslabTimerFix(file) {
  const source = fs.readFileSync(file, "utf8");
  if (!PATCHES.every(([from]) => source.includes(from))) {
    process.stderr.write(`svlab kernel: tslab's converter is not the expected 1.0.22 source; timer fix not applied\n`);
    return false;
  }
  const patched = PATCHES.reduce((s, [from, to]) => s.replace(from, to), source);
  const load = Module._extensions[".js"];
  Module._extensions[".js"] = (module, filename) => {
    if (filename === file) return module._compile(patched, filename);
    return load(module, filename);
  };
  return true;
}

module.exports = { installTslabTimerFix };
