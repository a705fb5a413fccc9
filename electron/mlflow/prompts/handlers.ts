import type { MlflowPromptsChannel } from '../../../shared/channels/mlflow-prompts.js';
import type { HandlersFor } from '../../ipc/router.js';
import type { WorkspaceRegistry } from '../../workspace/workspace-registry.js';
import type { PriceStore } from '../tokens/price-store.js';
import { traceCacheScope, type TraceCaches } from '../trace-cache/trace-caches.js';
import { promptsOf, promptTracesOf } from './source-prompts.js';

export interface MlflowPromptsDeps {
  workspaces: WorkspaceRegistry;
  prices: PriceStore;
  traceCaches: TraceCaches;
}

export function mlflowPromptsHandlers({ workspaces, prices, traceCaches }: MlflowPromptsDeps): HandlersFor<MlflowPromptsChannel> {
  return {
    'mlflow.prompts': async ({ workspaceId, experimentIds }) =>
      promptsOf(await workspaces.mlflow(workspaceId), experimentIds, { caches: traceCaches, scope: traceCacheScope(workspaces.get(workspaceId).info) }, prices.effective(workspaces.get(workspaceId).info.savedId)),
    'mlflow.promptTraces': async ({ workspaceId, experimentIds, ...query }) =>
      promptTracesOf(await workspaces.mlflow(workspaceId), experimentIds, { caches: traceCaches, scope: traceCacheScope(workspaces.get(workspaceId).info) }, query),
  };
}
