import type Database from 'better-sqlite3';
import { StratusError } from '../../shared/errors.js';
import { migrate, SchemaVersionError } from '../core/migrate.js';
import { openPrivateDatabase } from '../storage/private-database.js';
import { JOURNAL_MIGRATIONS } from './journal-migrations.js';

// The gc journal (gc.db in user data): every plan, every deletion written before its request and
// marked with its outcome after, so a run killed half-way is finished by running the plan again,
// and past runs stay queryable. Its statements are small and indexed, so it runs on the main thread.

export const JOURNAL_FILE = 'gc.db';

export type GcTarget = 'metaflow' | 'mlflow';
export type DeletionState = 'planned' | 'deleting' | 'deleted' | 'gone' | 'changed' | 'reachable' | 'failed';
/** Outcomes after which an entry needs nothing more. */
export const SETTLED: readonly DeletionState[] = ['deleted', 'gone', 'changed', 'reachable'];

export interface PlannedDeletion {
  name: string;
  /** The flow or experiment the object belongs to. */
  group: string;
  etag: string;
  size: number;
  lastModified: number | null;
  reason: string;
}

export interface JournalEntry extends PlannedDeletion {
  state: DeletionState;
  detail: string | null;
}

export interface PlanRecord {
  id: string;
  workspaceId: string;
  workspaceName: string;
  target: GcTarget;
  createdAt: number;
  planJson: string;
  state: 'planned' | 'executing' | 'done';
  startedAt: number | null;
  finishedAt: number | null;
  reportJson: string | null;
}

interface PlanRow {
  id: string;
  workspace_id: string;
  workspace_name: string;
  target: GcTarget;
  created_at: number;
  plan_json: string;
  state: PlanRecord['state'];
  started_at: number | null;
  finished_at: number | null;
  report_json: string | null;
}

interface DeletionRow {
  name: string;
  grp: string;
  etag: string;
  size: number;
  last_modified: number | null;
  reason: string;
  state: DeletionState;
  detail: string | null;
}

export class GcJournal {
  private constructor(private readonly db: Database.Database) {}

  /** Opens (creating and migrating) the journal at `file`; ':memory:' for a throwaway one. */
  static open(file: string): GcJournal {
    const db = openPrivateDatabase(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Wait for a second writer (a killed run's successor, the CLI beside the app) instead of failing.
    db.pragma('busy_timeout = 5000');
    try {
      migrate(db, { name: 'The gc journal' }, file, JOURNAL_MIGRATIONS);
    } catch (err) {
      db.close();
      if (!(err instanceof SchemaVersionError)) throw err;
      throw new StratusError({
        code: 'CORRUPT_DATA',
        message: `The gc journal ${file} was written by a newer Stratus (schema ${err.found}); update Stratus to use it.`,
      });
    }
    return new GcJournal(db);
  }

  close(): void {
    this.db.close();
  }

  savePlan(plan: Omit<PlanRecord, 'state' | 'startedAt' | 'finishedAt' | 'reportJson'>, deletions: readonly PlannedDeletion[], indexes: ReadonlyMap<string, string>): void {
    const insertPlan = this.db.prepare(
      `INSERT INTO plans (id, workspace_id, workspace_name, target, created_at, plan_json, state) VALUES (?, ?, ?, ?, ?, ?, 'planned')`,
    );
    const insertDeletion = this.db.prepare(
      `INSERT INTO deletions (plan_id, name, grp, etag, size, last_modified, reason, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'planned')`,
    );
    const insertIndex = this.db.prepare(`INSERT INTO plan_indexes (plan_id, name, etag) VALUES (?, ?, ?)`);
    this.db.transaction(() => {
      insertPlan.run(plan.id, plan.workspaceId, plan.workspaceName, plan.target, plan.createdAt, plan.planJson);
      for (const d of deletions) insertDeletion.run(plan.id, d.name, d.group, d.etag, d.size, d.lastModified, d.reason);
      for (const [name, etag] of indexes) insertIndex.run(plan.id, name, etag);
    })();
  }

  plan(id: string): PlanRecord {
    const row = this.db.prepare(`SELECT * FROM plans WHERE id = ?`).get(id) as PlanRow | undefined;
    if (!row) throw new StratusError({ code: 'NOT_FOUND', message: 'This gc plan is not in the journal; make a new plan.' });
    return toPlan(row);
  }

  /** Past plans, newest first. */
  history(limit: number): PlanRecord[] {
    const rows = this.db.prepare(`SELECT * FROM plans ORDER BY created_at DESC LIMIT ?`).all(limit) as PlanRow[];
    return rows.map(toPlan);
  }

  planIndexes(planId: string): Map<string, string> {
    const rows = this.db.prepare(`SELECT name, etag FROM plan_indexes WHERE plan_id = ?`).all(planId) as { name: string; etag: string }[];
    return new Map(rows.map((r) => [r.name, r.etag]));
  }

  entries(planId: string): JournalEntry[] {
    const rows = this.db.prepare(`SELECT * FROM deletions WHERE plan_id = ? ORDER BY name`).all(planId) as DeletionRow[];
    return rows.map((r) => ({
      name: r.name,
      group: r.grp,
      etag: r.etag,
      size: r.size,
      lastModified: r.last_modified,
      reason: r.reason,
      state: r.state,
      detail: r.detail,
    }));
  }

  countByState(planId: string): Record<DeletionState, number> {
    const counts: Record<DeletionState, number> = { planned: 0, deleting: 0, deleted: 0, gone: 0, changed: 0, reachable: 0, failed: 0 };
    const rows = this.db.prepare(`SELECT state, count(*) AS n FROM deletions WHERE plan_id = ? GROUP BY state`).all(planId) as { state: DeletionState; n: number }[];
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  }

  startExecution(planId: string, at: number): void {
    this.db.prepare(`UPDATE plans SET state = 'executing', started_at = coalesce(started_at, ?) WHERE id = ?`).run(at, planId);
  }

  finishExecution(planId: string, at: number, reportJson: string): void {
    this.db.prepare(`UPDATE plans SET state = 'done', finished_at = ?, report_json = ? WHERE id = ?`).run(at, reportJson, planId);
  }

  /** Written before the delete requests go out. */
  markRequested(planId: string, names: readonly string[], at: number): void {
    const update = this.db.prepare(`UPDATE deletions SET state = 'deleting', requested_at = ? WHERE plan_id = ? AND name = ?`);
    this.db.transaction(() => {
      for (const name of names) update.run(at, planId, name);
    })();
  }

  /** Written after the answers came back. */
  markOutcomes(planId: string, outcomes: readonly { name: string; state: DeletionState; detail?: string }[], at: number): void {
    const update = this.db.prepare(`UPDATE deletions SET state = ?, detail = ?, done_at = ? WHERE plan_id = ? AND name = ?`);
    this.db.transaction(() => {
      for (const o of outcomes) update.run(o.state, o.detail ?? null, at, planId, o.name);
    })();
  }
}

function toPlan(row: PlanRow): PlanRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    workspaceName: row.workspace_name,
    target: row.target,
    createdAt: row.created_at,
    planJson: row.plan_json,
    state: row.state,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    reportJson: row.report_json,
  };
}
