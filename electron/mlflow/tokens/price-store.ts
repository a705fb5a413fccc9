import path from 'node:path';
import type Database from 'better-sqlite3';
import type { TokenPrice } from '../../../shared/schemas/mlflow-tokens.js';
import { migrate } from '../../core/migrate.js';
import { openPrivateDatabase } from '../../storage/private-database.js';

// The price table (USD per million input/output/cached tokens per model name): the user's
// overrides of the shipped catalog (shared/price-catalog.ts), kept in the app's local database
// under user data, for every workspace. A few hundred rows at most: read and written on
// the main thread, each write one transaction.

const PRICE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE prices (
     model TEXT PRIMARY KEY NOT NULL,
     input_per_1m REAL NOT NULL CHECK (input_per_1m >= 0),
     output_per_1m REAL NOT NULL CHECK (output_per_1m >= 0)
   ) WITHOUT ROWID;`,
  `ALTER TABLE prices ADD COLUMN cached_input_per_1m REAL CHECK (cached_input_per_1m >= 0);
   ALTER TABLE prices ADD COLUMN cache_write_per_1m REAL CHECK (cache_write_per_1m >= 0);`,
];

export function priceFile(userDataDir: string): string {
  return path.join(userDataDir, 'mlflow-tokens', 'prices.sqlite');
}

export class PriceStore {
  private db: Database.Database | undefined;

  constructor(private readonly file: string) {}

  get(): TokenPrice[] {
    const rows = this.open().prepare('SELECT model, input_per_1m, output_per_1m, cached_input_per_1m, cache_write_per_1m FROM prices ORDER BY model').raw().all();
    return (rows as [string, number, number, number | null, number | null][]).map(([model, inputPer1M, outputPer1M, cachedInputPer1M, cacheWritePer1M]) => ({
      model,
      inputPer1M,
      outputPer1M,
      cachedInputPer1M,
      cacheWritePer1M,
    }));
  }

  /** Replaces the whole table. */
  set(rows: readonly TokenPrice[]): TokenPrice[] {
    const db = this.open();
    const insert = db.prepare('INSERT INTO prices (model, input_per_1m, output_per_1m, cached_input_per_1m, cache_write_per_1m) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      db.prepare('DELETE FROM prices').run();
      for (const r of rows) insert.run(r.model, r.inputPer1M, r.outputPer1M, r.cachedInputPer1M ?? null, r.cacheWritePer1M ?? null);
    })();
    return this.get();
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
