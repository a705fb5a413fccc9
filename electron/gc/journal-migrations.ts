// The gc journal's schema as numbered steps (PRAGMA user_version counts the steps applied; each
// step runs in one transaction with the bump). Never edit a released step: append one.

export const JOURNAL_MIGRATIONS: readonly string[] = [
  // 1: plans, what each plan may delete (and what became of it), and the indexes a Metaflow plan read.
  `
  CREATE TABLE plans (
    id TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL,
    workspace_name TEXT NOT NULL,
    target TEXT NOT NULL CHECK (target IN ('metaflow', 'mlflow')),
    created_at INTEGER NOT NULL,
    -- The plan as JSON: options, per-group totals, and for MLflow the runs and experiments.
    plan_json TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('planned', 'executing', 'done')),
    started_at INTEGER,
    finished_at INTEGER,
    report_json TEXT
  );

  CREATE TABLE deletions (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    grp TEXT NOT NULL,
    etag TEXT NOT NULL,
    size INTEGER NOT NULL,
    last_modified INTEGER,
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('planned', 'deleting', 'deleted', 'gone', 'changed', 'reachable', 'failed')),
    detail TEXT,
    requested_at INTEGER,
    done_at INTEGER,
    PRIMARY KEY (plan_id, name)
  ) WITHOUT ROWID;
  CREATE INDEX deletions_by_state ON deletions (plan_id, state);

  CREATE TABLE plan_indexes (
    plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    etag TEXT NOT NULL,
    PRIMARY KEY (plan_id, name)
  ) WITHOUT ROWID;
  `,
];
