import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/migrate.js';
import { CACHE_MIGRATIONS } from '../../electron/mlflow/tokens/cache-migrations.js';
import { PriceStore } from '../../electron/mlflow/tokens/price-store.js';
import { UsageCache } from '../../electron/mlflow/tokens/usage-cache.js';
import { generateMlflowTraceStore } from '../../electron/sample/mlflow-traces.js';

// Databases written by the previous Stratus: a usage cache without cache counts or timings is
// rebuilt on the next sync, and a price table keeps its rows with no cached-input price.

const scratch = mkdtempSync(path.join(tmpdir(), 'stratus-token-migrations-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('upgrading token databases', () => {
  it('a version 1 usage cache is emptied and rebuilt with cache counts and span timings', () => {
    const source = path.join(scratch, 'mlflow.db');
    const written = generateMlflowTraceStore(source, { traces: 80, spans: 600, experiments: 1, days: 2, cachedTokens: true, seed: 3 });
    const file = path.join(scratch, 'cache.sqlite');
    const old = new Database(file);
    migrate(old, { name: 'test cache' }, file, CACHE_MIGRATIONS.slice(0, 1));
    // What the previous version cached: every trace, finished, in step with the source (no cache counts, no timings).
    const mlflow = new Database(source, { readonly: true });
    const rows = mlflow.prepare('SELECT request_id, experiment_id, timestamp_ms, status FROM trace_info').raw().all() as [string, number, number, string][];
    const [count, maxRow, sumMs] = mlflow.prepare('SELECT count(*), max(rowid), sum(timestamp_ms) FROM trace_info').raw().get() as number[];
    mlflow.close();
    const insert = old.prepare('INSERT INTO traces (trace_id, experiment_id, timestamp_ms, day, status, final, mismatch) VALUES (?, ?, ?, ?, ?, 1, 0)');
    for (const [id, experiment, ms] of rows) insert.run(id, String(experiment), ms, Math.floor(ms / 86_400_000), 'OK');
    old.prepare("INSERT INTO sync_state (key, value) VALUES ('source', ?)").run(JSON.stringify({ maxRow, count, sumMs }));
    old.close();

    const cache = UsageCache.open(file);
    try {
      expect(cache.sync(source).read).toBe(80);
      const parts = cache.summaryParts({ experimentIds: ['1'] });
      const cacheRead = written.flatMap((t) => t.contributions).reduce((sum, c) => sum + c.cacheRead, 0);
      expect(cacheRead).toBeGreaterThan(0);
      expect(parts.models.reduce((sum, m) => sum + m.cacheRead, 0)).toBe(cacheRead);
      expect(cache.latency({ experimentIds: ['1'] }).spanTypes.reduce((sum, t) => sum + t.count, 0)).toBe(written.reduce((sum, t) => sum + t.spans, 0));
    } finally {
      cache.close();
    }
  });

  it('a version 1 price table keeps its rows, with no cached-input or cache-write price', () => {
    const file = path.join(scratch, 'prices.sqlite');
    const old = new Database(file);
    old.exec('CREATE TABLE prices (model TEXT PRIMARY KEY NOT NULL, input_per_1m REAL NOT NULL CHECK (input_per_1m >= 0), output_per_1m REAL NOT NULL CHECK (output_per_1m >= 0)) WITHOUT ROWID;');
    old.prepare('INSERT INTO prices VALUES (?, ?, ?)').run('my-model', 1.5, 6);
    old.pragma('user_version = 1');
    old.close();
    const store = new PriceStore(file);
    try {
      expect(store.get()).toEqual([{ model: 'my-model', inputPer1M: 1.5, outputPer1M: 6, cachedInputPer1M: null, cacheWritePer1M: null }]);
    } finally {
      store.close();
    }
  });
});
