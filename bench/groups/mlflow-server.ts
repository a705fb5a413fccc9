import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { RestSource } from '../../electron/mlflow/sources/rest.js';
import { recordsFromSource } from '../../electron/mlflow/tokens/source-records.js';
import { TRACE_CACHE_MIGRATIONS } from '../../electron/mlflow/trace-cache/migrations.js';
import { traceCacheFile } from '../../electron/mlflow/trace-cache/trace-cache.js';
import { TraceCaches, type TraceServer } from '../../electron/mlflow/trace-cache/trace-caches.js';
import { startAzurite } from '../../test/harness/azurite.js';
import { createKitContainer, generateTraces, kitArtifactRoot, mlflowKitMissing, startMlflowServer } from '../../test/harness/mlflow-server.js';
import { startRequestLogProxy, type LoggedRequest } from '../../test/harness/request-log-proxy.js';
import { benchCacheRoot } from '../cache-root.js';
import type { Report } from '../report.js';

// The trace cache against the kit's real MLflow tracking server: the first full sync (list and
// spans), a sync after new traces were added, and per-day × model totals from the synced cache,
// each against what a summary did before the cache: re-listing every trace (and its spans) through
// the server. The generated store (sqlite + Azurite's blobs) takes minutes to make (20,000 traces:
// ~12 min with the kit's bulk mode), so it is kept per size in a cache folder outside the repo and
// the temp folder (STRATUS_BENCH_CACHE, else ~/.cache/stratus-bench) and reused; each run works on a
// copy of the database and of Azurite's folder, so the added traces do not pile up. The first full
// sync takes minutes too: its synced trace cache is kept beside the store (per cache schema
// version), and MLFLOW_BENCH_FULL_SYNC=0 starts from it instead of measuring the first sync again.

const TRACES = Number(process.env.MLFLOW_BENCH_SERVER_TRACES ?? 20_000);
const NEW = Number(process.env.MLFLOW_BENCH_SERVER_NEW ?? (TRACES >= 20_000 ? 1_000 : 200));
const EXPERIMENTS = 2;
const REPEATS = 5;
const FULL_SYNC = process.env.MLFLOW_BENCH_FULL_SYNC !== '0';
const SCOPE = 'bench';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/** Traces already in a store being generated (0 before MLflow made its tables). */
function storedTraces(file: string): number {
  const db = new Database(file);
  try {
    const tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'trace_info'").pluck().get() as number;
    return tables === 0 ? 0 : (db.prepare('SELECT count(*) FROM trace_info').pluck().get() as number);
  } finally {
    db.close();
  }
}

/** Requests by what they asked (search, one trace, spans), for the profile line under a measure. */
function requestKinds(requests: readonly LoggedRequest[]): string {
  const kinds = new Map<string, { n: number; ms: number }>();
  for (const r of requests) {
    const kind = r.url.includes('get-trace-artifact') ? 'spans' : r.url.includes('/traces/search') ? 'search' : r.url.split('?')[0].replace(/tr-[0-9a-f]+/, '<id>');
    const k = kinds.get(kind) ?? { n: 0, ms: 0 };
    kinds.set(kind, { n: k.n + 1, ms: k.ms + r.ms });
  }
  return [...kinds].map(([kind, { n, ms }]) => `${kind} ${n} (${(ms / n).toFixed(0)} ms each at the proxy)`).join(', ');
}

/** The generated store (sqlite + Azurite's folder), made once per size and reused. */
async function ensureStore(store: string): Promise<void> {
  if (existsSync(path.join(store, 'done'))) return;
  mkdirSync(path.join(store, 'azurite'), { recursive: true });
  // A trace cache synced from an older store does not describe the new one.
  for (const f of readdirSync(store)) if (f.startsWith('trace-cache-')) rmSync(path.join(store, f));
  const azurite = await startAzurite({ location: path.join(store, 'azurite') });
  try {
    await createKitContainer(azurite);
    const start = performance.now();
    // A generation stopped midway (timeout, Ctrl-C) is topped up, not redone: each trace is its own commit.
    const have = existsSync(path.join(store, 'mlflow.db')) ? storedTraces(path.join(store, 'mlflow.db')) : 0;
    if (have < TRACES) await generateTraces(azurite, path.join(store, 'mlflow.db'), TRACES - have, {
      experiments: EXPERIMENTS,
      seed: 20 + have,
      days: 30,
      endMs: Date.now() - 86_400_000,
      artifactRoot: kitArtifactRoot('bench'),
    });
    writeFileSync(path.join(store, 'done'), '');
    console.log(`(generated ${TRACES.toLocaleString('en-US')} traces with the kit in ${((performance.now() - start) / 1000).toFixed(0)} s, kept in ${store})`);
  } finally {
    await azurite.stop();
  }
}

/** Copies a cache file as one consistent snapshot (the cache worker may hold it open in WAL mode). */
async function snapshot(from: string, to: string): Promise<void> {
  mkdirSync(path.dirname(to), { recursive: true });
  rmSync(to, { force: true });
  const db = new Database(from, { readonly: true });
  try {
    await db.backup(to);
  } finally {
    db.close();
  }
}

export async function runServer(report: Report): Promise<void> {
  const missing = mlflowKitMissing();
  if (missing) {
    console.log(`(skipped the tracking server measures: ${missing})`);
    return;
  }
  const store = path.join(benchCacheRoot(), 'mlflow-server', String(TRACES));
  await ensureStore(store);
  const keptCache = path.join(store, `trace-cache-v${TRACE_CACHE_MIGRATIONS.length}.sqlite`);
  const fullSync = FULL_SYNC || !existsSync(keptCache);
  if (!FULL_SYNC && fullSync) console.log(`(no synced trace cache kept at ${keptCache} yet: measuring the first full sync, which keeps one)`);

  // This run's copy of the store: the traces it adds (rows and blobs) go there, never into the store.
  const scratch = mkdtempSync(path.join(tmpdir(), 'stratus-bench-mlflow-server-'));
  cpSync(path.join(store, 'azurite'), path.join(scratch, 'azurite'), { recursive: true });
  const dbFile = path.join(scratch, 'mlflow.db');
  copyFileSync(path.join(store, 'mlflow.db'), dbFile);
  const azurite = await startAzurite({ location: path.join(scratch, 'azurite') });
  const userData = path.join(scratch, 'user-data');
  const caches = new TraceCaches(userData);
  try {
    const db = new Database(dbFile, { readonly: true });
    const experimentIds = (db.prepare('SELECT DISTINCT experiment_id FROM trace_info ORDER BY 1').pluck().all() as number[]).map(String);
    db.close();
    const mlflow = await startMlflowServer(azurite, dbFile, kitArtifactRoot('bench'));
    const proxy = await startRequestLogProxy(mlflow.uri);
    try {
      const rest = new RestSource(proxy.uri, {});
      const server: TraceServer = { scope: SCOPE, uri: proxy.uri, client: rest.client };
      const filter = { experimentIds };
      const relist = async () => {
        const mark = proxy.requests.length;
        const { ms, value } = await timed(() => recordsFromSource(rest, filter));
        return { ms, requests: proxy.requests.length - mark, traces: value.length };
      };
      const syncAll = async () => {
        const mark = proxy.requests.length;
        const { ms, value } = await timed(async () => {
          const list = await timed(() => caches.sync(server, experimentIds));
          const listRequests = proxy.requests.length - mark;
          caches.readSpans(server);
          await caches.spansRead(server);
          return { ...list, listRequests };
        });
        return { ms, listMs: value.ms, listRequests: value.listRequests, requests: proxy.requests.length - mark, profile: requestKinds(proxy.requests.slice(mark)) };
      };
      const n = (x: number) => x.toLocaleString('en-US');
      const cacheFile = traceCacheFile(userData, SCOPE, proxy.uri);

      if (fullSync) {
        const baseline = await relist();
        const first = await syncAll();
        if ((await caches.counts(server)).traces !== baseline.traces) throw new Error('The synced cache does not hold every trace the server lists.');
        report({ name: `first full trace sync, ${n(TRACES)} traces (list + spans, tracking server)`, value: Math.round(first.ms), unit: 'ms', baseline: { name: 're-listing every trace through the server', value: Math.round(baseline.ms) } });
        report({ name: `first full trace sync, ${n(TRACES)} traces: requests`, value: first.requests, unit: 'requests', baseline: { name: 're-listing every trace through the server', value: baseline.requests } });
        console.log(`(first full sync's requests: ${first.profile})`);
        await snapshot(cacheFile, keptCache);
      } else {
        // The cache file is named after the server's address, which changes every run.
        mkdirSync(path.dirname(cacheFile), { recursive: true });
        copyFileSync(keptCache, cacheFile);
        const counts = await caches.counts(server);
        if (counts.traces !== TRACES || counts.spansPending !== 0) throw new Error(`The kept trace cache ${keptCache} holds ${counts.traces} traces (${counts.spansPending} without spans), not ${TRACES} synced: delete it.`);
        console.log(`(started from the synced trace cache kept at ${keptCache}; MLFLOW_BENCH_FULL_SYNC=0)`);
      }

      const added = await timed(() => generateTraces(azurite, dbFile, NEW, { experiments: EXPERIMENTS, seed: Date.now() % 100_000, days: 0.5, endMs: Date.now(), artifactRoot: kitArtifactRoot('bench') }));
      console.log(`(added ${n(NEW)} traces to this run's copy of the store in ${(added.ms / 1000).toFixed(0)} s)`);
      const relistAfter = await relist();
      const later = await syncAll();
      if ((await caches.counts(server)).traces !== relistAfter.traces) throw new Error('After the incremental sync the cache does not hold every trace the server lists.');
      report({ name: `trace sync after ${n(NEW)} new traces (list + their spans)`, value: Math.round(later.ms), unit: 'ms', baseline: { name: 're-listing every trace through the server', value: Math.round(relistAfter.ms) } });
      report({ name: `trace sync after ${n(NEW)} new traces, listing alone (spans follow in the background)`, value: Math.round(later.listMs), unit: 'ms', baseline: { name: 're-listing every trace through the server', value: Math.round(relistAfter.ms) } });
      report({ name: `trace sync after ${n(NEW)} new traces: requests`, value: later.requests, unit: 'requests', baseline: { name: 're-listing every trace through the server', value: relistAfter.requests } });
      console.log(`(incremental sync's requests: ${later.profile}; ${later.listRequests} before the spans)`);

      const summaries: number[] = [];
      const alone: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        summaries.push((await timed(() => caches.summary(server, filter, []))).ms);
        alone.push((await timed(() => caches.summary(server, filter, [], { synced: true }))).ms);
      }
      console.log(`(the summary from the cache alone, without its sync check: ${Math.round(median(alone))} ms; load average ${loadavg().map((l) => l.toFixed(1)).join(', ')})`);
      report({
        name: `per-day × model token totals from the synced cache, ${n(TRACES + NEW)} traces (sync check included)`,
        value: Math.round(median(summaries)),
        unit: 'ms',
        baseline: { name: 're-listing every trace through the server', value: Math.round(relistAfter.ms) },
      });
    } finally {
      await proxy.close();
      await mlflow.stop();
    }
  } finally {
    await caches.close();
    await azurite.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
