import type { SpanFilter } from '../../shared/schemas/mlflow.js';

// A span filter as SQL over a table of spans (MLflow's `spans`, the trace cache's `trace_spans`): one
// span of the trace meets every condition; name and model as ILIKE (sqlite's LIKE ignores ASCII
// case), the type whole in any case, the status in MLflow's short or OTLP's long form.

export interface SpanColumns {
  /** The span table with its alias `s`, and how a span row joins the trace row. */
  from: string;
  join: string;
  type: string;
  /** An expression for the model the span called. */
  model: string;
}

export function spanExistsSql(f: SpanFilter, c: SpanColumns): { clause: string; binds: string[] } {
  const clauses = [c.join];
  const binds: string[] = [];
  if (f.name !== undefined) {
    clauses.push('s.name LIKE ?');
    binds.push(f.name);
  }
  if (f.type !== undefined) {
    clauses.push(`upper(${c.type}) = ?`);
    binds.push(f.type.toUpperCase());
  }
  if (f.status !== undefined) {
    clauses.push('s.status IN (?, ?)');
    binds.push(f.status, `STATUS_CODE_${f.status}`);
  }
  if (f.model !== undefined) {
    clauses.push(`${c.model} LIKE ?`);
    binds.push(f.model);
  }
  return { clause: `EXISTS (SELECT 1 FROM ${c.from} WHERE ${clauses.join(' AND ')})`, binds };
}
