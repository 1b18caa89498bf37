/**
 * Polling a fine-tuning job for hours must not pile listeners on the stop signal: each poll's sleep
 * unsubscribes when it wakes (it used to add one abort listener per poll and never remove it).
 */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { createServer } from "node:http";
import { test } from "node:test";
import { waitForFineTuneJob } from "../src/finetune";

test("waitForFineTuneJob: 12 polls leave no abort listener on the signal", async () => {
  let polls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      polls++;
      const done = polls > 12;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "ftjob-9",
          object: "fine_tuning.job",
          model: "m",
          status: done ? "succeeded" : "running",
          training_file: "f",
          created_at: 1,
          fine_tuned_model: done ? "ft:m:x" : null,
          error: null,
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  try {
    const ctl = new AbortController();
    let most = 0;
    const j = await waitForFineTuneJob("ftjob-9", {
      baseURL: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`,
      env: { OPENAI_API_KEY: "test-key-not-a-secret" },
      intervalMs: 1,
      signal: ctl.signal,
      onStatus: () => (most = Math.max(most, getEventListeners(ctl.signal, "abort").length)),
    });
    assert.equal(j.status, "succeeded");
    assert.equal(polls, 13);
    assert.equal(getEventListeners(ctl.signal, "abort").length, 0);
    assert.equal(most, 0);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
