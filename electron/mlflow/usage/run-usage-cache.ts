import path from 'node:path';
import type Database from 'better-sqlite3';
import type { TierUsage } from '../../../shared/schemas/mlflow-usage.js';
import { migrate } from '../../core/migrate.js';
import { openPrivateDatabase } from '../../storage/private-database.js';

// What each ended MLflow run's artifacts add up to, kept under user data so a second usage view
// lists only runs it has not seen. An ended run's artifacts do not change, so a row is good as
// long as the run keeps its artifact URI. One read of a source's rows and one write transaction per
// usage build: small keyed rows (tens of bytes a run), so they stay on the main thread.

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE run_usage (
     source TEXT NOT NULL,
     run_id TEXT NOT NULL,
     artifact_uri TEXT NOT NULL,
     files INTEGER NOT NULL,
     bytes INTEGER NOT NULL,
     tiers TEXT NOT NULL,
     PRIMARY KEY (source, run_id)
   ) WITHOUT ROWID;`,
];

export interface CachedRun {
  artifactUri: string;
  files: number;
  bytes: number;
  tiers: TierUsage[];
}

export function usageCacheFile(userDataDir: string): string {
  return path.join(userDataDir, 'mlflow-usage.sqlite');
}

export class RunUsageCache {
  private db: Database.Database | undefined;

  /** `file` undefined keeps the cache in memory (the CLI, one command long). */
  constructor(private readonly file: string | undefined) {}

  /** Every cached run of one tracking store, by run id. */
  read(source: string): Map<string, CachedRun> {
    const rows = this.open().prepare('SELECT run_id, artifact_uri, files, bytes, tiers FROM run_usage WHERE source = ?').raw().all(source) as [string, string, number, number, string][];
    return new Map(rows.map(([runId, artifactUri, files, bytes, tiers]) => [runId, { artifactUri, files, bytes, tiers: parseTiers(tiers) }]));
  }

  write(source: string, runs: ReadonlyMap<string, CachedRun>): void {
    if (runs.size === 0) return;
    const db = this.open();
    const put = db.prepare('INSERT OR REPLACE INTO run_usage (source, run_id, artifact_uri, files, bytes, tiers) VALUES (?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const [runId, r] of runs) put.run(source, runId, r.artifactUri, r.files, r.bytes, JSON.stringify(r.tiers));
    })();
  }

  forget(source: string): void {
    this.open().prepare('DELETE FROM run_usage WHERE source = ?').run(source);
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private open(): Database.Database {
    if (this.db) return this.db;
    const file = this.file ?? ':memory:';
    const db = openPrivateDatabase(file);
    try {
      migrate(db, { name: 'The MLflow usage cache' }, file, MIGRATIONS);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    return db;
  }
}

/** A stored tier list; a row this code did not write reads as no tiers rather than failing the view. */
function parseTiers(text: string): TierUsage[] {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value.flatMap((t: unknown) => {
      if (typeof t !== 'object' || t === null) return [];
      const { tier, files, bytes } = t as Record<string, unknown>;
      return typeof tier === 'string' && typeof files === 'number' && typeof bytes === 'number' ? [{ tier, files, bytes }] : [];
    });
  } catch {
    return [];
  }
}
