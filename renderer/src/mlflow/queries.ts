import { queryOptions } from '@tanstack/react-query';
import type { LifecycleView, TraceFilter, TraceSort } from '../../../shared/schemas/mlflow.js';
import { call } from '../api/client.js';

// The MLflow views' cache entries. As in metaflow/queries.ts every key is [channel, workspaceId, …],
// so the section's Refresh can invalidate exactly this workspace's MLflow data.

/** Whether a react-query key belongs to this workspace's MLflow data. */
export function isMlflowKey(key: readonly unknown[], workspaceId: string): boolean {
  return typeof key[0] === 'string' && key[0].startsWith('mlflow.') && key[1] === workspaceId;
}

export const statusQuery = (workspaceId: string) =>
  queryOptions({ queryKey: ['mlflow.status', workspaceId], queryFn: () => call('mlflow.status', { workspaceId }) });

export const experimentsQuery = (workspaceId: string, view: LifecycleView) =>
  queryOptions({
    queryKey: ['mlflow.experiments', workspaceId, view],
    queryFn: () => call('mlflow.experiments', { workspaceId, view }),
  });

/** Every run of the experiment in the chosen lifecycle view: pages are followed, the table sorts client-side. */
export const mlflowRunsQuery = (workspaceId: string, experimentId: string, view: LifecycleView, filter?: string) =>
  queryOptions({
    queryKey: ['mlflow.runs', workspaceId, experimentId, view, filter ?? ''],
    queryFn: async () => {
      const first = await call('mlflow.runs', { workspaceId, experimentIds: [experimentId], view, filter });
      const runs = [...first.runs];
      let token = first.nextPageToken;
      while (token !== null) {
        const page = await call('mlflow.runs', { workspaceId, experimentIds: [experimentId], view, filter, pageToken: token });
        runs.push(...page.runs);
        token = page.nextPageToken;
      }
      return runs;
    },
  });

export const mlflowRunQuery = (workspaceId: string, runId: string) =>
  queryOptions({ queryKey: ['mlflow.run', workspaceId, runId], queryFn: () => call('mlflow.run', { workspaceId, runId }) });

export const metricHistoryQuery = (workspaceId: string, runIds: readonly string[], key: string) =>
  queryOptions({
    queryKey: ['mlflow.metricHistory', workspaceId, [...runIds].sort().join(','), key],
    queryFn: () => call('mlflow.metricHistory', { workspaceId, runIds: [...runIds], key }),
  });

export const artifactsQuery = (workspaceId: string, runId: string, path: string) =>
  queryOptions({
    queryKey: ['mlflow.artifacts', workspaceId, runId, path],
    queryFn: () => call('mlflow.artifacts', { workspaceId, runId, path: path === '' ? undefined : path }),
  });

export const mlflowArtifactQuery = (workspaceId: string, runId: string, path: string) =>
  queryOptions({
    queryKey: ['mlflow.artifact', workspaceId, runId, path],
    queryFn: () => call('mlflow.artifact', { workspaceId, runId, path }),
  });

export const TRACE_PAGE_SIZE = 500;

export const tracesQueryKey = (workspaceId: string, experimentId: string, filter: TraceFilter, sort: TraceSort) =>
  ['mlflow.traces', workspaceId, experimentId, JSON.stringify(filter), sort.by, sort.order] as const;

export const tokensSummaryQuery = (workspaceId: string, experimentId: string, from: number | undefined, to: number | undefined) =>
  queryOptions({
    queryKey: ['mlflow.tokens.summary', workspaceId, experimentId, from ?? null, to ?? null],
    queryFn: () => call('mlflow.tokens.summary', { workspaceId, experimentIds: [experimentId], from, to, topN: 20 }),
  });

/** Latency and errors of the same selection, asked apart: it reads every span's timing, so the token figures need not wait. */
export const tokensLatencyQuery = (workspaceId: string, experimentId: string, from: number | undefined, to: number | undefined) =>
  queryOptions({
    queryKey: ['mlflow.tokens.latency', workspaceId, experimentId, from ?? null, to ?? null],
    queryFn: () => call('mlflow.tokens.latency', { workspaceId, experimentIds: [experimentId], from, to }),
    // A tracking server's spans are read in the background: the span figures fill in as they arrive.
    refetchInterval: (query) => ((query.state.data?.spansPending ?? 0) > 0 ? 5000 : false),
  });

/** The app-wide price table; the key still leads with the channel. */
export const pricesQuery = () =>
  queryOptions({ queryKey: ['mlflow.tokens.prices.get'], queryFn: () => call('mlflow.tokens.prices.get', {}) });

/** The open workspace's own prices (none, and `saved: false`, for an unsaved workspace). */
export const workspacePricesQuery = (workspaceId: string) =>
  queryOptions({ queryKey: ['mlflow.tokens.prices.workspace.get', workspaceId], queryFn: () => call('mlflow.tokens.prices.workspace.get', { workspaceId }) });

/** One span whole, for traces whose spans came without payloads (see TraceDetail.spanPayloads). */
export const spanQuery = (workspaceId: string, traceId: string, spanId: string) =>
  queryOptions({
    queryKey: ['mlflow.span', workspaceId, traceId, spanId],
    queryFn: () => call('mlflow.span', { workspaceId, traceId, spanId }),
    staleTime: Infinity,
  });
