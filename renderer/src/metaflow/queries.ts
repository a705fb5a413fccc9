import { queryOptions, type QueryClient } from '@tanstack/react-query';
import type { LogResult } from '../../../shared/contract.js';
import { call } from '../api/client.js';

// One place for the Metaflow views' cache entries, so a view and whatever refreshes it agree on keys.
// Every key starts with the channel and the workspace id: `invalidateWorkspace` relies on that.

export interface RunRef {
  workspaceId: string;
  flow: string;
  run: string;
}

export interface TaskRef extends RunRef {
  step: string;
  task: string;
  /** Undefined: the latest attempt. */
  attempt?: number;
}

export type LogStream = 'stdout' | 'stderr';

const taskKey = (t: TaskRef) => [t.workspaceId, t.flow, t.run, t.step, t.task, t.attempt ?? 'latest'] as const;
const taskArgs = (t: TaskRef) => ({ workspaceId: t.workspaceId, flow: t.flow, run: t.run, step: t.step, task: t.task, attempt: t.attempt });

/** Flows whose next runs fetch is the re-read after main reported a finished background refresh. */
const rereadAfterRefresh = new Set<string>();
const flowKey = (workspaceId: string, flow: string) => `${workspaceId}\n${flow}`;

export const runsQuery = (workspaceId: string, flow: string) =>
  queryOptions({
    queryKey: ['metaflow.runs', workspaceId, flow],
    queryFn: async () => {
      const reread = rereadAfterRefresh.delete(flowKey(workspaceId, flow));
      const list = await call('metaflow.runs', { workspaceId, flow });
      // Main paints every warm list from its index, but rows read right after a refresh finished are that refresh's.
      return { ...list, fromIndex: reread ? false : list.fromIndex, reread };
    },
  });

/**
 * `metaflow.runsChanged` for a flow: re-read its runs once. Main answers that re-read from its index
 * again and starts another background refresh, whose event is the echo of our own re-read: it is
 * not followed, or the list would be re-read forever.
 */
export function onRunsChanged(queryClient: QueryClient, workspaceId: string, flow: string): void {
  const { queryKey } = runsQuery(workspaceId, flow);
  const shown = queryClient.getQueryData(queryKey);
  // A flow never listed has nothing to refresh; one whose list is the re-read hears its echo.
  if (shown === undefined || shown.reread) return;
  rereadAfterRefresh.add(flowKey(workspaceId, flow));
  void queryClient.invalidateQueries({ queryKey });
}

export const runQuery = (r: RunRef) =>
  queryOptions({
    queryKey: ['metaflow.run', r.workspaceId, r.flow, r.run],
    queryFn: () => call('metaflow.run', { workspaceId: r.workspaceId, flow: r.flow, run: r.run }),
  });

export const taskQuery = (t: TaskRef) =>
  queryOptions({
    queryKey: ['metaflow.task', ...taskKey(t)],
    queryFn: () => call('metaflow.task', taskArgs(t)),
  });

export const artifactQuery = (t: TaskRef, name: string, full: boolean) =>
  queryOptions({
    queryKey: ['metaflow.artifact', ...taskKey(t), name, full],
    queryFn: () => call('metaflow.artifact', { ...taskArgs(t), name, full: full || undefined }),
    // An artifact of a finished attempt never changes.
    staleTime: Infinity,
  });

export const logsQuery = (t: TaskRef, stream: LogStream, follow: boolean) =>
  queryOptions({
    queryKey: ['metaflow.logs', ...taskKey(t), stream],
    queryFn: () => call('metaflow.logs', { ...taskArgs(t), stream }),
    refetchInterval: (query): number | false => (follow && (query.state.data as LogResult | undefined)?.live ? 2000 : false),
  });

export const cardQuery = (t: TaskRef, file: string) =>
  queryOptions({
    queryKey: ['metaflow.card', ...taskKey(t), file],
    queryFn: () => call('metaflow.card', { ...taskArgs(t), file }),
    // The id names a copy main keeps only while it is among the recently opened cards: not cached for long.
    gcTime: 60_000,
  });
