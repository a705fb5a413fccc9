import type { MlflowRun } from '../schemas/mlflow.js';
import { toCsv, type CsvCell } from './csv.js';

// The runs table as a file: one row per run, its attributes then a column per param, metric and tag
// (MLflow's own `params.x` names; system tags `mlflow.*` left out, as the table does). JSON keeps
// MLflow's snake_case names, the same the CLI's --json prints.

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const keysOf = (maps: Record<string, unknown>[]) => [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();

export function runsCsv(runs: readonly MlflowRun[]): string {
  const params = keysOf(runs.map((r) => r.params));
  const metrics = keysOf(runs.map((r) => r.metrics));
  const tags = keysOf(runs.map((r) => r.tags)).filter((k) => !k.startsWith('mlflow.'));
  const header = [
    'run_id',
    'experiment_id',
    'run_name',
    'status',
    'user_id',
    'start_time',
    'end_time',
    'duration_ms',
    ...params.map((k) => `params.${k}`),
    ...metrics.map((k) => `metrics.${k}`),
    ...tags.map((k) => `tags.${k}`),
  ];
  const rows = runs.map((r): CsvCell[] => [
    r.runId,
    r.experimentId,
    r.name,
    r.status,
    r.user,
    iso(r.startTime),
    iso(r.endTime),
    r.durationMs,
    ...params.map((k) => (Object.hasOwn(r.params, k) ? r.params[k] : null)),
    ...metrics.map((k) => (Object.hasOwn(r.metrics, k) ? r.metrics[k].value : null)),
    ...tags.map((k) => (Object.hasOwn(r.tags, k) ? r.tags[k] : null)),
  ]);
  return toCsv(header, rows);
}

/** A run as MLflow names its fields; metrics as their latest value (null for NaN). */
export function runJson(r: MlflowRun): Record<string, unknown> {
  return {
    run_id: r.runId,
    experiment_id: r.experimentId,
    name: r.name,
    status: r.status,
    lifecycle_stage: r.lifecycleStage,
    user: r.user,
    start_time: r.startTime,
    end_time: r.endTime,
    duration_ms: r.durationMs,
    parent_run_id: r.parentRunId,
    artifact_uri: r.artifactUri,
    params: r.params,
    metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, m]) => [k, m.value])),
    tags: r.tags,
  };
}

export const runsJson = (runs: readonly MlflowRun[]) => `${JSON.stringify(runs.map(runJson), null, 2)}\n`;
