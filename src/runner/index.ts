/** The runner's public API (notebooks: `import { runGrid } from "./src/runner/index"`; tslab does not resolve folder imports). */
export { runGrid, planGrid, selectPairs, buildJobs, estimateTokens } from "./grid";
export type { GridOptions, RunSummary, DryRunPlan, PairRef } from "./grid";
export { runBatchGrid, batchCustomId, buildBatchInput, collectBatchOutput, pendingBatches } from "./batch";
export type { BatchGridOptions } from "./batch";
export { runJobs, jobKey, toPrediction } from "./engine";
export type { Job, ProgressState, EngineOptions, EngineResult } from "./engine";
export { AnswerCache, cacheKey, cacheDir } from "./cache";
export { readResults, listRuns, latestRun, resultsRoot, runState, benchmarkMismatch, checkRunId } from "./results";
export type { RunManifest, RunCounts, RunError, RunResults, RunListing } from "./results";
export { autoProgress, notebookProgress, terminalProgress, textProgress, formatProgressLine } from "./progress";
export type { ProgressDisplay } from "./progress";
export { DEFAULT_RETRY, classifyError } from "./retry";
export type { RetryPolicy } from "./retry";
