import { PromptsRequest, PromptsResult, PromptTracesRequest, PromptTracesResult } from '../schemas/mlflow-prompts.js';

/** The Prompts view over MLflow LLM traces: traces grouped by registered prompt version or system prompt. */
export const mlflowPromptsChannels = {
  /** Every prompt of the experiments with its versions' figures; on a tracking server, from the trace cache (synced first). */
  'mlflow.prompts': { args: PromptsRequest, result: PromptsResult },
  /** A prompt's traces, newest first, paged: of one version, or of one input across versions. */
  'mlflow.promptTraces': { args: PromptTracesRequest, result: PromptTracesResult },
} as const;

export const mlflowPromptsEvents = {} as const;

export type MlflowPromptsChannel = keyof typeof mlflowPromptsChannels;
