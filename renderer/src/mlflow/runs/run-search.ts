import type { MlflowRun } from '../../../../shared/schemas/mlflow.js';

// The runs table's search box. Every run of the experiment is already loaded (the table sorts them
// client-side), so the search narrows them here rather than in MLflow's filter grammar (issue 16):
// a case-insensitive substring of the run's name or id, or of a param, metric or tag as its key,
// its value or `key=value`.

export const RUN_SEARCH_HINT = 'Run name or id; param, metric or tag name, value or name=value';

function fields(run: MlflowRun): string[] {
  const pairs = [
    ...Object.entries(run.params),
    ...Object.entries(run.tags),
    ...Object.entries(run.metrics).map(([key, m]): [string, string] => [key, m.value === null ? 'NaN' : String(m.value)]),
  ];
  return [run.name, run.runId, ...pairs.flatMap(([key, value]) => [key, value, `${key}=${value}`])];
}

/** The runs that match, in their order; all of them for blank text. */
export function searchRuns(runs: readonly MlflowRun[], text: string): MlflowRun[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return [...runs];
  return runs.filter((run) => fields(run).some((f) => f.toLowerCase().includes(needle)));
}
