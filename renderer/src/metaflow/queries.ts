import { infiniteQueryOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { LogResult, RunListQuery } from '../../../shared/contract.js';
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

/** While main refreshes a list it painted from its index: how often to look whether the refresh is done. */
const REFRESH_POLL_MS = 3000;

/** While main reads the statuses of a list (or run view) it answered from a listing: how often to fetch the rows so far. */
const STATUS_POLL_MS = 500;

/** `query`: the namespace, filters and page size a metadata service runs (a datastore alone ignores it). */
export const runsQuery = (workspaceId: string, flow: string, query?: RunListQuery) =>
  queryOptions({
    queryKey: ['metaflow.runs', workspaceId, flow, query ?? {}],
    // Progressive: the rows come from the flow's one listing, their statuses as main reads them.
    queryFn: () => call('metaflow.runs', { workspaceId, flow, progressive: true, ...(query === undefined ? {} : { query }) }),
    // `metaflow.runsChanged` comes only when a refresh changed rows; a refresh that found nothing new
    // shows up as the next read no longer being `fromIndex` (main does not refresh again that soon).
    refetchInterval: (query): number | false => (query.state.data?.statuses ? STATUS_POLL_MS : query.state.data?.fromIndex ? REFRESH_POLL_MS : false),
  });

/** While the metadata service does not answer: how often to try it again. */
const UNREACHABLE_POLL_MS = 15_000;

/**
 * A service's runs, a page at a time: each next page follows the service's cursor (`next`), so the pages already
 * shown are not read again and a flow with 100,000 runs costs only the pages scrolled to.
 */
export const serviceRunsQuery = (workspaceId: string, flow: string, query: Omit<RunListQuery, 'cursor'>) =>
  infiniteQueryOptions({
    queryKey: ['metaflow.runs', workspaceId, flow, query, 'pages'],
    queryFn: ({ pageParam }) => call('metaflow.runs', { workspaceId, flow, query: { ...query, ...(pageParam === undefined ? {} : { cursor: pageParam }) } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
    refetchInterval: (q): number | false => {
      const first = q.state.data?.pages[0];
      if (first?.unreachable !== undefined) return UNREACHABLE_POLL_MS;
      return first?.fromIndex ? REFRESH_POLL_MS : false;
    },
  });

/** `metaflow.runsChanged` for a flow: re-read its runs if they were ever listed. */
export function onRunsChanged(queryClient: QueryClient, workspaceId: string, flow: string): void {
  void queryClient.invalidateQueries({ queryKey: ['metaflow.runs', workspaceId, flow] });
}

export const runQuery = (r: RunRef) =>
  queryOptions({
    queryKey: ['metaflow.run', r.workspaceId, r.flow, r.run],
    // Progressive: steps and tasks from the run's listing, task statuses as main reads them.
    queryFn: () => call('metaflow.run', { workspaceId: r.workspaceId, flow: r.flow, run: r.run, progressive: true }),
    refetchInterval: (query): number | false => (query.state.data?.taskStatuses ? STATUS_POLL_MS : false),
  });

export const taskQuery = (t: TaskRef) =>
  queryOptions({
    queryKey: ['metaflow.task', ...taskKey(t)],
    queryFn: () => call('metaflow.task', taskArgs(t)),
  });

/** Every preview of one artifact (partial and whole), to refresh after its tier changed. */
export const artifactKey = (t: TaskRef, name: string) => ['metaflow.artifact', ...taskKey(t), name] as const;

export const artifactQuery = (t: TaskRef, name: string, full: boolean) =>
  queryOptions({
    queryKey: [...artifactKey(t, name), full],
    queryFn: () => call('metaflow.artifact', { ...taskArgs(t), name, full: full || undefined }),
    // An artifact of a finished attempt never changes; an archived one is asked again on each visit,
    // so a rehydration that finished (hours later, on Azure) shows.
    staleTime: (query) => (query.state.data?.archived ? 0 : Infinity),
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
