// The trace cache's schema as numbered steps (electron/core/migrate.ts keeps the count in PRAGMA
// user_version). Never edit a released step: append.

export const TRACE_CACHE_MIGRATIONS: readonly string[] = [
  // 1: one row per trace as the server's search listed it, its per-model usage once its spans were
  // read, and where each experiment's sync stands.
  `
  CREATE TABLE traces (
    trace_id TEXT PRIMARY KEY NOT NULL,
    experiment_id TEXT NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    -- Null while the server does not know it (IN_PROGRESS).
    duration_ms INTEGER,
    state TEXT NOT NULL,
    name TEXT,
    user TEXT,
    session TEXT,
    -- mlflow.trace.tokenUsage as the server stored it; all null when absent.
    stored_input INTEGER,
    stored_output INTEGER,
    stored_total INTEGER,
    -- 0: spans not read yet, 1: read (usage below and trace_models hold them), 2: unreadable.
    spans INTEGER NOT NULL DEFAULT 0 CHECK (spans IN (0, 1, 2)),
    -- Usage by MLflow's rule over the spans; null until read or when no span carries usage.
    input INTEGER,
    output INTEGER,
    total INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX traces_by_experiment_time ON traces (experiment_id, timestamp_ms);
  CREATE INDEX traces_spans_pending ON traces (spans, timestamp_ms) WHERE spans = 0;
  CREATE INDEX traces_in_progress ON traces (state, timestamp_ms) WHERE state = 'IN_PROGRESS';

  CREATE TABLE trace_models (
    trace_id TEXT NOT NULL REFERENCES traces(trace_id) ON DELETE CASCADE,
    model TEXT,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    total INTEGER NOT NULL,
    -- Prompt-cache tokens the spans' responses report (see ModelUsage), priced at the cached rates.
    cache_read INTEGER NOT NULL DEFAULT 0,
    cache_write INTEGER NOT NULL DEFAULT 0,
    cache_in_input INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX trace_models_by_trace ON trace_models (trace_id);

  -- Per experiment: the first sync's next page (resumed after a cancel), whether it reached the
  -- end, and the newest trace start seen (later syncs ask only from there).
  CREATE TABLE sync_state (
    experiment_id TEXT PRIMARY KEY NOT NULL,
    page_token TEXT,
    newest_ms INTEGER,
    complete INTEGER NOT NULL CHECK (complete IN (0, 1))
  ) WITHOUT ROWID;
  `,
  // 2: what the Prompts view groups by: the registered prompt versions MLflow linked to a trace
  // (from the search), and from its spans the system prompt's fingerprint (the text once per
  // fingerprint), the input and the answer. Traces cached before hold none of it: their spans are
  // read again, and each experiment's list is walked again from the first page (rows are updated in place).
  `
  ALTER TABLE traces ADD COLUMN linked_prompts TEXT;
  ALTER TABLE traces ADD COLUMN system_hash TEXT;
  ALTER TABLE traces ADD COLUMN prompt_input TEXT;
  ALTER TABLE traces ADD COLUMN prompt_output TEXT;
  CREATE TABLE system_prompts (hash TEXT PRIMARY KEY NOT NULL, text TEXT NOT NULL) WITHOUT ROWID;
  UPDATE traces SET spans = 0 WHERE spans = 1;
  UPDATE sync_state SET complete = 0, page_token = NULL;
  `,
  // 3: one row per ended span of a trace whose spans were read (name, type, model, status,
  // duration), for latency per span type and per model and for span filters. Traces read before
  // this step have no such rows: they are marked unread, so the background reads fetch them again.
  `
  CREATE TABLE trace_spans (
    trace_id TEXT NOT NULL REFERENCES traces(trace_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    span_type TEXT,
    -- Only spans that carry usage name one (as the sqlite token cache has it).
    model TEXT,
    error INTEGER NOT NULL CHECK (error IN (0, 1)),
    duration_ms REAL NOT NULL
  );
  CREATE INDEX trace_spans_by_trace ON trace_spans (trace_id);
  UPDATE traces SET spans = 0 WHERE spans = 1;
  `,
  // 4: for span filters answered from the cache: each span's status (OK, ERROR, UNSET) and the model
  // it called even without usage. Rows read before this step lack both: their traces are read again.
  `
  ALTER TABLE trace_spans ADD COLUMN status TEXT;
  ALTER TABLE trace_spans ADD COLUMN calls TEXT;
  UPDATE traces SET spans = 0 WHERE spans = 1;
  `,
  // 5: why a trace's spans could not be read (a file store's missing or corrupt traces.json), shown
  // per trace instead of failing the sync; null while read or not yet tried.
  `
  ALTER TABLE traces ADD COLUMN span_problem TEXT;
  `,
  // 6: span rows from MLflow 2's span JSON (start_time, end_time, context.span_id) and traces.json
  // holding its spans under "data": traces read before this step got no span rows (or a note), so
  // span filters and span latency missed them; they are read again.
  `
  UPDATE traces SET spans = 0 WHERE spans = 1 AND NOT EXISTS (SELECT 1 FROM trace_spans s WHERE s.trace_id = traces.trace_id);
  UPDATE traces SET spans = 0, span_problem = NULL WHERE spans = 2 AND span_problem = 'traces.json holds no span list ("spans").';
  `,
  // 7: usage split by the spans that report it, not by the topmost (shared/token-usage.ts usageShares),
  // and MLflow 2 span JSON's nesting (context.span_id, parent_id) seen, where each of its spans with
  // usage counted as a root. Traces whose split or total may have come from nested usage are read
  // again: two or more spans named a model, usage sat on no model in a trace of several spans, or the
  // total differs from MLflow's stored one.
  `
  UPDATE traces SET spans = 0 WHERE spans = 1 AND (
    (stored_total IS NOT NULL AND (total IS NULL OR total != stored_total OR input != stored_input OR output != stored_output))
    OR (SELECT count(*) FROM trace_spans s WHERE s.trace_id = traces.trace_id AND s.model IS NOT NULL) >= 2
    OR (EXISTS (SELECT 1 FROM trace_models m WHERE m.trace_id = traces.trace_id AND m.model IS NULL)
        AND (SELECT count(*) FROM trace_spans s WHERE s.trace_id = traces.trace_id) >= 2)
  );
  `,
  // 8: the prompt template a trace's spans carry (prompts/template-facts.ts),
  // kept once per fingerprint with its variables; the Prompts view groups by it before the system
  // prompt. Spans read before this step were not looked at for templates: they are read again.
  `
  ALTER TABLE traces ADD COLUMN template_hash TEXT;
  CREATE TABLE prompt_templates (hash TEXT PRIMARY KEY NOT NULL, text TEXT NOT NULL, variables TEXT NOT NULL) WITHOUT ROWID;
  UPDATE traces SET spans = 0 WHERE spans = 1;
  `,
];
