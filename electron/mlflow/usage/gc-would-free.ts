import type { BlobServiceClient } from '@azure/storage-blob';
import { StratusError } from '../../../shared/errors.js';
import type { Env } from '../../azure/blob-client.js';
import { planMlflow, type MlflowTracking } from '../../gc/mlflow/plan.js';
import { sqlitePath } from '../../gc/options.js';

// What `stratus gc` would free per experiment right now: the MLflow gc planner run without
// executing anything (every deleted run, any age, and trace artifacts left behind).

export interface GcFree {
  files: number;
  bytes: number;
}

function trackingOf(uri: string): MlflowTracking {
  if (/^https?:\/\//i.test(uri)) return { kind: 'server', uri };
  if (/^sqlite:\/\/\//i.test(uri)) return { kind: 'sqlite', dbPath: sqlitePath(uri) };
  throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'gc plans MLflow clean-ups from the tracking database (sqlite:///…) or a tracking server, not from a file store.' });
}

/** By experiment name, as the gc plan groups them; NOT a plan the user can execute (nothing is saved). */
export async function gcWouldFree(trackingUri: string, env: Env, azure: BlobServiceClient | undefined): Promise<{ byExperiment: Map<string, GcFree>; notes: string[] }> {
  const { data } = await planMlflow({ tracking: trackingOf(trackingUri), env, includeTraces: true, azure });
  const byExperiment = new Map(data.summary.map((s) => [s.experiment, { files: s.artifacts + s.traceFiles, bytes: s.artifactBytes + s.traceBytes }]));
  return { byExperiment, notes: data.notes };
}
