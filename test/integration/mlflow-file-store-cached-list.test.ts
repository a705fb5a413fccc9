import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceFilter, TracePage, TraceSort } from '../../shared/schemas/mlflow.js';
import { createIdentityProvider } from '../../electron/azure/identity.js';
import { ArtifactRoots, type ArtifactRoot } from '../../electron/mlflow/artifact-roots.js';
import { traceQuery } from '../../electron/mlflow/queries.js';
import { FileStoreSource } from '../../electron/mlflow/sources/file-store.js';
import { TRACE_DATA_FILE } from '../../electron/mlflow/trace-spans.js';
import { searchTraces } from '../../electron/mlflow/trace-cache/cached-trace-search.js';
import { IN_PROGRESS_RECHECK } from '../../electron/mlflow/trace-cache/rest-sync.js';
import { TraceCaches, type TraceFiles } from '../../electron/mlflow/trace-cache/trace-caches.js';
import { generateMlflowTraceStore } from '../../electron/sample/mlflow-traces.js';
import type { ObjectStore } from '../../electron/storage/object-store.js';
import { openFixtureDb } from '../harness/mlflow-fixture.js';
import { buildFileStore, writeTraceFolder } from '../harness/mlflow-file-store.js';

// A file store's trace list answered from the trace cache once every experiment of the search had a
// first sync: page by page it lists what the file store source lists without the cache (rows, order,
// totals), for span filters alone and with trace info filters, in every sort; it reads only the
// page's traces.json files (and the folders added since), where the source parses every candidate's
// for each page. traces.json reads are counted through the artifact roots the source reads them with.
// Two stores: one from the shared fixture (real MLflow spans: failed tools, several span types) and
// a generated one (two experiments, several pages, IN_PROGRESS traces without a duration).

const PAGE = 7;

/** The artifact roots of the app, counting the traces.json files read through them. */
class CountingRoots extends ArtifactRoots {
  reads = 0;

  override resolve(uri: string): ArtifactRoot {
    const root = super.resolve(uri);
    const store = root.store;
    const counted: ObjectStore = Object.create(store) as ObjectStore;
    counted.read = (name: string) => {
      if (name.endsWith(TRACE_DATA_FILE)) this.reads++;
      return store.read(name);
    };
    return { ...root, store: counted };
  }
}

interface Store {
  db: Database.Database;
  mlruns: string;
  source: FileStoreSource;
  roots: CountingRoots;
  experimentIds: string[];
  /** IN_PROGRESS traces, whose folders every sync (each listing's first page) reads again. */
  recheck: number;
}

let scratch: string;
let caches: TraceCaches;
const stores: Record<'fixture' | 'generated', Store> = {} as Record<'fixture' | 'generated', Store>;

async function openStore(name: string, db: Database.Database): Promise<Store> {
  const mlruns = path.join(scratch, name, 'mlruns');
  await buildFileStore(db, mlruns);
  const roots = new CountingRoots({}, createIdentityProvider(), undefined);
  const experimentIds = (db.prepare('SELECT DISTINCT experiment_id FROM trace_info ORDER BY experiment_id').pluck().all() as number[]).map(String);
  const inProgress = db.prepare("SELECT count(*) FROM trace_info WHERE status = 'IN_PROGRESS'").pluck().get() as number;
  return { db, mlruns, source: new FileStoreSource(mlruns, mlruns, roots), roots, experimentIds, recheck: Math.min(inProgress, IN_PROGRESS_RECHECK) };
}

const origin = (s: Store, scope: string): TraceFiles => ({ scope, uri: s.source.info.uri, files: s.source });

/** Every page of a listing: its rows, total and whether another page follows; and the traces.json files read meanwhile. */
async function pages(s: Store, list: (pageToken: string | undefined) => Promise<TracePage>): Promise<{ pages: TracePage[]; reads: number }> {
  const before = s.roots.reads;
  const out: TracePage[] = [];
  let pageToken: string | undefined;
  do {
    const page = await list(pageToken);
    out.push({ ...page, nextPageToken: page.nextPageToken === null ? null : 'more' });
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return { pages: out, reads: s.roots.reads - before };
}

const query = (s: Store, filter: TraceFilter, sort: TraceSort, pageToken?: string) => traceQuery({ experimentIds: s.experimentIds, filter, sort, pageSize: PAGE, pageToken });
/** Today's path: the file store source alone. */
const fromSource = (s: Store, filter: TraceFilter, sort: TraceSort) => pages(s, (token) => s.source.traces(query(s, filter, sort, token)));
/** The app's path: the trace cache where it answers. */
const fromCache = (s: Store, filter: TraceFilter, sort: TraceSort, scope: string) => pages(s, (token) => searchTraces(s.source, query(s, filter, sort, token), caches, scope));

const rowCount = (listing: { pages: TracePage[] }) => listing.pages.reduce((n, p) => n + p.traces.length, 0);

const DESC: TraceSort = { by: 'timestamp', order: 'desc' };
const ASC: TraceSort = { by: 'timestamp', order: 'asc' };

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-mlruns-list-'));
  caches = new TraceCaches(path.join(scratch, 'user-data'));
  stores.fixture = await openStore('fixture', openFixtureDb());
  const generated = path.join(scratch, 'generated.db');
  generateMlflowTraceStore(generated, { traces: 90, spans: 400, experiments: 2, days: 4, users: 4, inProgress: 3, seed: 41 });
  stores.generated = await openStore('generated', new Database(generated, { readonly: true }));
  for (const s of Object.values(stores)) await caches.sync(origin(s, 'synced'), s.experimentIds);
}, 120_000);

afterAll(async () => {
  await caches?.close();
  for (const s of Object.values(stores)) {
    await s.source.close();
    s.db.close();
  }
  await rm(scratch, { recursive: true, force: true });
});

const CASES: { store: 'fixture' | 'generated'; title: string; filter: TraceFilter; none?: true }[] = [
  { store: 'fixture', title: 'failed tool spans', filter: { span: { type: 'TOOL', status: 'ERROR' } } },
  { store: 'fixture', title: 'chat model spans of an OpenAI model', filter: { span: { type: 'chat_model', model: 'gpt%' } } },
  { store: 'fixture', title: 'a span name pattern with spans that ended well', filter: { span: { name: '%retriev%', status: 'OK' } } },
  { store: 'fixture', title: 'spans of failed traces', filter: { states: ['ERROR'], span: { status: 'ERROR' } } },
  { store: 'generated', title: 'a type in another case', filter: { span: { type: 'chat_model' } } },
  { store: 'generated', title: 'a model prefix and a name', filter: { span: { model: 'CLAUDE%', name: 'Messages.create' } } },
  { store: 'generated', title: 'one span must meet every condition', filter: { span: { type: 'TOOL', model: 'gpt-4o' } }, none: true },
  { store: 'generated', title: 'span and trace state', filter: { states: ['OK'], span: { type: 'LLM' } } },
  { store: 'generated', title: 'span, user and stored tokens', filter: { user: 'user-2', minTokens: 2000, span: { type: 'CHAT_MODEL' } } },
  { store: 'generated', title: 'span and a time range', filter: { fromMs: Date.UTC(2026, 10, 2), toMs: Date.UTC(2026, 10, 4), span: { status: 'OK', type: 'AGENT' } } },
  { store: 'generated', title: 'no span condition', filter: {} },
  { store: 'generated', title: 'trace state only', filter: { states: ['OK', 'IN_PROGRESS'] } },
];

describe('a file store’s trace list from the trace cache', () => {
  it('before any sync the source answers, reading every candidate’s traces.json; after a sync, only the page’s', async () => {
    const s = stores.fixture;
    const filter: TraceFilter = { span: { type: 'TOOL' } };
    const want = await fromSource(s, filter, DESC);
    const candidates = (await s.source.traces(query(s, {}, DESC))).total ?? 0;
    expect(rowCount(want)).toBeGreaterThan(0);
    const before = await fromCache(s, filter, DESC, 'fresh');
    expect(before.pages).toEqual(want.pages);
    expect(before.reads).toBeGreaterThanOrEqual(candidates);
    expect(await caches.counts(origin(s, 'fresh'))).toEqual({ traces: 0, spansPending: 0 });

    await caches.sync(origin(s, 'fresh'), s.experimentIds);
    const after = await fromCache(s, filter, DESC, 'fresh');
    expect(after.pages).toEqual(want.pages);
    expect(after.reads).toBe(s.recheck + rowCount(want));
  }, 60_000);

  it('with a tag, a run or free text (not in the cache), the cache’s candidates are narrowed by their infos: the source’s pages, only the rows’ traces.json read', async () => {
    const runId = stores.fixture.db.prepare("SELECT value FROM trace_request_metadata WHERE key = 'mlflow.sourceRun'").pluck().get() as string;
    const cases: [Store, TraceFilter][] = [
      [stores.fixture, { runId }],
      [stores.fixture, { text: 'a', span: { type: 'TOOL' } }],
      [stores.generated, { tag: { key: 'mlflow.traceName', value: 'rag_answer' }, span: { type: 'CHAT_MODEL' } }],
      [stores.generated, { text: 'QUESTION ABOUT S', states: ['OK'] }],
      [stores.generated, { tag: { key: 'mlflow.traceName' }, span: { model: 'gpt-4o%' } }],
    ];
    for (const [s, filter] of cases) {
      for (const sort of [DESC, ASC]) {
        const want = await fromSource(s, filter, sort);
        const got = await fromCache(s, filter, sort, 'synced');
        expect(got.pages).toEqual(want.pages);
        expect(got.reads).toBe(s.recheck + rowCount(got));
        expect(rowCount(got)).toBeGreaterThan(0);
      }
    }
  }, 60_000);

  it.each(CASES)('$store store, $title: every page equals the source’s, newest and oldest first, reading only the rows shown', async ({ store, filter, none }) => {
    const s = stores[store];
    for (const sort of [DESC, ASC]) {
      const want = await fromSource(s, filter, sort);
      const got = await fromCache(s, filter, sort, 'synced');
      expect(got.pages).toEqual(want.pages);
      expect(got.reads).toBe(s.recheck + rowCount(got));
      if (filter.span) expect(want.reads).toBeGreaterThan(rowCount(want));
    }
    expect(rowCount(await fromSource(s, filter, DESC)) > 0).toBe(!none);
  }, 60_000);

  it.each(['duration', 'name', 'tokens'] as const)('sorted by %s both ways, traces without one last, the pages equal the source’s', async (by) => {
    const s = stores.generated;
    for (const filter of [{}, { span: { type: 'CHAT_MODEL' } }] as TraceFilter[]) {
      for (const order of ['asc', 'desc'] as const) {
        const sort: TraceSort = { by, order };
        const want = await fromSource(s, filter, sort);
        const got = await fromCache(s, filter, sort, 'synced');
        expect(got.pages).toEqual(want.pages);
        expect(got.reads).toBe(s.recheck + rowCount(got));
      }
    }
  }, 60_000);

  it('a later listing opens only the folders added since and the page’s rows, and lists them', async () => {
    const s = stores.generated;
    const scope = 'later';
    const filter: TraceFilter = { span: { type: 'CHAT_MODEL' } };
    // The two oldest traces with a chat model span: on the first page of the oldest first.
    const extra = s.db
      .prepare("SELECT t.request_id, t.experiment_id FROM trace_info t WHERE EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.request_id AND s.type = 'CHAT_MODEL') ORDER BY t.timestamp_ms LIMIT 2")
      .all() as { request_id: string; experiment_id: number }[];
    for (const t of extra) await rm(path.join(s.mlruns, String(t.experiment_id), 'traces', t.request_id), { recursive: true, force: true });
    try {
      await caches.sync(origin(s, scope), s.experimentIds);
      for (const t of extra) await writeTraceFolder(s.db, s.mlruns, t.request_id);
      const mark = s.roots.reads;
      const first = await searchTraces(s.source, query(s, filter, ASC), caches, scope);
      // The sync opened the two folders added (and the IN_PROGRESS ones again); then only the page's rows were read.
      expect(s.roots.reads - mark).toBe(extra.length + s.recheck + first.traces.length);
      const want = await s.source.traces(query(s, filter, ASC));
      expect({ ...first, nextPageToken: first.nextPageToken !== null }).toEqual({ ...want, nextPageToken: want.nextPageToken !== null });
      expect(first.traces.map((t) => t.traceId)).toEqual(expect.arrayContaining(extra.map((t) => t.request_id)));
    } finally {
      for (const t of extra) await writeTraceFolder(s.db, s.mlruns, t.request_id);
    }
  }, 60_000);

  it('a page token from the source stays with the source; clearing the cache while paging it says to search again', async () => {
    const s = stores.generated;
    const scope = 'paging';
    const filter: TraceFilter = { span: { type: 'CHAT_MODEL' } };
    const sourceFirst = await s.source.traces(query(s, filter, DESC));
    await caches.sync(origin(s, scope), s.experimentIds);
    const second = await searchTraces(s.source, query(s, filter, DESC, sourceFirst.nextPageToken ?? undefined), caches, scope);
    expect(second).toEqual(await s.source.traces(query(s, filter, DESC, sourceFirst.nextPageToken ?? undefined)));

    const cachedFirst = await searchTraces(s.source, query(s, filter, DESC), caches, scope);
    expect(cachedFirst.nextPageToken).not.toBeNull();
    await caches.clear(origin(s, scope));
    await expect(searchTraces(s.source, query(s, filter, DESC, cachedFirst.nextPageToken ?? undefined), caches, scope)).rejects.toThrow(
      /trace cache was cleared or changed while this list was paged; search again/,
    );
  }, 60_000);
});
