import type { MlflowChannel } from '../../shared/channels/mlflow.js';
import type { HandlersFor } from '../ipc/router.js';
import type { WorkspaceRegistry } from '../workspace/workspace-registry.js';
import { runQuery, traceQuery } from './queries.js';
import { TraceSlices } from './trace-slices.js';
import { searchTraces } from './trace-cache/cached-trace-search.js';
import { traceCacheScope, type TraceCaches } from './trace-cache/trace-caches.js';

export function mlflowHandlers({ workspaces, traceCaches }: { workspaces: WorkspaceRegistry; traceCaches: TraceCaches }): HandlersFor<MlflowChannel> {
  const source = (workspaceId: string) => workspaces.mlflow(workspaceId);
  const slices = new TraceSlices();
  return {
    'mlflow.status': async ({ workspaceId }) => {
      const info = workspaces.get(workspaceId).info;
      if (info.mlflowTrackingUri === undefined) return { configured: false, source: null };
      return { configured: true, source: (await source(workspaceId)).info };
    },
    'mlflow.experiments': async ({ workspaceId, view }) => {
      const store = await source(workspaceId);
      return { experiments: await store.experiments(view ?? 'active'), source: store.info };
    },
    'mlflow.runs': async ({ workspaceId, ...args }) => (await source(workspaceId)).runs(runQuery(args)),
    'mlflow.run': async ({ workspaceId, runId }) => (await source(workspaceId)).run(runId),
    'mlflow.metricHistory': async ({ workspaceId, runIds, key }) => (await source(workspaceId)).metricHistory(runIds, key),
    'mlflow.artifacts': async ({ workspaceId, runId, path }) => (await source(workspaceId)).artifacts(runId, path ?? ''),
    'mlflow.artifact': async ({ workspaceId, runId, path }) => (await source(workspaceId)).artifact(runId, path),
    'mlflow.traces': async ({ workspaceId, ...args }) =>
      searchTraces(await source(workspaceId), traceQuery(args), traceCaches, traceCacheScope(workspaces.get(workspaceId).info)),
    'mlflow.trace': async ({ workspaceId, traceId, ...slice }) => slices.trace(await source(workspaceId), workspaceId, traceId, slice),
    'mlflow.span': async ({ workspaceId, traceId, spanId }) => (await source(workspaceId)).span(traceId, spanId),
  };
}
