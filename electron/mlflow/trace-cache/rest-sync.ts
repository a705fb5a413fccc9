import { StratusError } from '../../../shared/errors.js';
import { mapLimited } from '../../core/limit.js';
import { RestError, type RestClient } from '../sources/rest-client.js';
import { traceInfoOfV3 } from '../sources/rest-trace-info.js';
import type { TraceInfoV3 } from '../sources/rest-types.js';
import type { CachedInfo, SpanResult, SyncPosition } from './cache-db.js';
import { spanFacts } from './span-rows.js';
import { cachedInfo, cancelled, type SyncOptions } from './sync-basics.js';
import type { TraceCache } from './trace-cache.js';

export { SyncCancelled, type SyncOptions, type SyncProgress } from './sync-basics.js';

// Filling a trace cache from a tracking server. The first sync pages through traces/search newest
// first, storing each page with the next page token, so a cancelled sync resumes where it stopped;
// new traces arriving meanwhile only push older ones down a page (seen twice, stored once), and are
// fetched by the next sync, which asks only for traces from the newest start seen on (inclusive:
// traces of that same millisecond are listed again, not missed), then re-reads a bounded number of
// recent IN_PROGRESS traces. Spans are read afterwards, a few at a time (loadSpans), for the
// per-model split; the client waits as a 429/503 answer's Retry-After asks.

export const SEARCH_PAGE = 500;
/** How many IN_PROGRESS traces a sync reads again, newest first. */
export const IN_PROGRESS_RECHECK = 100;
/** Span reads in flight at once: a shared server serves the whole team. */
export const SPAN_READS_IN_FLIGHT = 4;
const SPAN_BATCH = 64;

async function searchPage(client: RestClient, experimentId: string, filter: string | undefined, pageToken: string | null, pageSize: number): Promise<{ infos: CachedInfo[]; next: string | null }> {
  const page = await client.json<{ traces?: TraceInfoV3[]; next_page_token?: string }>('POST', '/api/3.0/mlflow/traces/search', {
    body: {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
      ...(filter ? { filter } : {}),
      max_results: pageSize,
      order_by: ['timestamp_ms DESC'],
      ...(pageToken ? { page_token: pageToken } : {}),
    },
  });
  return { infos: (page.traces ?? []).map((t) => cachedInfo(traceInfoOfV3(t))), next: page.next_page_token || null };
}

const newest = (infos: readonly CachedInfo[], from: number | null) => infos.reduce<number | null>((max, i) => (max === null || i.timestampMs > max ? i.timestampMs : max), from);

async function syncExperiment(client: RestClient, cache: TraceCache, experimentId: string, options: SyncOptions, listed: { n: number }): Promise<void> {
  let position: SyncPosition = await cache.position(experimentId);
  if (!position.complete) {
    do {
      cancelled(options.signal);
      const page = await searchPage(client, experimentId, undefined, position.pageToken, options.pageSize ?? SEARCH_PAGE);
      position = { experimentId, pageToken: page.next, newestMs: newest(page.infos, position.newestMs), complete: page.next === null };
      await cache.savePage(page.infos, position);
      listed.n += page.infos.length;
      options.onProgress?.({ experimentId, phase: 'first', listed: listed.n });
    } while (!position.complete);
    return;
  }
  if (position.newestMs === null) {
    // The experiment had no trace at its first sync: its whole list is new.
    await cache.savePage([], { ...position, complete: false });
    return syncExperiment(client, cache, experimentId, options, listed);
  }
  // The newest start moves only once every newer page is stored: a cancel here repeats, never skips.
  let token: string | null = null;
  let top = position.newestMs;
  do {
    cancelled(options.signal);
    const page = await searchPage(client, experimentId, `trace.timestamp_ms >= ${position.newestMs}`, token, options.pageSize ?? SEARCH_PAGE);
    token = page.next;
    top = newest(page.infos, top) ?? top;
    await cache.savePage(page.infos, token === null ? { ...position, newestMs: top } : null);
    listed.n += page.infos.length;
    options.onProgress?.({ experimentId, phase: 'newer', listed: listed.n });
  } while (token !== null);
}

/** Brings the cache up to date with the server for these experiments; resolves with how many traces were listed. */
export async function syncTraces(client: RestClient, cache: TraceCache, experimentIds: readonly string[], options: SyncOptions = {}): Promise<{ listed: number }> {
  const listed = { n: 0 };
  for (const id of experimentIds) await syncExperiment(client, cache, id, options, listed);
  const unfinished = await cache.inProgress([...experimentIds], IN_PROGRESS_RECHECK);
  if (unfinished.length > 0) {
    cancelled(options.signal);
    options.onProgress?.({ experimentId: experimentIds[0] ?? '', phase: 'in-progress', listed: listed.n });
    const infos = await mapLimited(unfinished, SPAN_READS_IN_FLIGHT, async (id) => {
      try {
        const { trace } = await client.json<{ trace: { trace_info: TraceInfoV3 } }>('GET', `/api/3.0/mlflow/traces/${encodeURIComponent(id)}`);
        return cachedInfo(traceInfoOfV3(trace.trace_info));
      } catch (err) {
        // Deleted on the server since: the cached row stays as it was (clearing the cache drops it).
        if (err instanceof RestError && err.status === 404) return null;
        throw err;
      }
    });
    await cache.savePage(infos.filter((i): i is CachedInfo => i !== null), null);
  }
  return { listed: listed.n };
}

async function spansOf(client: RestClient, traceId: string): Promise<SpanResult> {
  try {
    const response = await client.json<{ spans?: unknown[] }>('GET', '/ajax-api/2.0/mlflow/get-trace-artifact', { query: { request_id: traceId } });
    return { traceId, ...spanFacts(response.spans) };
  } catch (err) {
    if (err instanceof StratusError && (err.code === 'AUTH_FAILED' || err.code === 'FORBIDDEN' || err.code === 'UNREACHABLE' || err.code === 'THROTTLED')) throw err;
    // This trace's spans are missing or corrupt: it keeps MLflow's stored total, on an unknown model.
    return { traceId, unreadable: true };
  }
}

/** Reads the spans of every cached trace that has none yet, newest first; resolves with how many were read. */
export async function loadSpans(client: RestClient, cache: TraceCache, options: { signal?: AbortSignal } = {}): Promise<{ read: number }> {
  let read = 0;
  for (;;) {
    cancelled(options.signal);
    const ids = await cache.pendingSpans(SPAN_BATCH);
    if (ids.length === 0) return { read };
    const results = await mapLimited(ids, SPAN_READS_IN_FLIGHT, (id) => (options.signal?.aborted ? Promise.resolve(null) : spansOf(client, id)));
    await cache.saveSpans(results.filter((r): r is SpanResult => r !== null));
    read += results.length;
  }
}
