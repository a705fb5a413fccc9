import Database from 'better-sqlite3';

// Expectations for the MLflow specs, read from the tracking store the host is given (a copy of the
// shared fixture), so the specs hold for any store of the same kind rather than a list copied here.

export interface RunFacts {
  runId: string;
  name: string;
  experimentName: string;
  params: Record<string, string>;
  /** Metric keys with more than one recorded step. */
  historyKeys: string[];
  artifactUri: string;
}

export interface TraceFacts {
  traceId: string;
  name: string;
  experimentName: string;
  spanCount: number;
  stored: { input: number; output: number; total: number } | null;
}

export interface ErrorTraceFacts extends TraceFacts {
  exceptionType: string;
  exceptionMessage: string;
}

function open(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
}

export function experimentNames(file: string): { active: string[]; deleted: string[] } {
  const db = open(file);
  try {
    const rows = db.prepare('SELECT name, lifecycle_stage AS stage FROM experiments').all() as { name: string; stage: string }[];
    return { active: rows.filter((r) => r.stage === 'active').map((r) => r.name), deleted: rows.filter((r) => r.stage === 'deleted').map((r) => r.name) };
  } finally {
    db.close();
  }
}

/** The active top-level run (of an active experiment) with the longest metric history. */
export function richestRun(file: string): RunFacts {
  const db = open(file);
  try {
    const run = db
      .prepare(
        `SELECT r.run_uuid AS runId, r.name AS name, e.name AS experimentName, r.artifact_uri AS artifactUri
         FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id
         WHERE r.lifecycle_stage = 'active' AND e.lifecycle_stage = 'active'
           AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.run_uuid = r.run_uuid AND t.key = 'mlflow.parentRunId')
         ORDER BY (SELECT COUNT(*) FROM metrics m WHERE m.run_uuid = r.run_uuid) DESC, r.run_uuid LIMIT 1`,
      )
      .get() as Omit<RunFacts, 'params' | 'historyKeys'>;
    const params = Object.fromEntries((db.prepare('SELECT key, value FROM params WHERE run_uuid = ?').all(run.runId) as { key: string; value: string }[]).map((p) => [p.key, p.value]));
    const historyKeys = (db.prepare('SELECT key FROM metrics WHERE run_uuid = ? GROUP BY key HAVING COUNT(DISTINCT step) > 1 ORDER BY key').all(run.runId) as { key: string }[]).map((r) => r.key);
    return { ...run, params, historyKeys };
  } finally {
    db.close();
  }
}

/** A parent run (active, in an active experiment) and its active children's names. */
export function nestedRun(file: string): { experimentName: string; parent: string; children: string[] } {
  const db = open(file);
  try {
    const rows = db
      .prepare(
        `SELECT p.name AS parent, c.name AS child, e.name AS experimentName
         FROM runs c JOIN tags t ON t.run_uuid = c.run_uuid AND t.key = 'mlflow.parentRunId'
         JOIN runs p ON p.run_uuid = t.value JOIN experiments e ON e.experiment_id = p.experiment_id
         WHERE c.lifecycle_stage = 'active' AND p.lifecycle_stage = 'active' AND e.lifecycle_stage = 'active'
         ORDER BY p.run_uuid, c.name`,
      )
      .all() as { parent: string; child: string; experimentName: string }[];
    const first = rows[0];
    return { experimentName: first.experimentName, parent: first.parent, children: rows.filter((r) => r.parent === first.parent).map((r) => r.child) };
  } finally {
    db.close();
  }
}

function usage(json: string | undefined): TraceFacts['stored'] {
  if (json === undefined) return null;
  const u = JSON.parse(json) as { input_tokens: number; output_tokens: number; total_tokens: number };
  return { input: u.input_tokens, output: u.output_tokens, total: u.total_tokens };
}

const TRACE_SQL = `SELECT t.request_id AS traceId, e.name AS experimentName,
    (SELECT value FROM trace_tags g WHERE g.request_id = t.request_id AND g.key = 'mlflow.traceName') AS name,
    (SELECT COUNT(*) FROM spans s WHERE s.trace_id = t.request_id) AS spanCount,
    (SELECT value FROM trace_request_metadata m WHERE m.request_id = t.request_id AND m.key = 'mlflow.trace.tokenUsage') AS usage
  FROM trace_info t JOIN experiments e ON e.experiment_id = t.experiment_id`;

type TraceRowDb = Omit<TraceFacts, 'stored'> & { usage: string | null };
const toFacts = (r: TraceRowDb): TraceFacts => ({ traceId: r.traceId, name: r.name, experimentName: r.experimentName, spanCount: r.spanCount, stored: usage(r.usage ?? undefined) });

/** The OK trace with the most spans that has stored token usage. */
export function richestTrace(file: string): TraceFacts {
  const db = open(file);
  try {
    return toFacts(db.prepare(`${TRACE_SQL} WHERE t.status = 'OK' AND usage IS NOT NULL ORDER BY spanCount DESC, t.timestamp_ms DESC LIMIT 1`).get() as TraceRowDb);
  } finally {
    db.close();
  }
}

/** An ERROR trace and the first exception event recorded in its spans. */
export function errorTrace(file: string): ErrorTraceFacts {
  const db = open(file);
  try {
    const trace = toFacts(db.prepare(`${TRACE_SQL} WHERE t.status = 'ERROR' AND EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.request_id AND s.status = 'ERROR') ORDER BY t.timestamp_ms DESC LIMIT 1`).get() as TraceRowDb);
    const contents = db.prepare("SELECT content FROM spans WHERE trace_id = ? AND status = 'ERROR' ORDER BY start_time_unix_nano").all(trace.traceId) as { content: string }[];
    for (const { content } of contents) {
      const span = JSON.parse(content) as { events?: { name: string; attributes: Record<string, string> }[] };
      const event = span.events?.find((e) => e.name === 'exception');
      if (event) return { ...trace, exceptionType: event.attributes['exception.type'], exceptionMessage: event.attributes['exception.message'] };
    }
    throw new Error(`ERROR trace ${trace.traceId} has no exception event.`);
  } finally {
    db.close();
  }
}

/** How many traces an experiment holds. */
export function traceCount(file: string, experimentName: string): number {
  const db = open(file);
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM trace_info t JOIN experiments e ON e.experiment_id = t.experiment_id WHERE e.name = ?').get(experimentName) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Sum of MLflow's stored trace token usage over an experiment, and the model of its costliest CHAT span. */
export function storedTokenTotals(file: string, experimentName: string): { input: number; output: number; total: number; aModel: string } {
  const db = open(file);
  try {
    const rows = db
      .prepare(
        `SELECT m.value AS usage FROM trace_request_metadata m JOIN trace_info t ON t.request_id = m.request_id
         JOIN experiments e ON e.experiment_id = t.experiment_id WHERE e.name = ? AND m.key = 'mlflow.trace.tokenUsage'`,
      )
      .all(experimentName) as { usage: string }[];
    const sum = { input: 0, output: 0, total: 0 };
    for (const r of rows) {
      const u = usage(r.usage);
      if (u === null) continue;
      sum.input += u.input;
      sum.output += u.output;
      sum.total += u.total;
    }
    const model = db
      .prepare(
        `SELECT s.content AS content FROM spans s JOIN experiments e ON e.experiment_id = s.experiment_id
         WHERE e.name = ? AND s.type = 'CHAT_MODEL' LIMIT 1`,
      )
      .get(experimentName) as { content: string };
    const attributes = (JSON.parse(model.content) as { attributes: Record<string, string> }).attributes;
    return { ...sum, aModel: JSON.parse(attributes.model) as string };
  } finally {
    db.close();
  }
}
