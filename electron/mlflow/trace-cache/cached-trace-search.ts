import { StratusError } from '../../../shared/errors.js';
import type { TraceFilter, TracePage, TraceRow } from '../../../shared/schemas/mlflow.js';
import type { MlflowSource, TraceQuery } from '../source.js';
import { FileStoreSource } from '../sources/file-store.js';
import { RestSource } from '../sources/rest.js';
import type { TraceCaches, TraceOrigin } from './trace-caches.js';
import { traceOrigin } from './trace-origin.js';

// The trace list from the trace cache's rows, where it answers as the source would:
// - a tracking server's list with span conditions (name, type, model, status): the cache's span
//   rows choose the page (a few requests for the page's infos and spans) instead of the server
//   source reading the spans of every trace it lists;
// - a file store's list, with or without span conditions: the cache chooses the page and counts the
//   total in the file store's order, and only the page's trace folders are read, instead of every
//   folder's info (and, with span conditions, every candidate's traces.json) for each page. With a
//   tag, a run or free text (which the cache does not hold) the cache lists every candidate in
//   order, their infos are read to apply those, and only the page's traces.json.
// Only once every experiment of the search had a first sync; otherwise, as before, the source.
// Pages the cache answered carry its own page token, so later pages stay with it.

const KEY = 'stratusTraceCache';

function cachedToken(offset: number): string {
  return Buffer.from(JSON.stringify({ [KEY]: offset }), 'utf8').toString('base64url');
}

/** The offset of a page token this module handed out; undefined for any other token (a server's). */
function cachedOffset(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const offset = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[KEY] : undefined;
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

/** Traces a file store's list with a tag, a run or free text takes from the cache as candidates, at most (the whole store, in practice). */
const MAX_CANDIDATES = 1_000_000_000;

type CachedList =
  | {
      origin: TraceOrigin;
      /** The rows of the page's traces, in the order given. */
      rows: (traceIds: readonly string[], query: TraceQuery) => Promise<TraceRow[]>;
      /** The cache answers every condition of the filter, in the source's order, with the total (a file store). */
      whole: boolean;
    }
  | {
      origin: TraceOrigin;
      /** The page of the cache's candidates (every match of the conditions it holds, in order) that pass the rest, and their total. */
      among: (traceIds: readonly string[], query: TraceQuery, offset: number) => Promise<{ traces: TraceRow[]; total: number }>;
    };

/** Conditions a file store's list takes whole from the cache: all but a tag, a run and free text. */
const fileFilterCached = (f: TraceFilter) => f.tag === undefined && f.runId === undefined && f.text === undefined;

function cachedList(source: MlflowSource, scope: string, filter: TraceFilter): CachedList | null {
  const origin = traceOrigin(source, scope);
  if (origin === null) return null;
  if (source instanceof RestSource) return filter.span === undefined ? null : { origin, rows: (ids, q) => source.tracesByIds(ids, q), whole: false };
  if (source instanceof FileStoreSource) {
    return fileFilterCached(filter) ? { origin, rows: (ids, q) => source.tracesByIds(ids, q), whole: true } : { origin, among: (ids, q, at) => source.tracesAmong(ids, q, at) };
  }
  return null;
}

export async function searchTraces(source: MlflowSource, query: TraceQuery, caches: TraceCaches, scope: string): Promise<TracePage> {
  const offset = cachedOffset(query.pageToken);
  // A page token the source handed out stays with the source.
  const list = query.pageToken !== undefined && offset === undefined ? null : cachedList(source, scope, query.filter);
  if (list === null) {
    if (offset !== undefined) throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'The page token is not one this list handed out; reload the list.' });
    return source.traces(query);
  }
  const at = offset ?? 0;
  const candidates = 'among' in list;
  const page = await caches.spanSearch(list.origin, {
    experimentIds: query.experimentIds,
    filter: query.filter,
    sort: query.sort,
    offset: candidates ? 0 : at,
    limit: candidates ? MAX_CANDIDATES : query.pageSize,
    nullsLast: candidates || list.whole,
    total: !candidates && list.whole,
    first: offset === undefined,
  });
  if (page === null) {
    if (offset === undefined) return source.traces(query);
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'The trace cache was cleared or changed while this list was paged; search again.' });
  }
  const next = at + query.pageSize;
  if (candidates) {
    const { traces, total } = await list.among(page.traceIds, query, at);
    return { traces, nextPageToken: next < total ? cachedToken(next) : null, total };
  }
  const traces = await list.rows(page.traceIds, query);
  return { traces, nextPageToken: page.more ? cachedToken(next) : null, total: page.total ?? null };
}
