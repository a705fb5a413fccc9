import type { MlflowTokensChannel } from '../../../shared/channels/mlflow-tokens.js';
import type { HandlersFor } from '../../ipc/router.js';
import type { WorkspaceRegistry } from '../../workspace/workspace-registry.js';
import type { PriceStore } from './price-store.js';
import { sourceLatency, summarizeSource } from './summarize-source.js';
import type { TokenAnalytics } from './token-analytics.js';

export interface MlflowTokensDeps {
  workspaces: WorkspaceRegistry;
  analytics: TokenAnalytics;
  prices: PriceStore;
}

export function mlflowTokensHandlers({ workspaces, analytics, prices }: MlflowTokensDeps): HandlersFor<MlflowTokensChannel> {
  return {
    'mlflow.tokens.summary': async ({ workspaceId, ...filter }) => summarizeSource(await workspaces.mlflow(workspaceId), filter, analytics, prices),
    'mlflow.tokens.latency': async ({ workspaceId, ...filter }) => sourceLatency(await workspaces.mlflow(workspaceId), filter, analytics),
    'mlflow.tokens.prices.get': () => Promise.resolve({ rows: prices.get() }),
    'mlflow.tokens.prices.set': ({ rows }) => Promise.resolve({ rows: prices.set(rows) }),
  };
}
