import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/migrate.js';
import { generateMlflowTraceStore } from '../../electron/sample/mlflow-traces.js';
import { TraceCacheDb } from '../../electron/mlflow/trace-cache/cache-db.js';
import { TRACE_CACHE_MIGRATIONS } from '../../electron/mlflow/trace-cache/migrations.js';
import { TraceCaches } from '../../electron/mlflow/trace-cache/trace-caches.js';

// The trace cache's prompt columns (migration 2): a cache written before them is walked again, so
// its traces gain their linked prompts and system prompts; a trace's prompt facts are kept with it.

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('trace cache prompt columns', () => {
  it('lists and reads again the traces of a cache made before migration 2', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stratus-cache-m2-'));
    const file = path.join(dir, 'cache.sqlite');
    const old = new Database(file);
    migrate(old, { name: 'The trace cache' }, file, TRACE_CACHE_MIGRATIONS.slice(0, 1));
    old.exec(`INSERT INTO traces (trace_id, experiment_id, timestamp_ms, state, spans) VALUES ('a', '1', 100, 'OK', 1);
              INSERT INTO sync_state (experiment_id, page_token, newest_ms, complete) VALUES ('1', NULL, 100, 1);`);
    old.close();

    const db = TraceCacheDb.open(file);
    try {
      expect(db.position('1')).toEqual({ experimentId: '1', pageToken: null, newestMs: 100, complete: false });
      expect(db.pendingSpans(10)).toEqual(['a']);
    } finally {
      db.close();
    }
  });

  it('keeps the linked prompts from the search and the system prompt from the spans, once per fingerprint', () => {
    const db = TraceCacheDb.open(':memory:');
    try {
      const base = { experimentId: '1', durationMs: 10, state: 'OK', name: null, user: null, session: null, stored: null };
      db.savePage(
        [
          { ...base, traceId: 'a', timestampMs: 2, linked: JSON.stringify([{ name: 'p', version: '1' }]) },
          { ...base, traceId: 'b', timestampMs: 1, linked: null },
          { ...base, traceId: 'c', timestampMs: 0, linked: null },
        ],
        null,
      );
      const facts = { system: 'Be brief.', input: 'q', output: 'a', template: null };
      db.saveSpans([
        { traceId: 'b', usage: null, byModel: [], spans: [], prompt: facts },
        { traceId: 'c', usage: null, byModel: [], spans: [], prompt: facts },
      ]);
      const { records, systems } = db.promptRecords(['1']);
      const byId = new Map(records.map((r) => [r.traceId, r]));
      expect(byId.get('a')).toMatchObject({ linked: [{ name: 'p', version: '1' }], systemHash: null, spansRead: false });
      expect(byId.get('b')).toMatchObject({ linked: [], input: 'q', output: 'a', spansRead: true });
      expect(byId.get('b')?.systemHash).toBe(byId.get('c')?.systemHash);
      expect([...systems.values()]).toEqual(['Be brief.']);
    } finally {
      db.close();
    }
  });

  it('says why an sqlite store cannot be grouped: missing, or not an MLflow database', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stratus-cache-bad-'));
    const other = path.join(dir, 'other.db');
    const plain = new Database(other);
    plain.exec('CREATE TABLE x (y)');
    plain.close();
    const caches = new TraceCaches(path.join(dir, 'user-data'));
    try {
      await expect(caches.sqlitePrompts(path.join(dir, 'missing.db'), ['1'], [])).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('Cannot open the MLflow database') });
      await expect(caches.sqlitePrompts(other, ['1'], [])).rejects.toMatchObject({ code: 'CORRUPT_DATA', message: expect.stringContaining('no trace_info table') });
    } finally {
      await caches.close();
    }
  });

  it('reads an sqlite store again once it changed: the records kept between calls are not reused', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stratus-prompts-store-'));
    const file = path.join(dir, 'mlflow.db');
    generateMlflowTraceStore(file, { traces: 6, experiments: 1, seed: 3 });
    const caches = new TraceCaches(path.join(dir, 'user-data'));
    try {
      const first = await caches.sqlitePrompts(file, ['1'], []);
      expect(first.traces).toBe(6);
      expect(await caches.sqlitePrompts(file, ['1'], [])).toEqual(first);
      const store = new Database(file);
      const gone = store.prepare('SELECT request_id FROM trace_info ORDER BY timestamp_ms LIMIT 1').pluck().get() as string;
      for (const table of ['spans', 'trace_tags', 'trace_request_metadata', 'trace_info']) store.prepare(`DELETE FROM ${table} WHERE ${table === 'spans' ? 'trace_id' : 'request_id'} = ?`).run(gone);
      store.close();
      expect((await caches.sqlitePrompts(file, ['1'], [])).traces).toBe(5);
    } finally {
      await caches.close();
    }
  });
});
