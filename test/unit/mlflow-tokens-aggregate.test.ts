import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MlflowSource, TraceQuery } from '../../electron/mlflow/source.js';
import { recordsLatency, summarizeRecords, type SummaryFilter, type TraceUsageRecord } from '../../electron/mlflow/tokens/aggregate.js';
import { recordsFromSource } from '../../electron/mlflow/tokens/source-records.js';
import { finishSummary, percentiles } from '../../electron/mlflow/tokens/summary.js';
import { spanUsageFromJson, traceUsage } from '../../electron/mlflow/tokens/trace-usage.js';
import { UsageCache } from '../../electron/mlflow/tokens/usage-cache.js';
import type { TraceRow } from '../../shared/schemas/mlflow.js';
import type { TokenPrice, TokensSummary } from '../../shared/schemas/mlflow-tokens.js';
import { catalogPrice } from '../../shared/price-catalog.js';
import { parseStoredUsage } from '../../shared/token-usage.js';
import { generateMlflowTraceStore, type WrittenTrace } from '../../electron/sample/mlflow-traces.js';

// Token usage summaries over small generated MLflow stores. Expectations are computed here from
// what the generator wrote (each trace's counted spans and their models), not by the app's code.

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1);
const PRICES: TokenPrice[] = [
  { model: 'gpt-4o', inputPer1M: 2.5, outputPer1M: 10 },
  { model: 'claude-3-5-sonnet-20241022', inputPer1M: 3, outputPer1M: 15 },
];

let scratch: string;
let source: string;
let written: WrittenTrace[];
let cache: UsageCache;

interface Sums {
  input: number;
  output: number;
  total: number;
  traces: Set<string>;
}

function add(map: Map<string, Sums>, key: string, traceId: string, u: { input: number; output: number; total: number }): void {
  const s = map.get(key) ?? { input: 0, output: 0, total: 0, traces: new Set<string>() };
  s.input += u.input;
  s.output += u.output;
  s.total += u.total;
  s.traces.add(traceId);
  map.set(key, s);
}

const rows = (map: Map<string, Sums>) => [...map].map(([key, s]) => ({ key, input: s.input, output: s.output, total: s.total, traces: s.traces.size }));
const byKey = <T extends { key: string }>(list: T[]) => [...list].sort((a, b) => (a.key < b.key ? -1 : 1));

/** The summary's numbers as the generator's intent implies them. */
function expected(filter: SummaryFilter) {
  const from = filter.from ?? -Infinity;
  const to = filter.to ?? Infinity;
  const chosen = written.filter((t) => filter.experimentIds.includes(t.experimentId) && t.timestampMs >= from && t.timestampMs < to);
  const days = new Map<string, Sums>();
  const models = new Map<string, Sums>();
  const users = new Map<string, Sums>();
  const perTrace: { traceId: string; timestamp: number; total: number; model: string | null }[] = [];
  const totals = { input: 0, output: 0, total: 0, traces: chosen.length, tracesWithUsage: 0 };
  let mismatches = 0;
  for (const t of chosen) {
    const sum = t.contributions.reduce((a, c) => ({ input: a.input + c.input, output: a.output + c.output, total: a.total + c.total }), { input: 0, output: 0, total: 0 });
    if (t.stored && (t.stored.input !== sum.input || t.stored.output !== sum.output || t.stored.total !== sum.total)) mismatches++;
    if (t.contributions.length === 0) continue;
    totals.tracesWithUsage++;
    totals.input += sum.input;
    totals.output += sum.output;
    totals.total += sum.total;
    add(users, String(t.user), t.traceId, sum);
    const byModel = new Map<string, number>();
    for (const c of t.contributions) {
      add(days, `${new Date(t.timestampMs).toISOString().slice(0, 10)} ${c.model}`, t.traceId, c);
      add(models, String(c.model), t.traceId, c);
      byModel.set(String(c.model), (byModel.get(String(c.model)) ?? 0) + c.total);
    }
    const top = [...byModel].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    perTrace.push({ traceId: t.traceId, timestamp: t.timestampMs, total: sum.total, model: top });
  }
  return { totals, days: rows(days), models: rows(models), users: rows(users), perTrace, mismatches };
}

/** Smallest value with at least p% of the values at or below it. */
function nearestRank(values: number[], p: number): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) if ((i + 1) / sorted.length >= p / 100) return sorted[i];
  return null;
}

function checkAgainstIntent(summary: TokensSummary, filter: SummaryFilter): void {
  const want = expected(filter);
  expect(summary.totals).toEqual(want.totals);
  expect(byKey(summary.days.map((d) => ({ key: `${d.day} ${d.model}`, input: d.input, output: d.output, total: d.total, traces: d.traces })))).toEqual(byKey(want.days));
  expect(byKey(summary.models.map((m) => ({ key: String(m.model), input: m.input, output: m.output, total: m.total, traces: m.traces })))).toEqual(byKey(want.models));
  expect(byKey(summary.users.map((u) => ({ key: String(u.user), input: u.input, output: u.output, total: u.total, traces: u.traces })))).toEqual(byKey(want.users));
  expect(summary.userCount).toBe(want.users.length);
  const totals = want.perTrace.map((t) => t.total);
  expect(summary.perTrace).toEqual({ p50: nearestRank(totals, 50), p90: nearestRank(totals, 90), p99: nearestRank(totals, 99) });
  const top = [...want.perTrace].sort((a, b) => b.total - a.total || b.timestamp - a.timestamp).slice(0, filter.topN ?? 10);
  expect(summary.topTraces.map((t) => ({ traceId: t.traceId, timestamp: t.timestamp, total: t.total, model: t.model }))).toEqual(top);
  expect(summary.mismatches.count).toBe(want.mismatches);
  // Days are in order, models by total.
  expect(summary.days.map((d) => d.day)).toEqual([...summary.days.map((d) => d.day)].sort());
  expect(summary.models.map((m) => m.total)).toEqual([...summary.models.map((m) => m.total)].sort((a, b) => b - a));
}

/** Records built by parsing every span in JS: the in-memory aggregator's input for the same store. */
function recordsOf(file: string): TraceUsageRecord[] {
  const db = new Database(file, { readonly: true });
  try {
    const meta = (id: string, key: string) => (db.prepare('SELECT value FROM trace_request_metadata WHERE request_id = ? AND key = ?').pluck().get(id, key) as string | undefined) ?? null;
    const traces = db.prepare('SELECT request_id, experiment_id, timestamp_ms, execution_time_ms, status FROM trace_info').raw().all() as [string, number, number, number | null, string][];
    return traces.map(([id, experiment, timestamp, durationMs, status]) => {
      const spans = (db.prepare('SELECT span_id, parent_span_id, content FROM spans WHERE trace_id = ?').raw().all(id) as [string, string | null, string][]).map(
        ([spanId, parentId, content]) => ({ ...spanUsageFromJson(JSON.parse(content) as object), spanId, parentId }),
      );
      const { usage, byModel } = traceUsage(spans);
      const stored = meta(id, 'mlflow.trace.tokenUsage');
      return {
        traceId: id,
        experimentId: String(experiment),
        name: (db.prepare("SELECT value FROM trace_tags WHERE request_id = ? AND key = 'mlflow.traceName'").pluck().get(id) as string | undefined) ?? null,
        timestamp: timestamp,
        user: meta(id, 'mlflow.trace.user'),
        session: meta(id, 'mlflow.trace.session'),
        usage,
        byModel,
        stored: stored === null ? null : parseStoredUsage(stored),
        durationMs,
        status,
      };
    });
  } finally {
    db.close();
  }
}

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'stratus-tokens-'));
  source = path.join(scratch, 'mlflow.db');
  written = generateMlflowTraceStore(source, { traces: 400, spans: 3000, experiments: 3, days: 6, users: 6, sessions: 50, mismatchEvery: 9, inProgress: 4, seed: 11, startMs: START });
  cache = UsageCache.open(path.join(scratch, 'cache.sqlite'));
  cache.sync(source);
});

afterAll(() => {
  cache.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('token summary from the usage cache', () => {
  it('matches the generated traces: totals, per-day-per-model, models, users, percentiles, top traces, mismatches', () => {
    const filter = { experimentIds: ['1', '2', '3'], topN: 25 };
    const summary = finishSummary(cache.summaryParts(filter), PRICES);
    checkAgainstIntent(summary, filter);
    expect(summary.totals.traces).toBe(400);
    expect(summary.mismatches.count).toBeGreaterThan(0);
    // Generated traces nest usage (an LLM span over a CHAT_MODEL span) and name models only in requests or responses.
    expect(written.some((t) => t.spans > 1 && t.contributions.length > 0)).toBe(true);
  });

  it('keeps to the chosen experiments and time range, partial UTC days at both ends included', () => {
    const filter = { experimentIds: ['1', '3'], from: START + 1.5 * DAY + 123, to: START + 4 * DAY + 0.25 * DAY, topN: 5 };
    const summary = finishSummary(cache.summaryParts(filter), PRICES);
    checkAgainstIntent(summary, filter);
    expect(summary.days[0].day).toBe('2026-11-02');
    expect(summary.days[summary.days.length - 1].day).toBe('2026-11-05');
  });

  it('a range inside one day and a range of whole days agree with the traces', () => {
    for (const filter of [
      { experimentIds: ['2'], from: START + 2 * DAY + 1000, to: START + 2 * DAY + 50_000_000 },
      { experimentIds: ['1', '2', '3'], from: START + DAY, to: START + 3 * DAY },
      { experimentIds: ['2'], from: START + 10 * DAY },
    ]) {
      checkAgainstIntent(finishSummary(cache.summaryParts(filter), PRICES), filter);
    }
  });

  it('prices each model by the table, else the catalog, and names the models without a price', () => {
    const filter = { experimentIds: ['1', '2', '3'] };
    const summary = finishSummary(cache.summaryParts(filter), PRICES);
    const models = expected(filter).models;
    let total = 0;
    const unpriced: string[] = [];
    for (const m of models) {
      const own = PRICES.find((p) => p.model === m.key);
      const listed = m.key === 'null' ? null : catalogPrice(m.key);
      const price = own ?? listed;
      const row = summary.models.find((r) => String(r.model) === m.key);
      expect(row?.priceSource).toBe(own ? 'override' : listed ? 'catalog' : null);
      if (!price) {
        expect(row?.cost).toBeNull();
        unpriced.push(m.key);
        continue;
      }
      // The generator reports no cache counts by default: every prompt token at the input rate.
      const cost = (m.input * price.inputPer1M + m.output * price.outputPer1M) / 1e6;
      expect(row?.cost).toBeCloseTo(cost, 6);
      total += cost;
    }
    expect(summary.cost.total).toBeCloseTo(total, 6);
    expect(summary.cost.unpricedModels.map(String).sort()).toEqual(unpriced.sort());
  });

  it('the in-memory aggregator over JS-parsed spans gives the same summary (without span latency, which trace rows lack)', () => {
    const records = recordsOf(source);
    for (const filter of [{ experimentIds: ['1', '2', '3'], topN: 30 }, { experimentIds: ['2', '3'], from: START + 0.7 * DAY, to: START + 5.2 * DAY }]) {
      expect(summarizeRecords(records, filter, PRICES)).toEqual(finishSummary(cache.summaryParts(filter), PRICES));
      expect(recordsLatency(records, filter)).toEqual({ ...cache.latency(filter), spanTypes: [], models: [], spansRead: false });
    }
  });

  it('a first build over thousands of traces (one scan of the spans table, in chunks) matches the traces too', () => {
    const file = path.join(scratch, 'bulk.db');
    const saved = written;
    written = generateMlflowTraceStore(file, { traces: 2500, spans: 25_000, experiments: 2, days: 3, mismatchEvery: 11, seed: 21, startMs: START });
    const local = UsageCache.open(path.join(scratch, 'bulk-cache.sqlite'));
    try {
      expect(local.sync(file)).toEqual({ read: 2500, removed: 0, traces: 2500 });
      const filter = { experimentIds: ['1', '2'], from: START + 0.5 * DAY, topN: 15 };
      checkAgainstIntent(finishSummary(local.summaryParts(filter), PRICES), filter);
    } finally {
      local.close();
      written = saved;
    }
  });

  it('a sync reads only what changed: deleted traces leave, finished traces get their usage', () => {
    const copy = path.join(scratch, 'changing.db');
    const changing = generateMlflowTraceStore(copy, { traces: 60, spans: 300, experiments: 1, days: 2, inProgress: 3, seed: 5, startMs: START });
    const local = UsageCache.open(path.join(scratch, 'changing-cache.sqlite'));
    try {
      expect(local.sync(copy)).toEqual({ read: 60, removed: 0, traces: 60 });
      // Nothing changed but the unfinished traces, which are read again.
      expect(local.sync(copy)).toEqual({ read: 3, removed: 0, traces: 60 });
      const db = new Database(copy);
      db.pragma('foreign_keys = ON');
      const withUsage = changing.filter((t) => t.contributions.length > 0 && t.status !== 'IN_PROGRESS');
      const gone = withUsage[0];
      db.prepare('DELETE FROM trace_info WHERE request_id = ?').run(gone.traceId);
      db.prepare("UPDATE trace_info SET status = 'OK' WHERE status = 'IN_PROGRESS'").run();
      db.close();
      expect(local.sync(copy)).toEqual({ read: 3, removed: 1, traces: 59 });
      expect(local.sync(copy)).toEqual({ read: 0, removed: 0, traces: 59 });
      const summary = finishSummary(local.summaryParts({ experimentIds: ['1'] }), []);
      const remaining = changing.filter((t) => t !== gone);
      expect(summary.totals.traces).toBe(59);
      expect(summary.totals.total).toBe(remaining.reduce((sum, t) => sum + t.contributions.reduce((a, c) => a + c.total, 0), 0));
    } finally {
      local.close();
    }
  });

  it('counts MLflow\u2019s stored total, on an unknown model, for traces whose spans are not in the spans table', () => {
    const file = path.join(scratch, 'no-spans.db');
    const made = generateMlflowTraceStore(file, { traces: 40, spans: 200, experiments: 1, days: 1, seed: 8, startMs: START });
    const stripped = made.filter((t) => t.stored !== null).slice(0, 5);
    const db = new Database(file);
    for (const t of stripped) db.prepare('DELETE FROM spans WHERE trace_id = ?').run(t.traceId);
    db.close();
    const local = UsageCache.open(path.join(scratch, 'no-spans-cache.sqlite'));
    try {
      local.sync(file);
      const summary = finishSummary(local.summaryParts({ experimentIds: ['1'], topN: 40 }), []);
      const strippedTotal = stripped.reduce((a, t) => a + (t.stored?.total ?? 0), 0);
      expect(summary.models.find((m) => m.model === null)?.total).toBe(strippedTotal);
      for (const t of stripped) expect(summary.topTraces.find((r) => r.traceId === t.traceId)).toMatchObject({ model: null, total: t.stored?.total });
      expect(summary.mismatches.count).toBe(0);
      // An MLflow store without a spans table at all (older MLflow) is summarized from the stored totals.
      const old = path.join(scratch, 'old.db');
      generateMlflowTraceStore(old, { traces: 10, experiments: 1, seed: 9, startMs: START });
      const oldDb = new Database(old);
      oldDb.exec('DROP TABLE spans');
      const storedSum = (oldDb.prepare("SELECT value FROM trace_request_metadata WHERE key = 'mlflow.trace.tokenUsage'").pluck().all() as string[]).reduce(
        (a, v) => a + (parseStoredUsage(v)?.total ?? 0),
        0,
      );
      oldDb.close();
      const oldCache = UsageCache.open(path.join(scratch, 'old-cache.sqlite'));
      oldCache.sync(old);
      expect(finishSummary(oldCache.summaryParts({ experimentIds: ['1'] }), []).totals.total).toBe(storedSum);
      oldCache.close();
    } finally {
      local.close();
    }
  });

  it('refuses a file that is not an MLflow store, naming it', () => {
    const other = path.join(scratch, 'other.db');
    new Database(other).exec('CREATE TABLE x (y)');
    expect(() => cache.sync(other)).toThrow(/other\.db is not an MLflow tracking database with traces \(no trace_info table/);
    expect(() => cache.sync(path.join(scratch, 'missing.db'))).toThrow(/Cannot open the MLflow database .*missing\.db/);
  });
});

describe('one trace by MLflow\u2019s rule, split by model', () => {
  const u = (input: number, output: number) => ({ input, output, total: input + output });
  const NO_CACHE_COUNTS = { cacheRead: 0, cacheWrite: 0, cacheInInput: 0 };

  it('hands a span\u2019s usage to the spans below that report no more than it, whatever model they name, keeping the rest', () => {
    const result = traceUsage([
      { spanId: 'root', parentId: null, usage: null, model: null, cache: null },
      { spanId: 'llm', parentId: 'root', usage: u(100, 10), model: 'gpt-4o', cache: null },
      { spanId: 'inner', parentId: 'llm', usage: u(100, 10), model: 'claude-3-haiku', cache: null },
      { spanId: 'deep', parentId: 'inner', usage: u(7, 7), model: null, cache: null },
      { spanId: 'other', parentId: 'root', usage: u(5, 1), model: 'claude-3-haiku', cache: null },
      { spanId: 'unknown', parentId: 'root', usage: u(3, 0), model: null, cache: null },
    ]);
    expect(result.usage).toEqual(u(108, 11));
    // llm's usage all goes to inner (same counts); inner keeps 93/3 beside deep's 7/7.
    expect(result.byModel).toEqual([
      { model: 'claude-3-haiku', ...u(98, 4), ...NO_CACHE_COUNTS },
      { model: null, ...u(10, 7), ...NO_CACHE_COUNTS },
    ]);
  });

  it('reads the model from the attribute, else the request, else the response', () => {
    const span = (attributes: Record<string, string>) =>
      spanUsageFromJson({ span_id: 's', parent_span_id: null, attributes: { 'mlflow.chat.tokenUsage': '{"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}', ...attributes } });
    expect(span({ model: '"gpt-4o"', 'mlflow.spanInputs': '{"model": "x"}' }).model).toBe('gpt-4o');
    expect(span({ 'mlflow.spanInputs': '{"model": "claude-3-5-sonnet"}' }).model).toBe('claude-3-5-sonnet');
    expect(span({ 'mlflow.spanInputs': '{"messages": []}', 'mlflow.spanOutputs': '{"model": "gpt-4o-mini-2024"}' }).model).toBe('gpt-4o-mini-2024');
    expect(span({}).model).toBeNull();
    expect(span({}).usage).toEqual({ input: 1, output: 2, total: 3 });
  });

  it('has no usage when no span carries it', () => {
    expect(traceUsage([{ spanId: 'a', parentId: null, usage: null, model: null, cache: null }])).toEqual({ usage: null, byModel: [] });
  });
});

describe('percentiles', () => {
  it('are nearest-rank over the sorted totals', () => {
    expect(percentiles([])).toEqual({ p50: null, p90: null, p99: null });
    expect(percentiles([42])).toEqual({ p50: 42, p90: 42, p99: 42 });
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(hundred)).toEqual({ p50: 50, p90: 90, p99: 99 });
    expect(percentiles([1, 2, 3, 4])).toEqual({ p50: 2, p90: 4, p99: 4 });
  });
});

describe('summaries of stores read through their trace list (file store, tracking server)', () => {
  const row = (i: number, extra: Partial<TraceRow> = {}): TraceRow => ({
    traceId: `tr-${i}`,
    experimentId: '1',
    timestampMs: START + i * 1000,
    durationMs: 10,
    name: 'agent',
    state: 'OK',
    requestPreview: null,
    responsePreview: null,
    model: i % 2 === 0 ? 'gpt-4o' : 'claude-3-haiku',
    user: `user-${i % 3}`,
    session: null,
    tags: {},
    tokens: { input: i, output: 1, total: i + 1 },
    storedTokens: { input: i, output: 1, total: i + 1 },
    tokenMismatch: false,
    spanCount: 2,
    ...extra,
  });

  /** A source whose trace list pages through `rows` (only the trace list is used). */
  function listing(rows: TraceRow[], seen: TraceQuery[]): MlflowSource {
    const traces = (query: TraceQuery) => {
      seen.push(query);
      const start = Number(query.pageToken ?? 0);
      const next = start + query.pageSize;
      return Promise.resolve({ traces: rows.slice(start, next), nextPageToken: next < rows.length ? String(next) : null, total: null });
    };
    return { info: { kind: 'rest', uri: 'http://127.0.0.1:5000' }, traces } as unknown as MlflowSource;
  }

  it('reads every page with the range as the trace list takes it, and uses the stored total where spans were unreadable', async () => {
    const rows = [...Array.from({ length: 1200 }, (_, i) => row(i)), row(5000, { tokens: null, spanCount: null, storedTokens: { input: 7, output: 3, total: 10 } })];
    const seen: TraceQuery[] = [];
    const records = await recordsFromSource(listing(rows, seen), { experimentIds: ['1'], from: START, to: START + 10_000_000 });
    expect(records).toHaveLength(1201);
    expect(seen.map((q) => q.pageToken)).toEqual([undefined, '500', '1000']);
    expect(seen[0].filter).toEqual({ fromMs: START, toMs: START + 10_000_000 - 1 });
    const summary = summarizeRecords(records, { experimentIds: ['1'] }, []);
    expect(summary.totals.total).toBe(rows.reduce((a, r) => a + (r.tokens ?? r.storedTokens ?? { total: 0 }).total, 0));
    expect(summary.models.find((m) => m.model === null)?.total).toBe(10);
  });

  it('refuses more traces than it can list in reasonable time, with what to do instead', async () => {
    const rows = Array.from({ length: 50_501 }, (_, i) => row(i));
    await expect(recordsFromSource(listing(rows, []), { experimentIds: ['1'] })).rejects.toThrow(/limited to 50,000 traces/);
  });
});
