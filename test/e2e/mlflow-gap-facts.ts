import Database from 'better-sqlite3';

// Expectations for mlflow-gaps.spec.ts, read from the tracking store the host is given (a copy of the
// shared fixture), so the spec holds for any store of the same kind.

function open(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
}

/** An active run (of an active experiment) that MLflow linked traces to (`mlflow.sourceRun`), with those traces. */
export function runWithTraces(file: string): { runId: string; name: string; experimentName: string; traceIds: string[] } {
  const db = open(file);
  try {
    const rows = db
      .prepare(
        `SELECT r.run_uuid AS runId, r.name AS name, e.name AS experimentName, m.request_id AS traceId
         FROM trace_request_metadata m JOIN runs r ON r.run_uuid = m.value JOIN experiments e ON e.experiment_id = r.experiment_id
         JOIN trace_info t ON t.request_id = m.request_id AND t.experiment_id = r.experiment_id
         WHERE m.key = 'mlflow.sourceRun' AND r.lifecycle_stage = 'active' AND e.lifecycle_stage = 'active'
           AND NOT EXISTS (SELECT 1 FROM tags p WHERE p.run_uuid = r.run_uuid AND p.key = 'mlflow.parentRunId')
         ORDER BY r.run_uuid`,
      )
      .all() as { runId: string; name: string; experimentName: string; traceId: string }[];
    if (rows.length === 0) throw new Error('No active top-level run has linked traces.');
    const first = rows[0];
    return { runId: first.runId, name: first.name, experimentName: first.experimentName, traceIds: rows.filter((r) => r.runId === first.runId).map((r) => r.traceId).sort() };
  } finally {
    db.close();
  }
}

/** How many active runs of the experiment have this param value. */
export function runsWithParam(file: string, experimentName: string): { key: string; value: string; count: number; total: number } {
  const db = open(file);
  try {
    const row = db
      .prepare(
        `SELECT p.key AS key, p.value AS value, COUNT(*) AS count FROM params p JOIN runs r ON r.run_uuid = p.run_uuid
         JOIN experiments e ON e.experiment_id = r.experiment_id WHERE e.name = ? AND r.lifecycle_stage = 'active'
         GROUP BY p.key, p.value ORDER BY count DESC, p.key, p.value LIMIT 1`,
      )
      .get(experimentName) as { key: string; value: string; count: number };
    const { total } = db
      .prepare(`SELECT COUNT(*) AS total FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id WHERE e.name = ? AND r.lifecycle_stage = 'active'`)
      .get(experimentName) as { total: number };
    return { ...row, total };
  } finally {
    db.close();
  }
}

/** A metric the run logged at one step only, with that value and step. */
export function singleValueMetric(file: string, runId: string): { key: string; value: number; step: number } {
  const db = open(file);
  try {
    return db
      .prepare(
        `SELECT key, value, step FROM metrics WHERE run_uuid = ? AND key IN
           (SELECT key FROM metrics WHERE run_uuid = ? GROUP BY key HAVING COUNT(*) = 1) ORDER BY key LIMIT 1`,
      )
      .get(runId, runId) as { key: string; value: number; step: number };
  } finally {
    db.close();
  }
}

export interface ComparedRun {
  runId: string;
  name: string;
}

/**
 * Two active top-level runs of one experiment, both with a metric history: their metric keys, for a
 * history key each run's min and max, and whether their last values of each key differ.
 */
export function runsToCompare(file: string): { experimentName: string; runs: ComparedRun[]; historyKey: string; ranges: { min: number; max: number }[]; keys: string[] } {
  const db = open(file);
  try {
    const pair = db
      .prepare(
        `SELECT r.run_uuid AS runId, r.name AS name, e.name AS experimentName, m.key AS key FROM runs r
         JOIN experiments e ON e.experiment_id = r.experiment_id JOIN metrics m ON m.run_uuid = r.run_uuid
         WHERE r.lifecycle_stage = 'active' AND e.lifecycle_stage = 'active'
           AND NOT EXISTS (SELECT 1 FROM tags p WHERE p.run_uuid = r.run_uuid AND p.key = 'mlflow.parentRunId')
         GROUP BY r.run_uuid, m.key HAVING COUNT(DISTINCT m.step) > 1 ORDER BY e.name, m.key, r.run_uuid`,
      )
      .all() as { runId: string; name: string; experimentName: string; key: string }[];
    const first = pair[0];
    const runs = pair.filter((p) => p.experimentName === first.experimentName && p.key === first.key).slice(0, 2);
    if (runs.length < 2) throw new Error('No two runs share a metric history.');
    const ranges = runs.map((r) => db.prepare('SELECT MIN(value) AS min, MAX(value) AS max FROM metrics WHERE run_uuid = ? AND key = ?').get(r.runId, first.key) as { min: number; max: number });
    const keys = (db.prepare(`SELECT DISTINCT key FROM latest_metrics WHERE run_uuid IN (?, ?) ORDER BY key`).all(runs[0].runId, runs[1].runId) as { key: string }[]).map((k) => k.key);
    return { experimentName: first.experimentName, runs: runs.map((r) => ({ runId: r.runId, name: r.name })), historyKey: first.key, ranges, keys };
  } finally {
    db.close();
  }
}
