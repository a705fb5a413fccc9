import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createIdentityProvider } from '../../electron/azure/identity.js';
import { ArtifactRoots } from '../../electron/mlflow/artifact-roots.js';
import { traceQuery } from '../../electron/mlflow/queries.js';
import { FileStoreSource } from '../../electron/mlflow/sources/file-store.js';
import { searchTraces } from '../../electron/mlflow/trace-cache/cached-trace-search.js';
import { summarizeRecords } from '../../electron/mlflow/tokens/aggregate.js';
import { recordsFromSource } from '../../electron/mlflow/tokens/source-records.js';
import { TokenAnalytics } from '../../electron/mlflow/tokens/token-analytics.js';
import { TraceCaches, type TraceFiles } from '../../electron/mlflow/trace-cache/trace-caches.js';
import { generateMlflowTraceStore } from '../../electron/sample/mlflow-traces.js';
import { buildFileStore, writeTraceFolder } from '../../test/harness/mlflow-file-store.js';
import type { Report } from '../report.js';

// An MLflow file store (mlruns/) through the trace cache: a generated store (MLflow's sqlite
// schema, written out as trace folders with traces.json) synced once, then the per-day × model
// totals as the app asks for them (each summary first checks the folders for new ones) against
// today's way without the cache, reading every trace folder through the source's trace list. Also
// the first sync, and a later one after ADDED new folders, against that full read. The full read
// pages the trace list, each page reading every folder's info again, so it grows with the square of
// the store: 2,000 traces by default (MLFLOW_BENCH_FILE_TRACES for more; 5,000 took 200 s here).
// Last, the first page of a span-filtered trace list from the synced cache against the source
// reading every candidate's traces.json.

const TRACES = Number(process.env.MLFLOW_BENCH_FILE_TRACES ?? 2000);
const ADDED = 100;
const EXPERIMENTS = 2;
const REPEATS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

type DayModel = { day: string; model: string | null; total: number };

const dayModelKey = (days: readonly DayModel[]) => JSON.stringify(days.map((d) => [d.day, d.model, d.total]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)));

/** Totals per day over every model: a trace list row puts a several-model trace on one model, the cache splits it. */
function dayTotals(days: readonly DayModel[]): string {
  const totals = new Map<string, number>();
  for (const d of days) totals.set(d.day, (totals.get(d.day) ?? 0) + d.total);
  return JSON.stringify([...totals].sort());
}

export async function runFileStore(report: Report): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'stratus-bench-mlruns-'));
  const caches = new TraceCaches(path.join(scratch, 'user-data'));
  const analytics = new TokenAnalytics(path.join(scratch, 'user-data'));
  let source: FileStoreSource | undefined;
  try {
    const file = path.join(scratch, 'mlflow.db');
    generateMlflowTraceStore(file, { traces: TRACES + ADDED, experiments: EXPERIMENTS, days: 30, users: 50, sessions: 500 });
    const db = new Database(file, { readonly: true });
    const mlruns = path.join(scratch, 'mlruns');
    const added = new Set(db.prepare('SELECT request_id FROM trace_info ORDER BY timestamp_ms DESC LIMIT ?').pluck().all(ADDED) as string[]);
    const built = await timed(() => buildFileStore(db, mlruns, (id) => !added.has(id)));
    console.log(`(wrote ${TRACES.toLocaleString('en-US')} trace folders in ${(built.ms / 1000).toFixed(1)} s)`);
    source = new FileStoreSource(mlruns, mlruns, new ArtifactRoots(process.env, createIdentityProvider(), undefined));
    const experimentIds = Array.from({ length: EXPERIMENTS }, (_, i) => String(i + 1));
    const filter = { experimentIds };
    const origin: TraceFiles = { scope: 'bench', uri: mlruns, files: source };
    const files = source;

    const everyTrace = await timed(async () => summarizeRecords(await recordsFromSource(files, filter), filter, []));
    const first = await timed(() => caches.sync(origin, experimentIds));
    if (first.value.listed !== TRACES) throw new Error(`The first sync read ${first.value.listed} trace folders, not ${TRACES}.`);
    report({
      name: `file store, first sync into the trace cache (${TRACES.toLocaleString('en-US')} trace folders)`,
      value: Math.round(first.ms),
      unit: 'ms',
      baseline: { name: 're-reading every trace', value: Math.round(everyTrace.ms) },
    });

    const warm: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const t = await timed(() => caches.summary(origin, filter, []));
      warm.push(t.ms);
      // Both ways must agree before their times are compared.
      if (dayTotals(t.value.days) !== dayTotals(everyTrace.value.days)) throw new Error('The cached per-day totals differ from re-reading every trace.');
    }
    report({
      name: 'file store, per-day × model totals from synced cache',
      value: Math.round(median(warm)),
      unit: 'ms',
      baseline: { name: 're-reading every trace', value: Math.round(everyTrace.ms) },
    });

    for (const id of added) await writeTraceFolder(db, mlruns, id);
    db.close();
    const later = await timed(() => caches.sync(origin, experimentIds));
    if (later.value.listed !== ADDED) throw new Error(`The later sync read ${later.value.listed} trace folders, not ${ADDED}.`);
    const { parts } = await analytics.summary(file, filter);
    if (dayModelKey((await caches.summary(origin, filter, [], { synced: true })).days) !== dayModelKey(parts.days)) {
      throw new Error('The cached per-day × model totals differ from the sqlite store holding the same traces.');
    }
    report({
      name: `file store, later sync after ${ADDED} new trace folders`,
      value: Math.round(later.ms),
      unit: 'ms',
      baseline: { name: 're-reading every trace', value: Math.round(everyTrace.ms) },
    });

    // The first page of a span-filtered trace list: from the synced cache (its sync finds no new
    // folder; the page's rows are read) against the source reading every candidate's traces.json.
    const spanQuery = traceQuery({ experimentIds, filter: { span: { type: 'TOOL' } }, pageSize: 100 });
    const scanned = await timed(() => files.traces(spanQuery));
    const listed: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const t = await timed(() => searchTraces(files, spanQuery, caches, origin.scope));
      listed.push(t.ms);
      if (JSON.stringify(t.value.traces) !== JSON.stringify(scanned.value.traces) || t.value.total !== scanned.value.total) {
        throw new Error('The span-filtered trace list from the cache differs from reading every traces.json.');
      }
    }
    report({
      name: 'file store, span-filtered trace list from cache',
      value: Math.round(median(listed)),
      unit: 'ms',
      baseline: { name: 'reading every traces.json', value: Math.round(scanned.ms) },
    });
  } finally {
    await caches.close();
    await analytics.close();
    await source?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
