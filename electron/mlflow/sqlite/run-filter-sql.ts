import type Database from 'better-sqlite3';
import { likeMatches } from '../../../shared/run-filter/evaluate.js';
import type { NumericOp, RunClause, StringOp } from '../../../shared/run-filter/parse.js';
import { marks, type Bind } from './trace-sql.js';

// MLflow's run search as a WHERE clause over `runs r`, every value bound as a parameter: only
// fixed column names and comparators come from this module. It reads values as the store's
// assembled runs do (latest_metrics, the runName/user tags standing in for empty columns), so the
// same search gives the same runs here and in memory. LIKE goes through mlflow_like(), the shared
// evaluator's matcher, because sqlite's own LIKE ignores case and MLflow's does not.

const LIKE_FUNCTION = 'mlflow_like';

/** Registers mlflow_like(value, pattern, caseInsensitive) on the connection. */
export function registerRunFilterFunctions(db: Database.Database): void {
  db.function(LIKE_FUNCTION, { deterministic: true }, (value: unknown, pattern: unknown, ci: unknown) =>
    typeof value === 'string' && typeof pattern === 'string' && likeMatches(value, pattern, ci === 1) ? 1 : 0,
  );
}

const NUMERIC_SQL: Record<NumericOp, string> = { '=': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

function stringTest(column: string, op: StringOp): string {
  if (op === 'LIKE') return `${LIKE_FUNCTION}(${column}, ?, 0) = 1`;
  if (op === 'ILIKE') return `${LIKE_FUNCTION}(${column}, ?, 1) = 1`;
  return `${column} ${op} ?`;
}

const tagValue = (key: string) => `(SELECT tv.value FROM tags tv WHERE tv.run_uuid = r.run_uuid AND tv.key = '${key}')`;
const ATTRIBUTE_COLUMN = {
  run_id: 'r.run_uuid',
  run_name: `COALESCE(r.name, ${tagValue('mlflow.runName')}, '')`,
  status: `COALESCE(r.status, 'RUNNING')`,
  user_id: `COALESCE(r.user_id, ${tagValue('mlflow.user')})`,
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
} as const;

// ±Infinity reads as no value in the assembled runs (JSON cannot carry it), so it matches nothing here either.
const FINITE = 'm.value BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308';

function metricSource(hasLatest: boolean): string {
  return hasLatest
    ? 'SELECT value, is_nan FROM latest_metrics lm WHERE lm.run_uuid = r.run_uuid AND lm.key = ?'
    : 'SELECT value, is_nan FROM metrics mm WHERE mm.run_uuid = r.run_uuid AND mm.key = ? ORDER BY mm.step DESC, mm.timestamp DESC LIMIT 1';
}

function clauseSql(c: RunClause, hasLatestMetrics: boolean): { sql: string; binds: Bind[] } {
  switch (c.entity) {
    case 'metric':
      return {
        sql: `EXISTS (SELECT 1 FROM (${metricSource(hasLatestMetrics)}) m WHERE COALESCE(m.is_nan, 0) = 0 AND ${FINITE} AND m.value ${NUMERIC_SQL[c.op]} ?)`,
        binds: [c.key, c.value],
      };
    case 'param':
    case 'tag': {
      const table = c.entity === 'param' ? 'params' : 'tags';
      return { sql: `EXISTS (SELECT 1 FROM ${table} kv WHERE kv.run_uuid = r.run_uuid AND kv.key = ? AND ${stringTest('kv.value', c.op)})`, binds: [c.key, c.value] };
    }
    case 'attribute':
      if ('values' in c) return { sql: `r.run_uuid ${c.op} (${marks(c.values.length)})`, binds: c.values };
      if (typeof c.value === 'number') return { sql: `${ATTRIBUTE_COLUMN[c.key]} ${NUMERIC_SQL[c.op as NumericOp]} ?`, binds: [c.value] };
      return { sql: stringTest(ATTRIBUTE_COLUMN[c.key], c.op as StringOp), binds: [c.value] };
  }
}

/** The clauses as one SQL condition on `runs r` with its parameters ('1=1' for none). */
export function runFilterWhere(clauses: readonly RunClause[], hasLatestMetrics: boolean): { where: string; binds: Bind[] } {
  if (clauses.length === 0) return { where: '1=1', binds: [] };
  const parts = clauses.map((c) => clauseSql(c, hasLatestMetrics));
  return { where: parts.map((p) => `(${p.sql})`).join(' AND '), binds: parts.flatMap((p) => p.binds) };
}
