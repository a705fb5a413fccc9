import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceFilter, TraceSort } from '../../shared/schemas/mlflow.js';
import { traceQuery } from '../../electron/mlflow/queries.js';
import type { MlflowSource } from '../../electron/mlflow/source.js';
import { RestSource } from '../../electron/mlflow/sources/rest.js';
import type { SqliteSource } from '../../electron/mlflow/sources/sqlite.js';
import { searchTraces } from '../../electron/mlflow/trace-cache/cached-trace-search.js';
import { TraceCaches, type TraceServer } from '../../electron/mlflow/trace-cache/trace-caches.js';
import { startKitTraceStore, type KitTraceStore } from '../harness/kit-trace-store.js';
import { generateTraces, kitArtifactRoot, mlflowKitMissing } from '../harness/mlflow-server.js';

// A trace search with span conditions against the kit's real tracking server, once its trace cache
// holds the experiment's spans: answered from the cached span rows, it lists exactly what the sqlite
// store the server serves lists, and asks the server only for the incremental sync, one search per
// page for the rows' infos and the spans of the rows shown, however many traces the server holds.

const missing = mlflowKitMissing();
if (missing) console.warn(`Skipping the cached span search tests against a real MLflow server: ${missing}`);

const TRACES = 120;
const ADDED = 30;
const PAGE = 10;

let store: KitTraceStore;
let experimentIds: string[];
let sqlite: SqliteSource;
let rest: RestSource;
let caches: TraceCaches;

const SCOPE = 'workspace';
const serverOf = (): TraceServer => ({ scope: SCOPE, uri: rest.info.uri, client: rest.client });

async function listed(list: (pageToken: string | undefined) => ReturnType<MlflowSource['traces']>): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await list(pageToken);
    ids.push(...page.traces.map((t) => t.traceId));
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return ids;
}

const fromSqlite = (filter: TraceFilter, sort?: TraceSort) => listed((pageToken) => sqlite.traces(traceQuery({ experimentIds, filter, sort, pageSize: PAGE, pageToken })));
const fromCache = (filter: TraceFilter, sort?: TraceSort, scope = SCOPE) =>
  listed((pageToken) => searchTraces(rest, traceQuery({ experimentIds, filter, sort, pageSize: PAGE, pageToken }), caches, scope));

const paths = (from: number) => store.proxy.requests.slice(from).map((r) => r.url.split('?')[0]);
const count = (from: number, prefix: string) => paths(from).filter((p) => p.startsWith(prefix)).length;

const CASES: { title: string; filter: TraceFilter }[] = [
  { title: 'type and model pattern', filter: { span: { type: 'CHAT_MODEL', model: 'gpt-4%' } } },
  { title: 'type in another case, model prefix', filter: { span: { type: 'chat_model', model: 'CLAUDE%' } } },
  { title: 'failed tool spans', filter: { span: { type: 'TOOL', status: 'ERROR' } } },
  { title: 'spans that ended well', filter: { span: { status: 'OK', type: 'AGENT' } } },
  { title: 'a name pattern', filter: { span: { name: 'Completions%' } } },
  { title: 'one span must meet every condition', filter: { span: { type: 'TOOL', model: 'gpt-4o' } } },
  { title: 'span and trace state together', filter: { states: ['OK'], span: { model: 'gpt-4o-mini' } } },
];

describe.skipIf(missing !== null)('span filters answered from the trace cache of a real MLflow tracking server', () => {
  beforeAll(async () => {
    store = await startKitTraceStore('span-cache', TRACES, { experiments: 1, seed: 23, days: 3, endMs: Date.now() - 86_400_000 });
    ({ experimentIds, sqlite } = store);
    rest = new RestSource(store.proxy.uri, {});
    caches = new TraceCaches(path.join(store.scratch, 'user-data'));
  }, 300_000);

  afterAll(async () => {
    await caches?.close();
    await store?.close();
  }, 60_000);

  it('before a sync, searches the server as before: the same traces, every trace spans read', async () => {
    const filter = CASES[2].filter;
    const mark = store.proxy.requests.length;
    expect((await fromCache(filter)).sort()).toEqual((await fromSqlite(filter)).sort());
    expect(count(mark, '/ajax-api/2.0/mlflow/get-trace-artifact')).toBeGreaterThanOrEqual(TRACES);
    // Nothing was synced on the way: a span search never starts a first sync of a whole experiment.
    expect(await caches.counts(serverOf())).toEqual({ traces: 0, spansPending: 0 });
  }, 180_000);

  it.each(CASES)('after a sync, lists what the sqlite store lists: $title', async ({ filter }) => {
    await caches.sync(serverOf(), experimentIds);
    caches.readSpans(serverOf());
    await caches.spansRead(serverOf());
    const want = (await fromSqlite(filter)).sort();
    const mark = store.proxy.requests.length;
    const got = await fromCache(filter);
    expect([...got].sort()).toEqual(want);
    // Only the rows shown had their spans read.
    expect(count(mark, '/ajax-api/2.0/mlflow/get-trace-artifact')).toBe(got.length);
  }, 180_000);

  it('finds traces for the realistic filters and none where no single span matches', async () => {
    expect((await fromCache(CASES[0].filter)).length).toBeGreaterThan(0);
    expect((await fromCache(CASES[2].filter)).length).toBeGreaterThan(0);
    expect(await fromCache(CASES[5].filter)).toEqual([]);
  }, 120_000);

  it('keeps the asked order across pages', async () => {
    const filter: TraceFilter = { span: { type: 'CHAT_MODEL' } };
    for (const sort of [{ by: 'timestamp', order: 'desc' }, { by: 'timestamp', order: 'asc' }] as TraceSort[]) {
      const got = await fromCache(filter, sort);
      expect(got.length).toBeGreaterThan(PAGE);
      expect(got).toEqual(await fromSqlite(filter, sort));
    }
  }, 120_000);

  it('asks the server for a few requests per page, not for every trace, and picks up traces added since', async () => {
    const filter: TraceFilter = { span: { type: 'TOOL', status: 'ERROR' } };
    const mark = store.proxy.requests.length;
    const got = await fromCache(filter);
    const pages = Math.max(1, Math.ceil(got.length / PAGE));
    // One incremental search for the sync and one search per page for the rows' infos.
    expect(count(mark, '/api/3.0/mlflow/traces/search')).toBe(1 + pages);
    expect(count(mark, '/ajax-api/2.0/mlflow/get-trace-artifact')).toBe(got.length);
    expect(store.proxy.requests.length - mark).toBeLessThan(TRACES / 2);

    // Traces written after the sync are found: the first page syncs them and reads their spans first.
    await generateTraces(store.azurite, store.dbFile, ADDED, { experiments: 1, seed: 24, days: 1, artifactRoot: kitArtifactRoot('added') });
    const want = (await fromSqlite(filter)).sort();
    const after = store.proxy.requests.length;
    expect([...(await fromCache(filter))].sort()).toEqual(want);
    // Spans read: the added traces' and the shown rows', never the whole store's again.
    expect(count(after, '/ajax-api/2.0/mlflow/get-trace-artifact')).toBeLessThanOrEqual(ADDED + want.length);
    expect(await caches.counts(serverOf())).toEqual({ traces: TRACES + ADDED, spansPending: 0 });
  }, 300_000);
});
