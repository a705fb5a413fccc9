import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { MLFLOW_ALEMBIC_HEAD, MLFLOW_SQLITE_SCHEMA } from './mlflow-schema.js';

// MLflow tracking data as MLflow's sqlite store writes it (tables and system tags as in SCHEMA.md of the shared
// fixture): experiments, runs with params, metric histories and latest_metrics, tags, nested runs, and artifacts
// in a local artifact folder, laid out `<experiment artifact_location>/<run_uuid>/artifacts/...`.

/** Creates MLflow's schema in an empty database, stamped with its alembic head; leaves an existing one alone. */
export function createMlflowSchema(db: Database): void {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'experiments'").get();
  if (exists !== undefined) return;
  db.exec(MLFLOW_SQLITE_SCHEMA);
  db.prepare('INSERT INTO alembic_version (version_num) VALUES (?)').run(MLFLOW_ALEMBIC_HEAD);
}

export interface SampleRun {
  name: string;
  status: 'FINISHED' | 'FAILED' | 'RUNNING' | 'KILLED';
  params: Record<string, string>;
  /** Per metric key, one value per step. */
  metrics: Record<string, number[]>;
  tags?: Record<string, string>;
  description?: string;
  /** Index of the parent run in the same experiment's list. */
  parent?: number;
  /** Files under the run's artifacts folder, by relative path. */
  artifacts?: Record<string, string | Buffer>;
  durationMs: number;
}

export interface SampleExperiment {
  name: string;
  tags?: Record<string, string>;
  runs: SampleRun[];
}

/** Hex of the given length from a deterministic counter (run ids are 32 hex characters, as uuid4().hex). */
function hexId(seed: number, length: number): string {
  let out = '';
  let x = seed >>> 0 || 1;
  while (out.length < length) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/**
 * Writes the experiments and their runs; returns the experiment ids in order. Experiment 0 "Default" is created
 * first, as MLflow's store always does.
 */
export async function writeMlflowRuns(
  db: Database,
  artifactsFolder: string,
  experiments: SampleExperiment[],
  options: { startMs: number; user: string; sourceName: string },
): Promise<string[]> {
  createMlflowSchema(db);
  const insertExperiment = db.prepare(
    "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, 'active', ?, ?)",
  );
  const insertExperimentTag = db.prepare('INSERT INTO experiment_tags (key, value, experiment_id) VALUES (?, ?, ?)');
  const insertRun = db.prepare(
    "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, deleted_time, source_version, lifecycle_stage, artifact_uri, experiment_id) VALUES (?, ?, 'UNKNOWN', '', '', ?, ?, ?, ?, NULL, '', 'active', ?, ?)",
  );
  const insertTag = db.prepare('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)');
  const insertParam = db.prepare('INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)');
  const insertMetric = db.prepare('INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)');
  const insertLatest = db.prepare('INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, 0, ?)');

  const files: { file: string; content: string | Buffer }[] = [];
  const ids: string[] = [];
  let clock = options.startMs;
  let counter = 1;
  db.transaction(() => {
    const location = (id: string) => path.join(artifactsFolder, id);
    insertExperiment.run(0, 'Default', location('0'), clock, clock);
    experiments.forEach((experiment, e) => {
      const experimentId = String(e + 1);
      ids.push(experimentId);
      insertExperiment.run(Number(experimentId), experiment.name, location(experimentId), clock, clock);
      for (const [key, value] of Object.entries(experiment.tags ?? {})) insertExperimentTag.run(key, value, experimentId);
      const runIds: string[] = [];
      for (const run of experiment.runs) {
        const runId = hexId(counter++ * 2654435761, 32);
        runIds.push(runId);
        const start = (clock += 60_000 + (counter % 7) * 13_000);
        const end = run.status === 'RUNNING' ? null : start + run.durationMs;
        const artifactUri = path.join(location(experimentId), runId, 'artifacts');
        insertRun.run(runId, run.name, options.user, run.status, start, end, artifactUri, experimentId);
        const tags: Record<string, string> = {
          'mlflow.runName': run.name,
          'mlflow.user': options.user,
          'mlflow.source.name': options.sourceName,
          'mlflow.source.type': 'LOCAL',
          ...(run.parent !== undefined ? { 'mlflow.parentRunId': runIds[run.parent] } : {}),
          ...(run.description !== undefined ? { 'mlflow.note.content': run.description } : {}),
          ...run.tags,
        };
        for (const [key, value] of Object.entries(tags)) insertTag.run(key, value, runId);
        for (const [key, value] of Object.entries(run.params)) insertParam.run(key, value, runId);
        for (const [key, values] of Object.entries(run.metrics)) {
          values.forEach((value, step) => insertMetric.run(key, value, start + step * 1000, runId, step));
          if (values.length > 0) insertLatest.run(key, values[values.length - 1], start + (values.length - 1) * 1000, values.length - 1, runId);
        }
        for (const [relative, content] of Object.entries(run.artifacts ?? {})) files.push({ file: path.join(artifactUri, relative), content });
      }
    });
  })();
  for (const { file, content } of files) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return ids;
}
