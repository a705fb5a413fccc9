import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mlflowTokensCommand } from '../../electron/cli/mlflow-tokens-command.js';
import { contract } from '../../shared/contract.js';
import { createServices } from '../../electron/services.js';
import type { TokensDayModel } from '../../shared/schemas/mlflow-tokens.js';
import { traceQuery } from '../../electron/mlflow/queries.js';
import { RestSource } from '../../electron/mlflow/sources/rest.js';
import { sourceLatency } from '../../electron/mlflow/tokens/summarize-source.js';
import { TokenAnalytics } from '../../electron/mlflow/tokens/token-analytics.js';
import { SyncCancelled } from '../../electron/mlflow/trace-cache/rest-sync.js';
import { TraceCaches, type TraceCacheStatus, type TraceServer } from '../../electron/mlflow/trace-cache/trace-caches.js';
import { openMlflowWorkspace } from '../harness/app-workspace.js';
import { startAzurite, type AzuriteInstance } from '../harness/azurite.js';
import { createKitContainer, generateTraces, kitArtifactRoot, mlflowKitMissing, startMlflowServer, type MlflowServer } from '../harness/mlflow-server.js';
import { startRequestLogProxy, type RequestLogProxy } from '../harness/request-log-proxy.js';

// The trace cache against a real MLflow tracking server (the kit's), over a store its generator
// wrote: the server's token totals per day × model equal the sqlite store's (the same file the
// server serves), and so are its latency figures; a later sync asks only for what was added, and a
// cancelled first sync resumes.

const missing = mlflowKitMissing();
if (missing) console.warn(`Skipping the trace cache tests against a real MLflow server: ${missing}`);

// Over 360 so that one page of 500 trace ids in a query string passes a real server's 16 KB header limit.
const FIRST = 400;
const ADDED = 100;
const EXPERIMENTS = 2;
// The first batch ends a day ago, the added one after it (an app logs traces as they happen).
const FIRST_END = Date.now() - 86_400_000;

let azurite: AzuriteInstance;
let server: MlflowServer;
let proxy: RequestLogProxy;
let scratch: string;
let dbFile: string;
let caches: TraceCaches;
let analytics: TokenAnalytics;
let experimentIds: string[];

function traceIds(): Set<string> {
  const db = new Database(dbFile, { readonly: true });
  try {
    return new Set(db.prepare('SELECT request_id FROM trace_info').pluck().all() as string[]);
  } finally {
    db.close();
  }
}

function serverFor(scope: string): TraceServer {
  return { scope, uri: proxy.uri, client: new RestSource(proxy.uri, {}).client };
}

const byDayModel = (rows: readonly TokensDayModel[]) =>
  [...rows].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : String(a.model) < String(b.model) ? -1 : String(a.model) > String(b.model) ? 1 : 0));

async function sqliteDays(): Promise<TokensDayModel[]> {
  const { parts } = await analytics.summary(dbFile, { experimentIds });
  return byDayModel(parts.days);
}

async function syncedDays(target: TraceServer): Promise<TokensDayModel[]> {
  await caches.sync(target, experimentIds);
  caches.readSpans(target);
  await caches.spansRead(target);
  return byDayModel((await caches.summary(target, { experimentIds }, [])).days);
}

const searches = (from: number) => proxy.requests.slice(from).filter((r) => r.url.startsWith('/api/3.0/mlflow/traces/search'));
const spanReads = (from: number) =>
  proxy.requests
    .slice(from)
    .filter((r) => r.url.startsWith('/ajax-api/2.0/mlflow/get-trace-artifact'))
    .map((r) => new URL(r.url, 'http://x').searchParams.get('request_id'));

describe.skipIf(missing !== null)('trace cache against a real MLflow tracking server', () => {
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'stratus-trace-cache-'));
    dbFile = path.join(scratch, 'mlflow.db');
    azurite = await startAzurite();
    await createKitContainer(azurite);
    await generateTraces(azurite, dbFile, FIRST, { experiments: EXPERIMENTS, seed: 11, days: 5, endMs: FIRST_END, artifactRoot: kitArtifactRoot('traces') });
    server = await startMlflowServer(azurite, dbFile, kitArtifactRoot('srv'));
    proxy = await startRequestLogProxy(server.uri);
    caches = new TraceCaches(path.join(scratch, 'user-data'));
    analytics = new TokenAnalytics(path.join(scratch, 'user-data'));
    const db = new Database(dbFile, { readonly: true });
    experimentIds = (db.prepare('SELECT DISTINCT experiment_id FROM trace_info ORDER BY experiment_id').pluck().all() as number[]).map(String);
    db.close();
  }, 300_000);

  afterAll(async () => {
    await caches?.close();
    await analytics?.close();
    await proxy?.close();
    await server?.stop();
    await azurite?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, 60_000);

  it('gives the same token totals per day × model as the sqlite store the server serves', async () => {
    expect(experimentIds).toHaveLength(EXPERIMENTS);
    const fromServer = await syncedDays(serverFor('equal'));
    const fromSqlite = await sqliteDays();
    expect(fromServer.reduce((n, d) => n + d.total, 0)).toBeGreaterThan(0);
    // Several models per day: the split came from the spans, not a trace's first model.
    expect(new Set(fromServer.map((d) => d.model)).size).toBeGreaterThan(2);
    expect(fromServer).toEqual(fromSqlite);
    expect(await caches.counts(serverFor('equal'))).toEqual({ traces: FIRST, spansPending: 0 });
  }, 120_000);

  it('computes latency from the cache, equal to the sqlite store, and a second call only syncs what was added', async () => {
    const source = new RestSource(proxy.uri, {});
    const use = { caches, scope: 'latency' };
    const fromServer = await sourceLatency(source, { experimentIds }, analytics, use);
    const fromSqlite = (await analytics.latency(dbFile, { experimentIds })).latency;
    expect(fromServer.traces.count).toBeGreaterThan(0);
    expect(fromServer.traces.errors).toBeGreaterThan(0);
    expect(fromServer.traces).toEqual(fromSqlite.traces);
    expect(fromServer.days).toEqual(fromSqlite.days);

    // Span figures come from the spans read in the background: once read, per span type and per
    // model as the sqlite store gives them (durations through JSON numbers: equal to the µs).
    await caches.spansRead(serverFor('latency'));
    const withSpans = await sourceLatency(source, { experimentIds }, analytics, use);
    expect(withSpans.spansPending).toBe(0);
    expect(withSpans.spanTypes.length).toBeGreaterThan(3);
    expect(withSpans.models.length).toBeGreaterThan(3);
    const figures = (rows: { count: number; errors: number; p50: number | null; p90: number | null; p99: number | null }[], key: (i: number) => string | null) =>
      rows.map((r, i) => ({ key: key(i), count: r.count, errors: r.errors, p: [r.p50, r.p90, r.p99].map((v) => (v === null ? null : Math.round(v * 1000))) }));
    expect(figures(withSpans.spanTypes, (i) => withSpans.spanTypes[i].spanType)).toEqual(figures(fromSqlite.spanTypes, (i) => fromSqlite.spanTypes[i].spanType));
    expect(figures(withSpans.models, (i) => withSpans.models[i].model)).toEqual(figures(fromSqlite.models, (i) => fromSqlite.models[i].model));

    const mark = proxy.requests.length;
    expect(await sourceLatency(source, { experimentIds }, analytics, use)).toEqual(withSpans);
    // Only the incremental sync: one filtered search per experiment, no full listing, no span reads.
    const again = searches(mark).map((r) => JSON.parse(r.body) as { page_token?: string; filter?: string });
    expect(again).toHaveLength(EXPERIMENTS);
    expect(again.every((b) => b.filter !== undefined && b.page_token === undefined)).toBe(true);
    expect(proxy.requests.length - mark).toBe(EXPERIMENTS);
  }, 120_000);

  it('asks only for the traces added since the last sync', async () => {
    const target = serverFor('incremental');
    await syncedDays(target);
    const before = traceIds();
    await generateTraces(azurite, dbFile, ADDED, { experiments: EXPERIMENTS, seed: 12, days: 0.5, endMs: Date.now(), artifactRoot: kitArtifactRoot('traces') });
    const added = [...traceIds()].filter((id) => !before.has(id));
    expect(added).toHaveLength(ADDED);

    const mark = proxy.requests.length;
    const { listed } = await caches.sync(target, experimentIds);
    caches.readSpans(target);
    await caches.spansRead(target);
    // One search page per experiment; each lists the new traces plus those at the newest instant already seen.
    expect(searches(mark)).toHaveLength(EXPERIMENTS);
    expect(listed).toBeGreaterThanOrEqual(ADDED);
    expect(listed).toBeLessThanOrEqual(ADDED + EXPERIMENTS);
    expect(spanReads(mark).sort()).toEqual([...added].sort());
    expect(proxy.requests.length - mark).toBe(EXPERIMENTS + ADDED);
    expect(await caches.counts(target)).toEqual({ traces: FIRST + ADDED, spansPending: 0 });
    expect(byDayModel((await caches.summary(target, { experimentIds }, [])).days)).toEqual(await sqliteDays());
  }, 300_000);

  it('resumes a first sync cancelled midway and ends equal to the sqlite store', async () => {
    const target = serverFor('resumed');
    const abort = new AbortController();
    let pages = 0;
    await expect(
      caches.sync(target, experimentIds, {
        pageSize: 25,
        signal: abort.signal,
        onProgress: () => {
          if (++pages === 3) abort.abort();
        },
      }),
    ).rejects.toBeInstanceOf(SyncCancelled);
    const partial = await caches.counts(target);
    expect(partial.traces).toBe(75);

    const mark = proxy.requests.length;
    await caches.sync(target, experimentIds, { pageSize: 25 });
    // The first request after the cancel goes on from the stored page, not from the start.
    const resumed = JSON.parse(searches(mark)[0].body) as { page_token?: string };
    expect(resumed.page_token).toBeTruthy();
    caches.readSpans(target);
    await caches.spansRead(target);
    expect((await caches.counts(target)).traces).toBe(traceIds().size);
    expect(byDayModel((await caches.summary(target, { experimentIds }, [])).days)).toEqual(await sqliteDays());
  }, 300_000);

  it('summarizes a workspace on the server through the app, and the Tokens page can clear its cache', async () => {
    const services = createServices({ env: {}, userDataDir: path.join(scratch, 'app-data') });
    try {
      const workspaceId = await openMlflowWorkspace(services, proxy.uri);
      const summary = await services.router.dispatch('mlflow.tokens.summary', { workspaceId, experimentIds });
      if (!summary.ok) throw new Error(summary.error.message);
      const all = traceIds().size;
      expect(contract['mlflow.tokens.summary'].result.parse(summary.value).totals.traces).toBe(all);
      const latency = await services.router.dispatch('mlflow.tokens.latency', { workspaceId, experimentIds });
      if (!latency.ok) throw new Error(latency.error.message);
      expect(contract['mlflow.tokens.latency'].result.parse(latency.value).traces).toEqual((await analytics.latency(dbFile, { experimentIds })).latency.traces);

      const cleared = await services.router.dispatch('mlflow.tokens.cache.clear', { workspaceId });
      expect(cleared).toMatchObject({ ok: true, value: { applicable: true, traces: all } });
      // Cleared: the next summary lists every trace again from the first page.
      const mark = proxy.requests.length;
      const again = await services.router.dispatch('mlflow.tokens.summary', { workspaceId, experimentIds });
      expect(again.ok).toBe(true);
      const firstPages = searches(mark).map((r) => JSON.parse(r.body) as { page_token?: string; filter?: string });
      expect(firstPages.filter((b) => b.page_token === undefined && b.filter === undefined)).toHaveLength(EXPERIMENTS);
    } finally {
      await services.close();
    }
  }, 300_000);

  it('lists a page of 500 traces with their spans from the server (batchGet asked a few ids at a time)', async () => {
    const page = await new RestSource(proxy.uri, {}).traces(traceQuery({ experimentIds, pageSize: 500 }));
    expect(page.traces.length).toBe(traceIds().size);
    expect(page.traces.every((t) => t.spanCount !== null && t.spanCount > 0)).toBe(true);
  }, 120_000);

  it('syncs once per CLI command: the summary and the latency read the cache the command synced', async () => {
    const saved = process.env.STRATUS_USER_DATA;
    process.env.STRATUS_USER_DATA = path.join(scratch, 'cli-user-data');
    const quiet = [vi.spyOn(process.stdout, 'write').mockImplementation(() => true), vi.spyOn(process.stderr, 'write').mockImplementation(() => true)];
    try {
      const args = ['--tracking-uri', proxy.uri, '--all-experiments', '--json'];
      await mlflowTokensCommand(args);
      const mark = proxy.requests.length;
      await mlflowTokensCommand(args);
      // Nothing new on the server: one incremental search per experiment (MLflow's empty Default one
      // included), nothing else listed or read; three searches each before, one sync per figure.
      const all = await new RestSource(server.uri, {}).experiments('all');
      expect(searches(mark)).toHaveLength(all.length);
      expect(spanReads(mark)).toEqual([]);
    } finally {
      for (const spy of quiet) spy.mockRestore();
      if (saved === undefined) delete process.env.STRATUS_USER_DATA;
      else process.env.STRATUS_USER_DATA = saved;
    }
  }, 300_000);

  it('reports a running sync as it goes, cancels it on request, and the next sync resumes to the whole list', async () => {
    const target = serverFor('progress');
    let stopping: Promise<[TraceCacheStatus, boolean]> | undefined;
    const running = caches.sync(target, experimentIds, {
      pageSize: 50,
      onProgress: (p) => {
        if (p.listed >= 100 && !stopping) stopping = caches.status(target).then(async (seen) => [seen, await caches.cancel(target)]);
      },
    });
    await expect(running).rejects.toBeInstanceOf(SyncCancelled);
    const [seen, cancelled] = await (stopping as Promise<[TraceCacheStatus, boolean]>);
    expect(cancelled).toBe(true);
    expect(seen.syncing).toBe(true);
    expect(seen.listed).toBeGreaterThanOrEqual(100);
    const after = await caches.status(target);
    expect(after.syncing).toBe(false);
    const all = traceIds().size;
    expect(after.traces).toBeLessThan(all);
    expect(after.spansPending).toBe(after.traces);
    await caches.sync(target, experimentIds);
    expect((await caches.status(target)).traces).toBe(all);
    expect(await caches.cancel(target)).toBe(false);
  }, 300_000);
});
