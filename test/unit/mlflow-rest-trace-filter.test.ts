import { describe, expect, it } from 'vitest';
import { serverTraceFilter } from '../../electron/mlflow/sources/rest-trace-filter.js';

// The tracking server's own search grammar: MLflow's `search_traces(run_id=…)` asks for the
// `mlflow.sourceRun` metadata, so the run page's trace list asks the same.
describe('REST trace filter', () => {
  it('asks for the traces linked to a run through the mlflow.sourceRun metadata', () => {
    expect(serverTraceFilter({ runId: 'd90d823ba24a4929bef2381830403acb' })).toBe("metadata.`mlflow.sourceRun` = 'd90d823ba24a4929bef2381830403acb'");
  });

  it('joins conditions with AND and quotes values', () => {
    expect(serverTraceFilter({ states: ['ERROR'], user: "o'brien" })).toBe("trace.status = 'ERROR' AND metadata.`mlflow.trace.user` = 'o\\'brien'");
    expect(serverTraceFilter({ text: 'only local' })).toBeUndefined();
  });
});
