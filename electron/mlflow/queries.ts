import type { TraceFilter, TraceSort } from '../../shared/schemas/mlflow.js';
import { runFilter } from './run-filter.js';
import type { RunQuery, TraceQuery } from './source.js';

// A store query from the arguments the IPC channels and the CLI take, defaults filled in.

export const DEFAULT_RUN_PAGE = 1000;
export const DEFAULT_TRACE_PAGE = 100;
export const DEFAULT_TRACE_SORT: TraceSort = { by: 'timestamp', order: 'desc' };

export function runQuery(args: { experimentIds: string[]; view?: RunQuery['view']; maxResults?: number; pageToken?: string; filter?: string }): RunQuery {
  return {
    experimentIds: args.experimentIds,
    view: args.view ?? 'active',
    maxResults: args.maxResults ?? DEFAULT_RUN_PAGE,
    pageToken: args.pageToken,
    filter: runFilter(args.filter),
  };
}

export function traceQuery(args: { experimentIds: string[]; filter?: TraceFilter; sort?: TraceSort; pageSize?: number; pageToken?: string }): TraceQuery {
  return {
    experimentIds: args.experimentIds,
    filter: args.filter ?? {},
    sort: args.sort ?? DEFAULT_TRACE_SORT,
    pageSize: args.pageSize ?? DEFAULT_TRACE_PAGE,
    pageToken: args.pageToken,
  };
}
