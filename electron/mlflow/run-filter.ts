import { StratusError } from '../../shared/errors.js';
import { parseRunFilter, RunFilterError, type RunClause } from '../../shared/run-filter/parse.js';

// A runs search as every source takes it: the text (what a tracking server is sent) and its
// clauses (what the sqlite source turns into SQL and the others apply in memory).

export interface RunFilter {
  text: string;
  clauses: RunClause[];
}

/** The parsed filter, undefined for none or blank; INVALID_ARGUMENT naming the column for bad grammar. */
export function runFilter(text: string | undefined): RunFilter | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return { text: text.trim(), clauses: parseRunFilter(text) };
  } catch (e) {
    if (e instanceof RunFilterError) throw new StratusError({ code: 'INVALID_ARGUMENT', message: e.message, hint: "MLflow's grammar: metrics.acc > 0.9 and params.model = 'x' and tags.team LIKE 'a%'" });
    throw e;
  }
}
