import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createIdentityProvider } from '../../electron/azure/identity.js';
import { ArtifactRoots } from '../../electron/mlflow/artifact-roots.js';
import { traceQuery } from '../../electron/mlflow/queries.js';
import { SqliteSource } from '../../electron/mlflow/sources/sqlite.js';
import { spanUsageFromJson, traceUsage, type SpanUsage } from '../../electron/mlflow/tokens/trace-usage.js';
import { TokenAnalytics } from '../../electron/mlflow/tokens/token-analytics.js';
import { generateMlflowTraceStore } from '../../electron/sample/mlflow-traces.js';
import type { Report } from '../report.js';
import { runFileStore } from './mlflow-file-store.js';
import { runServer } from './mlflow-server.js';

// MLflow traces at scale: a generated store of 100,000 traces / 1,000,000 spans in MLflow's own
// sqlite schema. Token usage per day and model through the app's path (the token worker over its
// usage cache, warm) against the naive way (parse every span's JSON in this process and aggregate);
// the cache's one-time build against the same naive pass; and the first page of the trace list
// through the MLflow sqlite source against selecting every trace and sorting in JS.

const TRACES = 100_000;
const SPANS = 1_000_000;
const EXPERIMENTS = 4;
const PAGE = 100;
// The machine is shared: the median of a few warm runs.
const REPEATS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/** The naive per-day-per-model totals: every span's JSON parsed here, MLflow's rule per trace. */
function naiveDayModel(file: string, experimentIds: string[]): Map<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const chosen = new Set(experimentIds);
    const starts = new Map<string, number>();
    for (const [id, experiment, ms] of db.prepare('SELECT request_id, experiment_id, timestamp_ms FROM trace_info').raw().iterate() as Iterable<[string, number, number]>) {
      if (chosen.has(String(experiment))) starts.set(id, ms);
    }
    const spans = new Map<string, SpanUsage[]>();
    for (const [traceId, spanId, parentId, content] of db.prepare('SELECT trace_id, span_id, parent_span_id, content FROM spans').raw().iterate() as Iterable<
      [string, string, string | null, string]
    >) {
      if (!starts.has(traceId)) continue;
      const span = { ...spanUsageFromJson(JSON.parse(content) as object), spanId, parentId };
      const list = spans.get(traceId);
      if (list) list.push(span);
      else spans.set(traceId, [span]);
    }
    const totals = new Map<string, number>();
    for (const [traceId, list] of spans) {
      const day = new Date(starts.get(traceId) ?? 0).toISOString().slice(0, 10);
      for (const m of traceUsage(list).byModel) totals.set(`${day} ${m.model}`, (totals.get(`${day} ${m.model}`) ?? 0) + m.total);
    }
    return totals;
  } finally {
    db.close();
  }
}

/** The naive first page: every trace row selected, sorted newest first in JS. */
function naiveFirstPage(file: string, experimentIds: string[]): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    const chosen = new Set(experimentIds);
    const rows = (db.prepare('SELECT * FROM trace_info').all() as { experiment_id: number; timestamp_ms: number; request_id: string }[]).filter((r) =>
      chosen.has(String(r.experiment_id)),
    );
    rows.sort((a, b) => b.timestamp_ms - a.timestamp_ms || (a.request_id < b.request_id ? -1 : 1));
    return rows.slice(0, PAGE);
  } finally {
    db.close();
  }
}

export async function run(report: Report): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'stratus-bench-mlflow-'));
  const analytics = new TokenAnalytics(path.join(scratch, 'user-data'));
  try {
    const file = path.join(scratch, 'mlflow.db');
    const generated = await timed(() => generateMlflowTraceStore(file, { traces: TRACES, spans: SPANS, experiments: EXPERIMENTS, days: 30, users: 50, sessions: 5000 }));
    console.log(`(generated ${TRACES.toLocaleString('en-US')} traces / ${SPANS.toLocaleString('en-US')} spans in ${(generated.ms / 1000).toFixed(1)} s)`);
    const experimentIds = Array.from({ length: EXPERIMENTS }, (_, i) => String(i + 1));
    const filter = { experimentIds };

    const naive = await timed(() => naiveDayModel(file, experimentIds));
    const build = await timed(() => analytics.sync(file));
    if (build.value.traces !== TRACES) throw new Error(`The usage cache holds ${build.value.traces} traces, not ${TRACES}.`);
    report({
      name: `token usage cache build, one-time (${TRACES.toLocaleString('en-US')} traces / ${SPANS.toLocaleString('en-US')} spans, in the worker)`,
      value: Math.round(build.ms),
      unit: 'ms',
      baseline: { name: 'parsing every span JSON in process', value: Math.round(naive.ms) },
    });

    const warm: number[] = [];
    let days: Awaited<ReturnType<TokenAnalytics['days']>>['days'] = [];
    for (let i = 0; i < REPEATS; i++) {
      const t = await timed(() => analytics.days(file, filter));
      warm.push(t.ms);
      days = t.value.days;
    }
    // Both ways must agree before their times are compared.
    const fromCache = new Map(days.map((d) => [`${d.day} ${d.model}`, d.total]));
    if (fromCache.size !== naive.value.size || [...naive.value].some(([k, v]) => fromCache.get(k) !== v)) {
      throw new Error('The cached per-day-per-model totals differ from the naive ones.');
    }
    report({
      name: `per-day-per-model token totals, ${TRACES.toLocaleString('en-US')} traces (warm cache, sync check included)`,
      value: Math.round(median(warm)),
      unit: 'ms',
      baseline: { name: 'parsing every span JSON in process', value: Math.round(naive.ms) },
    });

    const summaries: number[] = [];
    for (let i = 0; i < REPEATS; i++) summaries.push((await timed(() => analytics.summary(file, { ...filter, topN: 10 }))).ms);
    report({
      name: 'full token summary: totals, days, models, users, sessions, percentiles, top 10, mismatches (warm cache)',
      value: Math.round(median(summaries)),
      unit: 'ms',
      baseline: { name: 'parsing every span JSON in process (per-day-per-model only)', value: Math.round(naive.ms) },
    });

    const latencies: number[] = [];
    for (let i = 0; i < REPEATS; i++) latencies.push((await timed(() => analytics.latency(file, filter))).ms);
    report({
      name: `latency and errors: trace p50/p90/p99 overall and per day, span p50/p90/p99 per type and model, ${SPANS.toLocaleString('en-US')} spans (warm cache)`,
      value: Math.round(median(latencies)),
      unit: 'ms',
      baseline: { name: 'parsing every span JSON in process (per-day-per-model only)', value: Math.round(naive.ms) },
    });

    const source = await SqliteSource.open(file, `sqlite:///${file}`, new ArtifactRoots(process.env, createIdentityProvider(), undefined));
    try {
      const pages: number[] = [];
      const naivePages: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const page = await timed(() => source.traces(traceQuery({ experimentIds, pageSize: PAGE })));
        if (page.value.traces.length !== PAGE) throw new Error(`The first page has ${page.value.traces.length} traces, not ${PAGE}.`);
        pages.push(page.ms);
        naivePages.push((await timed(() => naiveFirstPage(file, experimentIds))).ms);
      }
      report({
        name: `first page (${PAGE}) of the trace list, ${TRACES.toLocaleString('en-US')} traces, newest first (MLflow sqlite source)`,
        value: Math.round(median(pages)),
        unit: 'ms',
        baseline: { name: 'SELECT of every trace sorted in JS', value: Math.round(median(naivePages)) },
      });
    } finally {
      await source.close();
    }
  } finally {
    await analytics.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  await runServer(report);
  await runFileStore(report);
}
