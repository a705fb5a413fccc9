import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMlflowTraceStore, type WrittenTrace } from '../../electron/sample/mlflow-traces.js';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import { catalogPrice } from '../../shared/price-catalog.js';
import type { LatencyStats } from '../../shared/schemas/mlflow-tokens.js';
import { copyMlflowDb, openFixtureDb } from '../harness/mlflow-fixture.js';

// Cost with cached tokens and latency figures through the router the UI calls, over a generated
// store whose responses report prompt caching in OpenAI's and Anthropic's shapes, and over a copy
// of the shared MLflow fixture. Expectations are computed here from what the generator wrote and
// from the fixture's own tables, with a nearest-rank percentile written for the test.

let services: Services;
let scratch: string;
let written: WrittenTrace[];
let generatedId: string;
let fixtureId: string;
let fixture: Database.Database;

async function ok<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
  return contract[channel].result.parse(reply.value) as ResultOf<C>;
}

function nearestRank(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

function stats(durations: number[], count: number, errors: number): LatencyStats {
  return { count, p50: nearestRank(durations, 50), p90: nearestRank(durations, 90), p99: nearestRank(durations, 99), errors, errorRate: count === 0 ? null : errors / count };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-latency-'));
  services = createServices({ env: {}, userDataDir: path.join(scratch, 'user-data') });
  await services.localAccess.grant(scratch);
  const generated = path.join(scratch, 'generated', 'mlflow.db');
  await mkdir(path.dirname(generated));
  written = generateMlflowTraceStore(generated, { traces: 600, spans: 4000, experiments: 2, days: 5, inProgress: 3, cachedTokens: true, seed: 16 });
  generatedId = (await ok('workspace.open', { kind: 'local', path: path.dirname(generated), mlflowTrackingUri: `sqlite:///${generated}` })).id;
  const fixtureFolder = path.join(scratch, 'fixture');
  await mkdir(fixtureFolder);
  const copy = await copyMlflowDb(fixtureFolder);
  fixture = openFixtureDb();
  fixtureId = (await ok('workspace.open', { kind: 'local', path: fixtureFolder, mlflowTrackingUri: `sqlite:///${copy}` })).id;
});

afterAll(async () => {
  fixture.close();
  await services.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('cost with cached tokens over a generated store', () => {
  it('counts each model\u2019s cache reads and writes as the responses reported them, and prices them at the cached rates', async () => {
    const summary = await ok('mlflow.tokens.summary', { workspaceId: generatedId, experimentIds: ['1', '2'] });
    const contributions = written.flatMap((t) => t.contributions);
    expect(contributions.some((c) => c.cacheInInput > 0)).toBe(true);
    expect(contributions.some((c) => c.cacheWrite > 0)).toBe(true);
    let total = 0;
    for (const [model, parts] of groupBy(contributions, (c) => String(c.model))) {
      const sum = (f: (c: (typeof parts)[number]) => number) => parts.reduce((a, c) => a + f(c), 0);
      const row = summary.models.find((m) => String(m.model) === model);
      expect(row, model).toMatchObject({ input: sum((c) => c.input), output: sum((c) => c.output), cacheRead: sum((c) => c.cacheRead), cacheWrite: sum((c) => c.cacheWrite), cacheInInput: sum((c) => c.cacheInInput) });
      const price = catalogPrice(model);
      if (!price) continue;
      const cost =
        (sum((c) => c.input - c.cacheInInput) * price.inputPer1M +
          sum((c) => c.cacheRead) * (price.cachedInputPer1M ?? price.inputPer1M) +
          sum((c) => c.cacheWrite) * (price.cacheWritePer1M ?? price.inputPer1M) +
          sum((c) => c.output) * price.outputPer1M) /
        1e6;
      expect(row?.cost, model).toBeCloseTo(cost, 9);
      total += cost;
    }
    expect(summary.cost.total).toBeCloseTo(total, 9);
  });
});

describe('latency and errors', () => {
  it('over a generated store: per trace, per day, per span type and per model, as written', async () => {
    const from = Date.UTC(2026, 10, 2, 6);
    const latency = await ok('mlflow.tokens.latency', { workspaceId: generatedId, experimentIds: ['1', '2'], from });
    const chosen = written.filter((t) => t.timestampMs >= from);
    const finished = chosen.filter((t) => t.status !== 'IN_PROGRESS');
    const traceStats = (ts: WrittenTrace[]) => stats(ts.map((t) => t.durationMs as number), ts.length, ts.filter((t) => t.status === 'ERROR').length);
    expect(latency.traces).toEqual(traceStats(finished));
    expect(latency.traces.errors).toBeGreaterThan(0);
    const days = [...groupBy(finished, (t) => new Date(t.timestampMs).toISOString().slice(0, 10))].sort().map(([day, ts]) => ({ day, ...traceStats(ts) }));
    expect(latency.days).toEqual(days);
    const spans = chosen.flatMap((t) => t.spanTimings);
    const spanStats = (ss: typeof spans) => stats(ss.map((s) => s.durationMs), ss.length, ss.filter((s) => s.error).length);
    const byType = [...groupBy(spans, (s) => s.type)].map(([spanType, ss]) => ({ spanType, ...spanStats(ss) }));
    expect([...latency.spanTypes].sort((a, b) => String(a.spanType).localeCompare(String(b.spanType)))).toEqual(byType.sort((a, b) => a.spanType.localeCompare(b.spanType)));
    const withModel = spans.filter((s) => s.model !== null);
    const byModel = [...groupBy(withModel, (s) => String(s.model))].map(([model, ss]) => ({ model, ...spanStats(ss) }));
    expect([...latency.models].sort((a, b) => String(a.model).localeCompare(String(b.model)))).toEqual(byModel.sort((a, b) => a.model.localeCompare(b.model)));
    expect(latency.spansRead).toBe(true);
  });

  it('over the MLflow fixture: trace durations and span durations from its own tables', async () => {
    const experimentIds = (fixture.prepare('SELECT DISTINCT experiment_id FROM trace_info').pluck().all() as number[]).map(String);
    const latency = await ok('mlflow.tokens.latency', { workspaceId: fixtureId, experimentIds });
    const traces = fixture.prepare("SELECT execution_time_ms AS ms, status FROM trace_info WHERE status IN ('OK', 'ERROR')").all() as { ms: number | null; status: string }[];
    expect(traces.length).toBeGreaterThan(0);
    const durations = traces.filter((t) => t.ms !== null).map((t) => t.ms as number);
    expect(latency.traces).toEqual(stats(durations, traces.length, traces.filter((t) => t.status === 'ERROR').length));
    const spans = fixture
      .prepare('SELECT type, (end_time_unix_nano - start_time_unix_nano) / 1e6 AS ms, status FROM spans WHERE end_time_unix_nano IS NOT NULL')
      .all() as { type: string | null; ms: number; status: string }[];
    for (const [type, ss] of groupBy(spans, (s) => String(s.type))) {
      const row = latency.spanTypes.find((r) => String(r.spanType) === type);
      expect(row, type).toEqual({ spanType: ss[0].type, ...stats(ss.map((s) => s.ms), ss.length, ss.filter((s) => s.status === 'ERROR').length) });
    }
    expect(latency.spanTypes.length).toBe(new Set(spans.map((s) => s.type)).size);
  });
});
