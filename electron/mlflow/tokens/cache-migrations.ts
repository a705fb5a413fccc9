// The per-source token usage cache's schema as numbered steps (applied by electron/index/migrations.ts
// `migrate`, which keeps the step count in PRAGMA user_version). Never edit a released step: append.

export const CACHE_MIGRATIONS: readonly string[] = [
  // 1: one row per trace with its usage, one per (trace, model) with that model's share, their
  // rollups per (experiment, UTC day) that keep the per-day series a scan of a few hundred rows,
  // and what the last sync saw of the source.
  `
  CREATE TABLE traces (
    trace_id TEXT PRIMARY KEY NOT NULL,
    experiment_id TEXT NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    -- UTC day number (epoch ms / 86400000).
    day INTEGER NOT NULL,
    status TEXT NOT NULL,
    -- OK/ERROR traces never change; others are read again at every sync.
    final INTEGER NOT NULL CHECK (final IN (0, 1)),
    name TEXT,
    user TEXT,
    session TEXT,
    -- The model with the largest share; null when the trace has no usage or names no model.
    model TEXT,
    -- Usage by MLflow's rule; all null when no span carries usage.
    input INTEGER,
    output INTEGER,
    total INTEGER,
    mismatch INTEGER NOT NULL CHECK (mismatch IN (0, 1))
  ) WITHOUT ROWID;
  -- Covers the per-trace queries (totals, users, sessions, percentiles, top, mismatches): an index
  -- scan with no lookups into the table (the index holds trace_id, the key, too).
  CREATE INDEX traces_by_experiment_time ON traces (experiment_id, timestamp_ms, total, input, output, mismatch, user, session);
  CREATE INDEX traces_unfinished ON traces (final) WHERE final = 0;

  CREATE TABLE trace_models (
    trace_id TEXT NOT NULL REFERENCES traces(trace_id) ON DELETE CASCADE,
    experiment_id TEXT NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    -- UTC day number (epoch ms / 86400000), the bucket of the per-day series.
    day INTEGER NOT NULL,
    model TEXT,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    total INTEGER NOT NULL
  );
  CREATE INDEX trace_models_by_trace ON trace_models (trace_id);
  -- Covers the part of a range that is not whole days: no table lookups.
  CREATE INDEX trace_models_by_experiment_time ON trace_models (experiment_id, timestamp_ms, day, model, input, output, total);

  -- Sums of trace_models per (experiment, day, model), rebuilt for the days a sync touched.
  CREATE TABLE day_models (
    experiment_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    model TEXT,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    total INTEGER NOT NULL,
    traces INTEGER NOT NULL
  );
  CREATE INDEX day_models_by_experiment_day ON day_models (experiment_id, day);

  -- Sums of traces per (experiment, day): every trace counts, with or without usage.
  CREATE TABLE day_totals (
    experiment_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    traces INTEGER NOT NULL,
    with_usage INTEGER NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    total INTEGER NOT NULL,
    PRIMARY KEY (experiment_id, day)
  ) WITHOUT ROWID;

  CREATE TABLE sync_state (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: prompt-cache counts per (trace, model) and their rollups, each trace's duration, and one
  // row per ended span (type, model, duration, error) for the latency figures. Rows written before
  // lack them, so the cache is emptied: the next sync rebuilds it from MLflow.
  `
  DELETE FROM trace_models;
  DELETE FROM traces;
  DELETE FROM day_models;
  DELETE FROM day_totals;
  DELETE FROM sync_state;
  ALTER TABLE traces ADD COLUMN duration_ms INTEGER;
  ALTER TABLE trace_models ADD COLUMN cache_read INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE trace_models ADD COLUMN cache_write INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE trace_models ADD COLUMN cache_in_input INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE day_models ADD COLUMN cache_read INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE day_models ADD COLUMN cache_write INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE day_models ADD COLUMN cache_in_input INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX traces_duration ON traces (experiment_id, timestamp_ms, duration_ms, status);

  CREATE TABLE span_latency (
    trace_id TEXT NOT NULL REFERENCES traces(trace_id) ON DELETE CASCADE,
    experiment_id TEXT NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    span_type TEXT,
    -- Only spans that carry usage name a model.
    model TEXT,
    duration_ms REAL NOT NULL,
    error INTEGER NOT NULL CHECK (error IN (0, 1))
  );
  CREATE INDEX span_latency_by_trace ON span_latency (trace_id);
  CREATE INDEX span_latency_by_experiment_time ON span_latency (experiment_id, timestamp_ms, span_type, model, duration_ms, error);
  `,
  // 3: usage split by the spans that report it, not by the topmost (shared/token-usage.ts
  // usageShares). The traces whose split may change (two or more spans with usage named a model, or
  // usage sat on no model in a trace of several spans) are marked unfinished: the next sync reads
  // them again and rebuilds their days' rollups.
  `
  UPDATE traces SET final = 0 WHERE
    (SELECT count(*) FROM span_latency s WHERE s.trace_id = traces.trace_id AND s.model IS NOT NULL) >= 2
    OR (EXISTS (SELECT 1 FROM trace_models m WHERE m.trace_id = traces.trace_id AND m.model IS NULL)
        AND (SELECT count(*) FROM span_latency s WHERE s.trace_id = traces.trace_id) >= 2);
  `,
];
