/** Fine-tuning data and jobs (the paper's SFT on structured numerical preferences). */
export { buildSftDataset, writeSftDataset, toJsonl, expandCounts } from "./sft-data";
export type { SftDataset, SftExample, SftOptions, SftTarget } from "./sft-data";
export { writeLlamaFactoryJob, PAPER_HYPERPARAMETERS } from "./llamafactory";
export { createFineTuneJob, getFineTuneJob, waitForFineTuneJob } from "./openai-jobs";
export type { FineTuneJobInfo, FineTuneJobOptions } from "./openai-jobs";
export { recordTunedFrom, evaluateCommands, llamaFactoryNextSteps, PUBLISHED_REFERENCE } from "./loop";
