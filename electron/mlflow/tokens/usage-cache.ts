import type Database from 'better-sqlite3';
import type { TokensDayModel, TokensLatency } from '../../../shared/schemas/mlflow-tokens.js';
import { migrate } from '../../core/migrate.js';
import { openPrivateDatabase } from '../../storage/private-database.js';
import { CACHE_MIGRATIONS } from './cache-migrations.js';
import type { SummaryFilter } from './aggregate.js';
import type { SummaryParts } from './summary.js';
import { dayModelTotals, latencyFigures, summaryParts } from './usage-queries.js';
import { syncUsage, type SyncResult } from './usage-sync.js';

// The derived per-trace token usage of one MLflow sqlite store, kept in the app's own database so a
// summary is a few SQL aggregates instead of parsing every span's JSON (a million spans take
// seconds): synced by usage-sync.ts, queried by usage-queries.ts. Synchronous: it runs in the token
// worker (cache-worker.ts).

export class UsageCache {
  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {}

  static open(file: string): UsageCache {
    const db = openPrivateDatabase(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      migrate(db, { name: 'The token usage cache' }, file, CACHE_MIGRATIONS);
    } catch (err) {
      db.close();
      throw err;
    }
    return new UsageCache(db, file);
  }

  close(): void {
    this.db.close();
  }

  /** Brings the cache up to date with the MLflow sqlite store at `sourceFile`. */
  sync(sourceFile: string): SyncResult {
    return syncUsage(this.db, sourceFile);
  }

  /** The per-day-per-model series alone (what the chart needs first). */
  dayModelTotals(filter: SummaryFilter): TokensDayModel[] {
    return dayModelTotals(this.db, filter);
  }

  summaryParts(filter: SummaryFilter): SummaryParts {
    return summaryParts(this.db, filter);
  }

  latency(filter: SummaryFilter): TokensLatency {
    return latencyFigures(this.db, filter);
  }
}
