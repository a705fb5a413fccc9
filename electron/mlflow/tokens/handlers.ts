import type { MlflowTokensChannel } from '../../../shared/channels/mlflow-tokens.js';
import type { HandlersFor } from '../../ipc/router.js';
import { StratusError } from '../../../shared/errors.js';
import type { WorkspaceRegistry } from '../../workspace/workspace-registry.js';
import { traceCacheScope, type TraceCaches } from '../trace-cache/trace-caches.js';
import { traceOrigin } from '../trace-cache/trace-origin.js';
import type { PriceStore } from './price-store.js';
import { sourceLatency, summarizeSource } from './summarize-source.js';
import type { TokenAnalytics } from './token-analytics.js';

export interface MlflowTokensDeps {
  workspaces: WorkspaceRegistry;
  analytics: TokenAnalytics;
  prices: PriceStore;
  traceCaches: TraceCaches;
}

export function mlflowTokensHandlers({ workspaces, analytics, prices, traceCaches }: MlflowTokensDeps): HandlersFor<MlflowTokensChannel> {
  return {
    'mlflow.tokens.summary': async ({ workspaceId, ...filter }) =>
      summarizeSource(await workspaces.mlflow(workspaceId), filter, analytics, prices.effective(workspaces.get(workspaceId).info.savedId), { caches: traceCaches, scope: traceCacheScope(workspaces.get(workspaceId).info) }),
    'mlflow.tokens.cache.clear': async ({ workspaceId }) => {
      const origin = traceOrigin(await workspaces.mlflow(workspaceId), traceCacheScope(workspaces.get(workspaceId).info));
      if (!origin) return { applicable: false, traces: 0 };
      const { traces } = await traceCaches.clear(origin);
      return { applicable: true, traces };
    },
    'mlflow.tokens.cache.status': async ({ workspaceId }) => {
      const origin = traceOrigin(await workspaces.mlflow(workspaceId), traceCacheScope(workspaces.get(workspaceId).info));
      return origin ? traceCaches.status(origin) : null;
    },
    'mlflow.tokens.cache.cancel': async ({ workspaceId }) => {
      const origin = traceOrigin(await workspaces.mlflow(workspaceId), traceCacheScope(workspaces.get(workspaceId).info));
      return { cancelled: origin !== null && (await traceCaches.cancel(origin)) };
    },
    'mlflow.tokens.latency': async ({ workspaceId, ...filter }) => 
      sourceLatency(await workspaces.mlflow(workspaceId), filter, analytics, { caches: traceCaches, scope: traceCacheScope(workspaces.get(workspaceId).info) }),
    'mlflow.tokens.prices.get': () => Promise.resolve({ rows: prices.get() }),
    'mlflow.tokens.prices.set': ({ rows }) => Promise.resolve({ rows: prices.set(rows) }),
    'mlflow.tokens.prices.workspace.get': ({ workspaceId }) => {
      const { savedId } = workspaces.get(workspaceId).info;
      return Promise.resolve(savedId === undefined ? { saved: false, rows: [] } : { saved: true, rows: prices.getWorkspace(savedId) });
    },
    'mlflow.tokens.prices.workspace.set': ({ workspaceId, rows }) => {
      const { savedId } = workspaces.get(workspaceId).info;
      if (savedId === undefined) {
        throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'This workspace is not saved, so it cannot have prices of its own: save it first, or edit the prices for all workspaces.' });
      }
      return Promise.resolve({ saved: true, rows: prices.setWorkspace(savedId, rows) });
    },
  };
}
