import { NoArgs } from '../schemas/common.js';
import { CancelTraceSyncResult, ClearTraceCacheRequest, ClearTraceCacheResult, TraceCacheStatus } from '../schemas/mlflow-trace-cache.js';
import { SetTokenPrices, SetWorkspacePrices, TokenPriceRows, TokensLatency, TokensSummary, TokensSummaryRequest, WorkspacePriceRows, WorkspacePricesRequest } from '../schemas/mlflow-tokens.js';

/** Token usage analytics over MLflow LLM traces, and the price table used for cost. */
export const mlflowTokensChannels = {
  'mlflow.tokens.summary': { args: TokensSummaryRequest, result: TokensSummary },
  /** Latency and errors of the same selection (topN is ignored); its own call, as it reads every span's timing. */
  'mlflow.tokens.latency': { args: TokensSummaryRequest, result: TokensLatency },
  /** The price table, sorted by model name. */
  'mlflow.tokens.prices.get': { args: NoArgs, result: TokenPriceRows },
  /** Replaces the whole price table; answers the stored table. */
  'mlflow.tokens.prices.set': { args: SetTokenPrices, result: TokenPriceRows },
  /** The open workspace's own prices (its saved workspace's), which win over the app-wide table; none for an unsaved one. */
  'mlflow.tokens.prices.workspace.get': { args: WorkspacePricesRequest, result: WorkspacePriceRows },
  /** Replaces the workspace's own prices (a row left out is reset to the app-wide price or the catalog); saved workspaces only. */
  'mlflow.tokens.prices.workspace.set': { args: SetWorkspacePrices, result: WorkspacePriceRows },
  /** Forgets the workspace's trace cache (tracking servers only); the next summary syncs from the first page. */
  'mlflow.tokens.cache.clear': { args: ClearTraceCacheRequest, result: ClearTraceCacheResult },
  /** The trace cache's sync progress (traces listed, spans still to read); null without a tracking server. */
  'mlflow.tokens.cache.status': { args: ClearTraceCacheRequest, result: TraceCacheStatus },
  /** Stops the running sync and span reads; what was fetched stays and the next summary resumes from there. */
  'mlflow.tokens.cache.cancel': { args: ClearTraceCacheRequest, result: CancelTraceSyncResult },
} as const;

export const mlflowTokensEvents = {} as const;

export type MlflowTokensChannel = keyof typeof mlflowTokensChannels;
