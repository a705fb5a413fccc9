import { StratusError } from '../../../shared/errors.js';
import type { TracePage } from '../../../shared/schemas/mlflow.js';
import type { MlflowSource, TraceQuery } from '../source.js';
import { RestSource } from '../sources/rest.js';
import type { TraceCaches } from './trace-caches.js';

// The trace list of a tracking server with span conditions (name, type, model, status): answered
// from the trace cache's span rows when it holds the experiments' spans (a few requests for the
// page's infos and spans), else as before by the server source, which reads the spans of every
// trace it lists. Pages the cache answered carry its own page token, so later pages stay with it.

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

export async function searchTraces(source: MlflowSource, query: TraceQuery, caches: TraceCaches, scope: string): Promise<TracePage> {
  const offset = cachedOffset(query.pageToken);
  if (!(source instanceof RestSource) || (query.filter.span === undefined && offset === undefined)) return source.traces(query);
  const server = { scope, uri: source.info.uri, client: source.client };
  const page = await caches.spanSearch(server, {
    experimentIds: query.experimentIds,
    filter: query.filter,
    sort: query.sort,
    offset: offset ?? 0,
    limit: query.pageSize,
    first: offset === undefined,
  });
  if (page === null) {
    if (offset === undefined) return source.traces(query);
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'The trace cache was cleared or changed while this list was paged; search again.' });
  }
  const traces = await source.tracesByIds(page.traceIds, query);
  return { traces, nextPageToken: page.more ? cachedToken((offset ?? 0) + query.pageSize) : null, total: null };
}
