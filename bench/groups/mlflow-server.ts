import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { RestSource } from '../../electron/mlflow/sources/rest.js';
import { recordsFromSource } from '../../electron/mlflow/tokens/source-records.js';
import { TraceCaches, type TraceServer } from '../../electron/mlflow/trace-cache/trace-caches.js';
import { startAzurite } from '../../test/harness/azurite.js';
import { createKitContainer, generateTraces, kitArtifactRoot, mlflowKitMissing, startMlflowServer } from '../../test/harness/mlflow-server.js';
import { startRequestLogProxy } from '../../test/harness/request-log-proxy.js';
import type { Report } from '../report.js';

// The trace cache against the kit's real MLflow tracking server: the first full sync (list and
// spans), a sync after new traces were added, and per-day × model totals from the synced cache,
// each against what a summary did before the cache: re-listing every trace (and its spans) through
// the server. The generated store (sqlite + Azurite's blobs) takes minutes to make (20,000 traces:
// ~12 min with the kit's bulk mode), so it is kept per size in a cache folder outside the repo and
// the temp folder (STRATUS_BENCH_CACHE, else ~/.cache/stratus-bench) and reused; each run works on a
// copy of the database, so the added traces do not pile up.

const TRACES = Number(process.env.MLFLOW_BENCH_SERVER_TRACES ?? 20_000);
const NEW = Number(process.env.MLFLOW_BENCH_SERVER_NEW ?? (TRACES >= 20_000 ? 1_000 : 200));
const EXPERIMENTS = 2;
const REPEATS = 5;

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

export async function runServer(report: Report): Promise<void> {
  const missing = mlflowKitMissing();
  if (missing) {
    console.log(`(skipped the tracking server measures: ${missing})`);
    return;
  }
  const cacheRoot = process.env.STRATUS_BENCH_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'stratus-bench');
  const store = path.join(cacheRoot, 'mlflow-server', String(TRACES));
  mkdirSync(path.join(store, 'azurite'), { recursive: true });
  const azurite = await startAzurite({ location: path.join(store, 'azurite') });
  const scratch = mkdtempSync(path.join(tmpdir(), 'stratus-bench-mlflow-server-'));
  const caches = new TraceCaches(path.join(scratch, 'user-data'));
  try {
    await createKitContainer(azurite);
    if (!existsSync(path.join(store, 'done'))) {
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
    }
    const dbFile = path.join(scratch, 'mlflow.db');
    copyFileSync(path.join(store, 'mlflow.db'), dbFile);
    const db = new Database(dbFile, { readonly: true });
    const experimentIds = (db.prepare('SELECT DISTINCT experiment_id FROM trace_info ORDER BY 1').pluck().all() as number[]).map(String);
    db.close();
    const mlflow = await startMlflowServer(azurite, dbFile, kitArtifactRoot('bench'));
    const proxy = await startRequestLogProxy(mlflow.uri);
    try {
      const rest = new RestSource(proxy.uri, {});
      const server: TraceServer = { scope: 'bench', uri: proxy.uri, client: rest.client };
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
          caches.readSpans(server);
          await caches.spansRead(server);
          return list;
        });
        return { ms, listMs: value.ms, requests: proxy.requests.length - mark };
      };
      const n = (x: number) => x.toLocaleString('en-US');

      const baseline = await relist();
      const first = await syncAll();
      if ((await caches.counts(server)).traces !== baseline.traces) throw new Error('The synced cache does not hold every trace the server lists.');
      report({ name: `first full trace sync, ${n(TRACES)} traces (list + spans, tracking server)`, value: Math.round(first.ms), unit: 'ms', baseline: { name: 're-listing every trace through the server', value: Math.round(baseline.ms) } });
      report({ name: `first full trace sync, ${n(TRACES)} traces: requests`, value: first.requests, unit: 'requests', baseline: { name: 're-listing every trace through the server', value: baseline.requests } });

      await generateTraces(azurite, dbFile, NEW, { experiments: EXPERIMENTS, seed: Date.now() % 100_000, days: 0.5, endMs: Date.now(), artifactRoot: kitArtifactRoot('bench') });
      const relistAfter = await relist();
      const later = await syncAll();
      report({ name: `trace sync after ${n(NEW)} new traces (list + their spans)`, value: Math.round(later.ms), unit: 'ms', baseline: { name: 're-listing every trace through the server', value: Math.round(relistAfter.ms) } });
      report({ name: `trace sync after ${n(NEW)} new traces, listing alone (spans follow in the background)`, value: Math.round(later.listMs), unit: 'ms', baseline: { name: 're-listing every trace through the server', value: Math.round(relistAfter.ms) } });
      report({ name: `trace sync after ${n(NEW)} new traces: requests`, value: later.requests, unit: 'requests', baseline: { name: 're-listing every trace through the server', value: relistAfter.requests } });

      const summaries: number[] = [];
      for (let i = 0; i < REPEATS; i++) summaries.push((await timed(() => caches.summary(server, filter, []))).ms);
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
