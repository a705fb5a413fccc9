import type { DatabaseKind } from '../core/migrate.js';

// The local index's schema as numbered steps (see electron/core/migrate.ts). Never edit a step
// once released: append a new one.

/** The index is a cache of the datastore: deleting it loses nothing. */
/** Drops every run, task and view read so far (flows are listed again): a step whose new columns old rows lack. */
const DROP_READ_VIEWS = `
  DELETE FROM artifacts;
  DELETE FROM task_details;
  DELETE FROM attempts;
  DELETE FROM tasks;
  DELETE FROM run_details;
  DELETE FROM runs;
  UPDATE flows SET listed_at = NULL;`;

export const LOCAL_INDEX: DatabaseKind = { name: 'The local index', remedy: 'Update Stratus, or delete the file to rebuild the index.' };

/**
 * Run ids sort like compareIds (electron/metaflow/layout.ts): numeric ids first, by length then
 * digits (so ids beyond 2^53 still sort as numbers), then the others by their text. As a generated
 * column the rule lives in the schema, and an index over it serves `ORDER BY id_key` directly.
 */
const ID_KEY = `CASE WHEN id <> '' AND id NOT GLOB '*[^0-9]*' THEN '0' || printf('%04d', length(id)) || id ELSE '1' || id END`;

export const MIGRATIONS: readonly string[] = [
  // 1: flows, runs and their views, task views with artifact indexes, and the blob versions read.
  `
  CREATE TABLE flows (
    name TEXT PRIMARY KEY NOT NULL,
    listed_at INTEGER
  ) WITHOUT ROWID;

  CREATE TABLE runs (
    flow TEXT NOT NULL REFERENCES flows(name) ON DELETE CASCADE,
    id TEXT NOT NULL,
    id_key TEXT GENERATED ALWAYS AS (${ID_KEY}) VIRTUAL,
    status TEXT NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    duration_ms INTEGER,
    user TEXT,
    tags_json TEXT,
    system_tags_json TEXT,
    finished INTEGER NOT NULL CHECK (finished IN (0, 1)),
    listed_at INTEGER NOT NULL,
    PRIMARY KEY (flow, id)
  );
  -- id_key last in each, so the default order (newest first, then id) and pages are index scans.
  CREATE INDEX runs_by_start ON runs (flow, started_at, id_key);
  CREATE INDEX runs_by_status ON runs (flow, status, id_key);
  CREATE INDEX runs_by_id ON runs (flow, id_key);

  CREATE TABLE run_details (
    flow TEXT NOT NULL,
    run TEXT NOT NULL,
    -- The run view without its tasks (summary, steps, parameters, resumed, problems).
    json TEXT NOT NULL,
    finished INTEGER NOT NULL CHECK (finished IN (0, 1)),
    read_at INTEGER NOT NULL,
    PRIMARY KEY (flow, run),
    FOREIGN KEY (flow, run) REFERENCES runs(flow, id) ON DELETE CASCADE
  );

  CREATE TABLE tasks (
    flow TEXT NOT NULL,
    run TEXT NOT NULL,
    step TEXT NOT NULL,
    id TEXT NOT NULL,
    -- Position in the run view, which keeps the order it was read in.
    ord INTEGER NOT NULL,
    status TEXT NOT NULL,
    cloned INTEGER NOT NULL CHECK (cloned IN (0, 1)),
    PRIMARY KEY (flow, run, step, id),
    FOREIGN KEY (flow, run) REFERENCES run_details(flow, run) ON DELETE CASCADE
  );

  CREATE TABLE attempts (
    flow TEXT NOT NULL,
    run TEXT NOT NULL,
    step TEXT NOT NULL,
    task TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    PRIMARY KEY (flow, run, step, task, attempt),
    FOREIGN KEY (flow, run, step, task) REFERENCES tasks(flow, run, step, id) ON DELETE CASCADE
  );

  -- A task view may be opened before its run was listed (a link), so it hangs off the flow only.
  CREATE TABLE task_details (
    flow TEXT NOT NULL REFERENCES flows(name) ON DELETE CASCADE,
    run TEXT NOT NULL,
    step TEXT NOT NULL,
    task TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    -- The task view without its artifacts (task, artifactProblem, cards).
    json TEXT NOT NULL,
    finished INTEGER NOT NULL CHECK (finished IN (0, 1)),
    read_at INTEGER NOT NULL,
    PRIMARY KEY (flow, run, step, task, attempt)
  );

  CREATE TABLE artifacts (
    flow TEXT NOT NULL,
    run TEXT NOT NULL,
    step TEXT NOT NULL,
    task TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    name TEXT NOT NULL,
    ord INTEGER NOT NULL,
    sha TEXT NOT NULL,
    size INTEGER,
    type TEXT,
    encoding TEXT NOT NULL,
    PRIMARY KEY (flow, run, step, task, attempt, name),
    FOREIGN KEY (flow, run, step, task, attempt) REFERENCES task_details(flow, run, step, task, attempt) ON DELETE CASCADE
  );

  CREATE TABLE objects (
    name TEXT PRIMARY KEY NOT NULL,
    etag TEXT,
    last_modified INTEGER,
    read_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: times from Metaflow's own records (attempt.json, mflog lines) with the reason when they are approximate,
  // the newest activity of unfinished runs, and problems per task. Views read by older versions took their times
  // from blob Last-Modified, so they are dropped and read again on the next refresh.
  `
  ${DROP_READ_VIEWS}
  ALTER TABLE runs ADD COLUMN last_activity_at INTEGER;
  ALTER TABLE runs ADD COLUMN approximate TEXT;
  ALTER TABLE attempts ADD COLUMN approximate TEXT;
  ALTER TABLE tasks ADD COLUMN problems_json TEXT NOT NULL DEFAULT '[]';
  `,
  // 3: where a failed run failed (its task and exception), each failed attempt's exception, and the exception a
  // task's @catch caught. Finished runs read before lack them and are never read again, so they are dropped.
  `
  ${DROP_READ_VIEWS}
  ALTER TABLE runs ADD COLUMN failure_json TEXT;
  ALTER TABLE attempts ADD COLUMN exception_json TEXT;
  ALTER TABLE tasks ADD COLUMN caught_json TEXT;
  `,
  // 4: when a metadata service last answered a flow's runs list, per service (its URL), so a reopen shows the cached
  // rows with the time they stand for, also after a restart and with the service down. Nothing read before changes.
  `
  CREATE TABLE service_lists (
    service TEXT NOT NULL,
    flow TEXT NOT NULL,
    refreshed_at INTEGER NOT NULL,
    PRIMARY KEY (service, flow)
  ) WITHOUT ROWID;
  `,
  // 5: storage usage (issue 18): what each scanned run's steps name in the flow's CAS, their logs and cards, and the
  // CAS listing's sizes and tiers, so usage is summed here and a rebuild reads only runs not scanned to the end.
  `
  CREATE TABLE usage_runs (
    flow TEXT NOT NULL,
    run TEXT NOT NULL,
    finished INTEGER NOT NULL CHECK (finished IN (0, 1)),
    problem TEXT,
    scanned_at INTEGER NOT NULL,
    PRIMARY KEY (flow, run)
  ) WITHOUT ROWID;

  CREATE TABLE usage_steps (
    flow TEXT NOT NULL,
    run TEXT NOT NULL,
    step TEXT NOT NULL,
    tasks INTEGER NOT NULL,
    log_bytes INTEGER NOT NULL,
    logs INTEGER NOT NULL,
    card_bytes INTEGER NOT NULL,
    cards INTEGER NOT NULL,
    PRIMARY KEY (flow, run, step),
    FOREIGN KEY (flow, run) REFERENCES usage_runs(flow, run) ON DELETE CASCADE
  ) WITHOUT ROWID;

  CREATE TABLE usage_refs (
    flow TEXT NOT NULL,
    run TEXT NOT NULL,
    step TEXT NOT NULL,
    sha TEXT NOT NULL,
    PRIMARY KEY (flow, run, step, sha),
    FOREIGN KEY (flow, run) REFERENCES usage_runs(flow, run) ON DELETE CASCADE
  ) WITHOUT ROWID;
  -- Who names a blob: the shared/unique split counts holders per sha.
  CREATE INDEX usage_refs_by_sha ON usage_refs (flow, sha, run, step);

  CREATE TABLE usage_cas (
    flow TEXT NOT NULL,
    sha TEXT NOT NULL,
    size INTEGER NOT NULL,
    tier TEXT,
    PRIMARY KEY (flow, sha)
  ) WITHOUT ROWID;
  `,
];
