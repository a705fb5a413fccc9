import Database from 'better-sqlite3';
import { StratusError } from '../../../shared/errors.js';

// MLflow's sqlite tracking store, read and pruned with our own SQL (the schema MLflow 3.x writes;
// see the shared fixture's SCHEMA.md). Which runs and experiments `mlflow gc` removes, and which
// rows go with them, follow its `gc` command and SqlAlchemyStore._hard_delete_run/_experiment.

export interface DeletedRun {
  runId: string;
  experimentId: number;
  experimentName: string;
  artifactUri: string | null;
}

export interface ExperimentRow {
  experimentId: number;
  name: string;
  artifactLocation: string | null;
  deleted: boolean;
}

export interface Selection {
  runs: DeletedRun[];
  /** Deleted experiments to remove (with all their runs). */
  experiments: ExperimentRow[];
}

const REQUIRED_TABLES = ['experiments', 'runs', 'metrics', 'latest_metrics', 'params', 'tags'];

export function openMlflowDb(file: string, readonly: boolean): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly, fileMustExist: true });
  } catch (err) {
    throw new StratusError({ code: 'NOT_FOUND', message: `Cannot open the MLflow database ${file}.`, detail: (err as Error).message });
  }
  db.pragma('busy_timeout = 5000');
  const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
  const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
  if (missing.length > 0) {
    db.close();
    throw new StratusError({ code: 'CORRUPT_DATA', message: `${file} is not an MLflow tracking database: it has no ${missing.join(', ')} table.` });
  }
  return db;
}

export function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

/**
 * Like `mlflow gc [--older-than]`: runs in the deleted stage whose deleted_time is at least
 * `olderThanMs` ago, plus every deleted run of experiments in the deleted stage (last updated at
 * least `olderThanMs` ago when given).
 */
export function selectGarbage(db: Database.Database, now: number, olderThanMs: number | undefined): Selection {
  const threshold = now - (olderThanMs ?? 0);
  const runSql = `SELECT r.run_uuid AS runId, r.experiment_id AS experimentId, e.name AS experimentName, r.artifact_uri AS artifactUri
    FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id`;
  const byDeletedTime = db.prepare(`${runSql} WHERE r.lifecycle_stage = 'deleted' AND r.deleted_time <= ?`).all(threshold) as DeletedRun[];
  const experiments = (
    db
      .prepare(
        `SELECT experiment_id AS experimentId, name, artifact_location AS artifactLocation FROM experiments
         WHERE lifecycle_stage = 'deleted' ${olderThanMs === undefined ? '' : 'AND last_update_time < ?'} ORDER BY experiment_id`,
      )
      .all(...(olderThanMs === undefined ? [] : [threshold])) as Omit<ExperimentRow, 'deleted'>[]
  ).map((e) => ({ ...e, deleted: true }));
  const ofExperiments = experiments.flatMap(
    (e) => db.prepare(`${runSql} WHERE r.lifecycle_stage = 'deleted' AND r.experiment_id = ?`).all(e.experimentId) as DeletedRun[],
  );
  const runs = new Map<string, DeletedRun>();
  for (const run of [...byDeletedTime, ...ofExperiments]) runs.set(run.runId, run);
  return { runs: [...runs.values()], experiments };
}

export function allExperiments(db: Database.Database): ExperimentRow[] {
  const rows = db
    .prepare(`SELECT experiment_id AS experimentId, name, artifact_location AS artifactLocation, lifecycle_stage AS stage FROM experiments ORDER BY experiment_id`)
    .all() as (Omit<ExperimentRow, 'deleted'> & { stage: string })[];
  return rows.map(({ stage, ...e }) => ({ ...e, deleted: stage === 'deleted' }));
}

export function traceIds(db: Database.Database): Set<string> {
  if (!hasTable(db, 'trace_info')) return new Set();
  return new Set((db.prepare(`SELECT request_id AS id FROM trace_info`).all() as { id: string }[]).map((r) => r.id));
}

/** Runs of `ids` that are still in the deleted stage (one restored since the plan must stay). */
export function stillDeleted(db: Database.Database, ids: readonly string[]): Set<string> {
  const query = db.prepare(`SELECT 1 FROM runs WHERE run_uuid = ? AND lifecycle_stage = 'deleted'`);
  return new Set(ids.filter((id) => query.get(id) !== undefined));
}

export interface HardDeleted {
  /** Runs and experiments whose rows this call removed. */
  runs: string[];
  experiments: number[];
  rows: Record<string, number>;
}

/**
 * In one transaction: each run's metrics, latest metrics, params and tags, then the run (what the
 * ORM cascade of _hard_delete_run removes); then each experiment's tags, traces (and their tags,
 * metadata, spans, assessments), datasets, and the experiment. Beyond MLflow, the dataset inputs
 * of removed runs go too, which MLflow leaves orphaned.
 */
export function hardDelete(db: Database.Database, runIds: readonly string[], experimentIds: readonly number[]): HardDeleted {
  const rows: Record<string, number> = {};
  const run = (table: string, sql: string, ...params: (string | number)[]): number => {
    if (!hasTable(db, table)) return 0;
    const changes = db.prepare(sql).run(...params).changes;
    rows[table] = (rows[table] ?? 0) + changes;
    return changes;
  };
  const runs: string[] = [];
  const experiments: number[] = [];
  db.transaction(() => {
    for (const id of runIds) {
      if (hasTable(db, 'input_tags')) {
        run('input_tags', `DELETE FROM input_tags WHERE input_uuid IN (SELECT input_uuid FROM inputs WHERE destination_type = 'RUN' AND destination_id = ?)`, id);
      }
      run('inputs', `DELETE FROM inputs WHERE destination_type = 'RUN' AND destination_id = ?`, id);
      for (const table of ['latest_metrics', 'metrics', 'params', 'tags']) run(table, `DELETE FROM ${table} WHERE run_uuid = ?`, id);
      if (run('runs', `DELETE FROM runs WHERE run_uuid = ? AND lifecycle_stage = 'deleted'`, id) > 0) runs.push(id);
    }
    for (const id of experimentIds) {
      const left = db.prepare(`SELECT count(*) AS n FROM runs WHERE experiment_id = ?`).get(id) as { n: number };
      if (left.n > 0) continue;
      run('experiment_tags', `DELETE FROM experiment_tags WHERE experiment_id = ?`, id);
      const traces = `SELECT request_id FROM trace_info WHERE experiment_id = ?`;
      for (const table of ['trace_tags', 'trace_request_metadata']) {
        if (hasTable(db, 'trace_info')) run(table, `DELETE FROM ${table} WHERE request_id IN (${traces})`, id);
      }
      if (hasTable(db, 'trace_info')) {
        run('assessments', `DELETE FROM assessments WHERE trace_id IN (${traces})`, id);
        run('spans', `DELETE FROM spans WHERE trace_id IN (${traces}) OR experiment_id = ?`, id, id);
      }
      run('trace_info', `DELETE FROM trace_info WHERE experiment_id = ?`, id);
      run('datasets', `DELETE FROM datasets WHERE experiment_id = ?`, id);
      if (run('experiments', `DELETE FROM experiments WHERE experiment_id = ? AND lifecycle_stage = 'deleted'`, id) > 0) experiments.push(id);
    }
  })();
  return { runs, experiments, rows };
}
