import type { TraceFilter } from '../../../shared/schemas/mlflow.js';

// A trace filter in the tracking server's search grammar (`filter` of traces/search). Free text, the
// token range and span conditions other than the name have no form there (MLflow 3.5 searches
// `span.name` only; `span.type` answers 400): the REST source applies those itself, and all the span
// conditions again on the same span (the server tests each span condition on any span).

/** A string literal of the search grammar. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function serverTraceFilter(f: TraceFilter): string | undefined {
  const clauses: string[] = [];
  if (f.states && f.states.length === 1) clauses.push(`trace.status = ${quote(f.states[0])}`);
  if (f.states && f.states.length > 1) clauses.push(`trace.status IN (${f.states.map(quote).join(', ')})`);
  if (f.tag) clauses.push(f.tag.value === undefined ? `tags.\`${f.tag.key}\` LIKE '%'` : `tags.\`${f.tag.key}\` = ${quote(f.tag.value)}`);
  if (f.user !== undefined) clauses.push(`metadata.\`mlflow.trace.user\` = ${quote(f.user)}`);
  if (f.session !== undefined) clauses.push(`metadata.\`mlflow.trace.session\` = ${quote(f.session)}`);
  if (f.runId !== undefined) clauses.push(`metadata.\`mlflow.sourceRun\` = ${quote(f.runId)}`);
  if (f.fromMs !== undefined) clauses.push(`trace.timestamp_ms >= ${f.fromMs}`);
  if (f.toMs !== undefined) clauses.push(`trace.timestamp_ms <= ${f.toMs}`);
  if (f.span?.name !== undefined) clauses.push(`span.name ILIKE ${quote(f.span.name)}`);
  // MLflow's parser writes plain tag keys without backquotes; keep its own form where possible.
  return clauses.length > 0 ? clauses.join(' AND ').replace(/tags\.`([A-Za-z0-9_]+)`/g, 'tags.$1') : undefined;
}
