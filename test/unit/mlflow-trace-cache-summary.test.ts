import { afterEach, describe, expect, it } from 'vitest';
import { TraceCacheDb, type CachedInfo, type SpanResult } from '../../electron/mlflow/trace-cache/cache-db.js';
import { summarizeRecords, type SummaryFilter } from '../../electron/mlflow/tokens/aggregate.js';
import type { ModelUsage } from '../../electron/mlflow/tokens/trace-usage.js';
import { DAY_MS } from '../../electron/mlflow/tokens/summary.js';
import type { PriceRow } from '../../shared/schemas/mlflow-tokens.js';

// The trace cache's token summary is SQL over the cache (cache-summary.ts); it must give what the
// per-trace records summed in memory give, for every kind of cached trace: spans read (one or
// several models, ties, no usage), not read yet, unreadable; stored totals equal, different or absent.

let db: TraceCacheDb | undefined;
afterEach(() => db?.close());

/** A small deterministic generator, so a failure names the same data every run. */
function random(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s % n;
  };
}

const share = (model: string | null, input: number, output: number, cacheRead = 0): ModelUsage => ({ model, input, output, total: input + output, cacheRead, cacheWrite: 0, cacheInInput: cacheRead });

function fill(cache: TraceCacheDb, count: number): void {
  const r = random(7);
  const infos: CachedInfo[] = [];
  const spans: SpanResult[] = [];
  for (let i = 0; i < count; i++) {
    const traceId = `tr-${String(i).padStart(4, '0')}`;
    // Some before 1970 (negative days), several sharing one instant (ties in the top list).
    const timestampMs = (r(40) - 3) * DAY_MS + r(4) * 3_600_000;
    const stored = r(4) === 0 ? null : { input: r(50), output: r(50), total: 0 };
    if (stored) stored.total = stored.input + stored.output;
    infos.push({
      traceId,
      experimentId: String(r(3)),
      timestampMs,
      durationMs: 100,
      state: 'OK',
      name: r(3) === 0 ? null : `agent-${r(3)}`,
      user: r(5) === 0 ? null : `user-${r(7)}`,
      // More sessions than the summary lists (200), so the cut and the count are both checked.
      session: r(6) === 0 ? null : `s-${r(400)}`,
      stored,
    });
    const kind = r(6);
    if (kind === 0) continue; // spans not read yet
    if (kind === 1) {
      spans.push({ traceId, unreadable: true });
      continue;
    }
    if (kind === 2) {
      spans.push({ traceId, usage: null, byModel: [], spans: [] });
      continue;
    }
    // Equal shares in some traces: the top list names the first stored, as the records do.
    const a = r(30);
    const byModel = kind === 3 ? [share('gpt', a, 10, r(3))] : [share('claude', a, 5), share(r(2) === 0 ? null : 'gpt', kind === 4 ? a : r(30), 5)];
    // Often exactly the stored total (no mismatch), sometimes not.
    const usage = stored && r(2) === 0 && kind === 3 ? { ...stored } : byModel.reduce((u, m) => ({ input: u.input + m.input, output: u.output + m.output, total: u.total + m.total }), { input: 0, output: 0, total: 0 });
    spans.push({ traceId, usage, byModel: usage === stored ? [share('gpt', usage.input, usage.output)] : byModel, spans: [] });
  }
  cache.savePage(infos, null);
  cache.saveSpans(spans);
}

const prices: PriceRow[] = [{ model: 'gpt', inputPer1M: 1, outputPer1M: 2, cachedInputPer1M: 0.5 }];

describe('trace cache token summary', () => {
  it('equals the summary of the cached records, whole and for experiments, ranges and a short top list', () => {
    db = TraceCacheDb.open(':memory:');
    fill(db, 1500);
    const filters: SummaryFilter[] = [
      { experimentIds: ['0', '1', '2'] },
      { experimentIds: ['1'] },
      { experimentIds: ['0', '2'], from: -DAY_MS - 5, to: 20 * DAY_MS + 7_200_000 },
      { experimentIds: ['0', '1', '2'], from: 3 * DAY_MS, topN: 3 },
      { experimentIds: ['9'] },
      { experimentIds: [] },
    ];
    for (const filter of filters) expect(db.summary(filter, prices)).toEqual(summarizeRecords(db.records(filter), filter, prices));
  });

  it('puts a several-model trace on each model’s day row and flags a stored total that differs', () => {
    db = TraceCacheDb.open(':memory:');
    const base = { experimentId: '1', durationMs: 10, state: 'OK', name: 'n', user: null, session: null };
    db.savePage(
      [
        { ...base, traceId: 'a', timestampMs: DAY_MS + 5, stored: { input: 30, output: 3, total: 33 } },
        { ...base, traceId: 'b', timestampMs: DAY_MS + 9, stored: { input: 1, output: 1, total: 2 } },
      ],
      null,
    );
    db.saveSpans([{ traceId: 'a', usage: { input: 30, output: 3, total: 33 }, byModel: [share('big', 20, 2), share('small', 10, 1)], spans: [] }]);
    const summary = db.summary({ experimentIds: ['1'] }, []);
    expect(summary.days).toEqual([
      { day: '1970-01-02', model: 'big', input: 20, output: 2, total: 22, traces: 1 },
      { day: '1970-01-02', model: 'small', input: 10, output: 1, total: 11, traces: 1 },
      // b's spans are not read yet: its stored total, on an unknown model.
      { day: '1970-01-02', model: null, input: 1, output: 1, total: 2, traces: 1 },
    ]);
    expect(summary.totals).toEqual({ input: 31, output: 4, total: 35, traces: 2, tracesWithUsage: 2 });
    expect(summary.topTraces.map((t) => [t.traceId, t.model])).toEqual([
      ['a', 'big'],
      ['b', null],
    ]);
    expect(summary.mismatches).toEqual({ count: 0, traceIds: [] });
    db.saveSpans([{ traceId: 'b', usage: null, byModel: [], spans: [] }]);
    expect(db.summary({ experimentIds: ['1'] }, []).mismatches).toEqual({ count: 1, traceIds: ['b'] });
  });
});
