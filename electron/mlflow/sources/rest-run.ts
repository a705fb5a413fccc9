import type { MlflowRun } from '../../../shared/schemas/mlflow.js';
import type { KeyValue, RestRun } from './rest-types.js';

// A tracking server's run (runs/search, runs/get) as the app's run, and the key/value lists its
// answers carry.

export function pairs(list: KeyValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of list ?? []) if (key !== undefined) out[key] = value ?? '';
  return out;
}

export function metricNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function runOfRest(r: RestRun): MlflowRun {
  const tags = pairs(r.data?.tags);
  const metrics: MlflowRun['metrics'] = {};
  for (const m of r.data?.metrics ?? []) {
    if (m.key !== undefined) metrics[m.key] = { value: metricNumber(m.value), step: m.step ?? 0, timestamp: m.timestamp ?? 0 };
  }
  const start = r.info.start_time ?? null;
  const end = r.info.end_time ?? null;
  const status = r.info.status ?? 'RUNNING';
  return {
    runId: r.info.run_id ?? r.info.run_uuid ?? '',
    experimentId: String(r.info.experiment_id ?? ''),
    name: r.info.run_name ?? tags['mlflow.runName'] ?? '',
    status: (['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'].includes(status) ? status : 'RUNNING') as MlflowRun['status'],
    lifecycleStage: r.info.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    user: r.info.user_id ?? tags['mlflow.user'] ?? null,
    startTime: start,
    endTime: end,
    durationMs: start !== null && end !== null ? end - start : null,
    parentRunId: tags['mlflow.parentRunId'] ?? null,
    artifactUri: r.info.artifact_uri ?? null,
    params: pairs(r.data?.params),
    metrics,
    tags,
  };
}
