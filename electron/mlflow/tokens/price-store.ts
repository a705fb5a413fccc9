import path from 'node:path';
import type Database from 'better-sqlite3';
import type { PriceRow, TokenPrice } from '../../../shared/schemas/mlflow-tokens.js';
import { migrate } from '../../core/migrate.js';
import { openPrivateDatabase } from '../../storage/private-database.js';

// The price tables (USD per million input/output/cached tokens per model name): the user's
// overrides of the shipped catalog (shared/price-catalog.ts), kept in the app's local database
// under user data: one app-wide table, and one per saved workspace (keyed by the saved
// workspace's id, which outlives each session's workspace id) that wins over it. A few hundred
// rows at most: read and written on the main thread, each write one transaction.

export const PRICE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE prices (
     model TEXT PRIMARY KEY NOT NULL,
     input_per_1m REAL NOT NULL CHECK (input_per_1m >= 0),
     output_per_1m REAL NOT NULL CHECK (output_per_1m >= 0)
   ) WITHOUT ROWID;`,
  `ALTER TABLE prices ADD COLUMN cached_input_per_1m REAL CHECK (cached_input_per_1m >= 0);
   ALTER TABLE prices ADD COLUMN cache_write_per_1m REAL CHECK (cache_write_per_1m >= 0);`,
  `CREATE TABLE workspace_prices (
     saved_id TEXT NOT NULL,
     model TEXT NOT NULL,
     input_per_1m REAL NOT NULL CHECK (input_per_1m >= 0),
     output_per_1m REAL NOT NULL CHECK (output_per_1m >= 0),
     cached_input_per_1m REAL CHECK (cached_input_per_1m >= 0),
     cache_write_per_1m REAL CHECK (cache_write_per_1m >= 0),
     PRIMARY KEY (saved_id, model)
   ) WITHOUT ROWID;`,
];

const COLUMNS = 'model, input_per_1m, output_per_1m, cached_input_per_1m, cache_write_per_1m';

const toPrice = ([model, inputPer1M, outputPer1M, cachedInputPer1M, cacheWritePer1M]: [string, number, number, number | null, number | null]): TokenPrice => ({
  model,
  inputPer1M,
  outputPer1M,
  cachedInputPer1M,
  cacheWritePer1M,
});

export function priceFile(userDataDir: string): string {
  return path.join(userDataDir, 'mlflow-tokens', 'prices.sqlite');
}

export class PriceStore {
  private db: Database.Database | undefined;

  constructor(private readonly file: string) {}

  /** The app-wide table. */
  get(): TokenPrice[] {
    const rows = this.open().prepare(`SELECT ${COLUMNS} FROM prices ORDER BY model`).raw().all();
    return (rows as [string, number, number, number | null, number | null][]).map(toPrice);
  }

  /** Replaces the whole app-wide table. */
  set(rows: readonly TokenPrice[]): TokenPrice[] {
    const db = this.open();
    const insert = db.prepare(`INSERT INTO prices (${COLUMNS}) VALUES (?, ?, ?, ?, ?)`);
    db.transaction(() => {
      db.prepare('DELETE FROM prices').run();
      for (const r of rows) insert.run(r.model, r.inputPer1M, r.outputPer1M, r.cachedInputPer1M ?? null, r.cacheWritePer1M ?? null);
    })();
    return this.get();
  }

  /** A saved workspace's own prices. */
  getWorkspace(savedId: string): TokenPrice[] {
    const rows = this.open().prepare(`SELECT ${COLUMNS} FROM workspace_prices WHERE saved_id = ? ORDER BY model`).raw().all(savedId);
    return (rows as [string, number, number, number | null, number | null][]).map(toPrice);
  }

  /** Replaces a saved workspace's own prices; a model left out falls back to the app-wide table or the catalog. */
  setWorkspace(savedId: string, rows: readonly TokenPrice[]): TokenPrice[] {
    const db = this.open();
    const insert = db.prepare(`INSERT INTO workspace_prices (saved_id, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`);
    db.transaction(() => {
      db.prepare('DELETE FROM workspace_prices WHERE saved_id = ?').run(savedId);
      for (const r of rows) insert.run(savedId, r.model, r.inputPer1M, r.outputPer1M, r.cachedInputPer1M ?? null, r.cacheWritePer1M ?? null);
    })();
    return this.getWorkspace(savedId);
  }

  /** Deletes a removed saved workspace's own prices. */
  forgetWorkspace(savedId: string): void {
    this.open().prepare('DELETE FROM workspace_prices WHERE saved_id = ?').run(savedId);
  }

  /**
   * The rows a workspace's costs use: its saved workspace's own (marked), then the app-wide rows
   * for the other models. An unsaved workspace (no saved id) gets the app-wide rows only.
   */
  effective(savedId: string | undefined): PriceRow[] {
    const own: PriceRow[] = savedId === undefined ? [] : this.getWorkspace(savedId).map((r) => ({ ...r, workspace: true }));
    const mine = new Set(own.map((r) => r.model));
    return [...own, ...this.get().filter((r) => !mine.has(r.model))];
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private open(): Database.Database {
    if (this.db) return this.db;
    const db = openPrivateDatabase(this.file);
    try {
      migrate(db, { name: 'The token price list' }, this.file, PRICE_MIGRATIONS);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    return db;
  }
}
