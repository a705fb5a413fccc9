import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IndexStore } from '../../../electron/index/index-store.js';
import { migrate, SchemaVersionError } from '../../../electron/core/migrate.js';
import { LOCAL_INDEX, MIGRATIONS } from '../../../electron/index/migrations.js';
import { MetaflowIndex } from '../../../electron/index/metaflow-index.js';
import { FLOW, run, tempDir } from './fixtures.js';

// Versioned migrations: an empty file gets the whole schema, reopening changes nothing, a
// database from a newer Stratus is refused, and a failing step leaves the previous version.

let dir: string;
let remove: () => Promise<void>;

beforeEach(async () => {
  ({ dir, remove } = await tempDir());
});
afterEach(() => remove());

function tables(db: Database.Database): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
}

describe('migrations', () => {
  it('creates the schema in an empty database and records its version', () => {
    const db = new Database(path.join(dir, 'a.sqlite'));
    expect(migrate(db, LOCAL_INDEX, 'a.sqlite', MIGRATIONS)).toBe(0);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(tables(db)).toEqual(['artifacts', 'attempts', 'flows', 'objects', 'run_details', 'runs', 'service_lists', 'task_details', 'tasks', 'usage_cas', 'usage_refs', 'usage_runs', 'usage_steps']);
    const indexes = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL").pluck().all();
    expect(indexes).toEqual(expect.arrayContaining(['runs_by_start', 'runs_by_status']));
    db.close();
  });

  it('is idempotent: migrating again applies nothing and keeps the data', () => {
    const file = path.join(dir, 'a.sqlite');
    const store = IndexStore.open(file);
    store.putRuns(FLOW, [run('1')], 1);
    store.close();
    const db = new Database(file);
    expect(migrate(db, LOCAL_INDEX, file, MIGRATIONS)).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(1);
    db.close();
    const again = IndexStore.open(file);
    expect(again.getRuns(FLOW).runs).toEqual([{ key: '1', value: run('1') }]);
    again.close();
  });

  it('step 4 keeps the runs an index of step 3 holds, and then keeps when a service last answered a flow', () => {
    const file = path.join(dir, 'v3.sqlite');
    const db = new Database(file);
    migrate(db, LOCAL_INDEX, file, MIGRATIONS.slice(0, 3));
    db.close();
    const v3 = IndexStore.open(file);
    v3.putRuns(FLOW, [run('1')], 1);
    v3.close();
    // Reopened by this version: migrated to the last step without losing the cached runs.
    const store = IndexStore.open(file);
    expect(store.getRuns(FLOW).runs.map((r) => r.key)).toEqual(['1']);
    expect(store.getServiceRefresh('https://mf.example.com', FLOW)).toBeNull();
    store.putServiceRefresh('https://mf.example.com', FLOW, 2000);
    store.putServiceRefresh('https://mf.example.com', FLOW, 1000);
    store.close();
    const reopened = IndexStore.open(file);
    expect(reopened.getServiceRefresh('https://mf.example.com', FLOW)).toBe(2000);
    expect(reopened.getServiceRefresh('https://other.example.com', FLOW)).toBeNull();
    reopened.close();
  });

  it('opens in WAL mode with foreign keys on', () => {
    const file = path.join(dir, 'a.sqlite');
    IndexStore.open(file).close();
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('applies each step in a transaction: a failing step leaves the version before it', () => {
    const db = new Database(path.join(dir, 'a.sqlite'));
    const steps = ['CREATE TABLE one (x)', 'CREATE TABLE two (x); THIS IS NOT SQL'];
    expect(() => migrate(db, LOCAL_INDEX, 'a.sqlite', steps)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(['one']);
    db.close();
  });

  it('refuses a database written by a newer Stratus, and leaves it untouched', () => {
    const file = path.join(dir, 'newer.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    const before = readFileSync(file);
    let error: unknown;
    try {
      IndexStore.open(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SchemaVersionError);
    expect((error as Error).message).toContain(`schema version ${MIGRATIONS.length + 1}`);
    expect((error as Error).message).toContain('written by a newer Stratus');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses it through the worker too, with the same error', async () => {
    const file = path.join(dir, 'newer.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    db.close();
    const opening = MetaflowIndex.open(file);
    await expect(opening).rejects.toBeInstanceOf(SchemaVersionError);
    await expect(opening).rejects.toThrow(new RegExp(`knows versions up to ${MIGRATIONS.length}: it was written by a newer Stratus`));
  });

  it('sets aside a file that is not a database and starts a new index', () => {
    const file = path.join(dir, 'broken.sqlite');
    writeFileSync(file, 'this is not a sqlite database, just some bytes '.repeat(100));
    const store = IndexStore.open(file);
    store.putRuns(FLOW, [run('1')], 1);
    expect(store.getRuns(FLOW).total).toBe(1);
    store.close();
    expect(readFileSync(`${file}.corrupt`, 'utf8')).toMatch(/^this is not a sqlite database/);
  });
});
