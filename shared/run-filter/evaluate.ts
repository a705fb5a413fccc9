import type { MlflowRun } from '../schemas/mlflow.js';
import type { NumericOp, RunClause, StringOp } from './parse.js';

// The one in-memory evaluator of MLflow's run search, used wherever the store cannot run the filter
// itself (file store, loaded runs) and by sqlite's LIKE. As MLflow: a run without the metric, param,
// tag or attribute named never matches (not even !=); a NaN metric matches nothing; LIKE is
// case-sensitive, ILIKE not, with % for any run of characters and _ for one.

const likeCache = new Map<string, RegExp>();

/** SQL LIKE as MLflow applies it in memory: the whole value must match the pattern. */
export function likeMatches(value: string, pattern: string, caseInsensitive: boolean): boolean {
  const cacheKey = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let re = likeCache.get(cacheKey);
  if (!re) {
    const body = [...pattern].map((ch) => (ch === '%' ? '[\\s\\S]*' : ch === '_' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'iu' : 'u');
    if (likeCache.size > 200) likeCache.clear();
    likeCache.set(cacheKey, re);
  }
  return re.test(value);
}

function compareNumber(lhs: number | null, op: NumericOp, rhs: number): boolean {
  if (lhs === null || Number.isNaN(lhs)) return false;
  switch (op) {
    case '=':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case '<':
      return lhs < rhs;
    case '<=':
      return lhs <= rhs;
    case '>':
      return lhs > rhs;
    case '>=':
      return lhs >= rhs;
  }
}

function compareString(lhs: string | null | undefined, op: StringOp, rhs: string): boolean {
  if (lhs === null || lhs === undefined) return false;
  switch (op) {
    case '=':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case 'LIKE':
      return likeMatches(lhs, rhs, false);
    case 'ILIKE':
      return likeMatches(lhs, rhs, true);
  }
}

const STRING_FIELD = { run_id: 'runId', run_name: 'name', status: 'status', user_id: 'user', artifact_uri: 'artifactUri' } as const;
const NUMERIC_FIELD = { start_time: 'startTime', end_time: 'endTime' } as const;
const own = (map: Record<string, string>, key: string) => (Object.hasOwn(map, key) ? map[key] : undefined);

function clauseMatches(run: MlflowRun, c: RunClause): boolean {
  switch (c.entity) {
    case 'metric':
      return Object.hasOwn(run.metrics, c.key) && compareNumber(run.metrics[c.key].value, c.op, c.value);
    case 'param':
      return compareString(own(run.params, c.key), c.op, c.value);
    case 'tag':
      return compareString(own(run.tags, c.key), c.op, c.value);
    case 'attribute':
      if ('values' in c) return c.op === 'IN' ? c.values.includes(run.runId) : !c.values.includes(run.runId);
      if (typeof c.value === 'number') return compareNumber(run[NUMERIC_FIELD[c.key as keyof typeof NUMERIC_FIELD]], c.op as NumericOp, c.value);
      return compareString(run[STRING_FIELD[c.key as keyof typeof STRING_FIELD]], c.op as StringOp, c.value);
  }
}

/** True when the run meets every clause. */
export function runMatches(run: MlflowRun, clauses: readonly RunClause[]): boolean {
  return clauses.every((c) => clauseMatches(run, c));
}
