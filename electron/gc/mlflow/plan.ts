import type { BlobServiceClient } from '@azure/storage-blob';
import { StratusError } from '../../../shared/errors.js';
import type { Env } from '../../azure/blob-client.js';
import { RestSource } from '../../mlflow/sources/rest.js';
import type { PlannedDeletion } from '../journal.js';
import { resolveArtifactUri } from './artifact-location.js';
import { allExperiments, openMlflowDb, selectGarbage, traceIds, type DeletedRun, type ExperimentRow, type Selection } from './database.js';
import { selectFromServer } from './server-selection.js';

// An MLflow gc plan: what `mlflow gc` would remove (deleted runs, optionally older than a span,
// and deleted experiments with their runs) with every artifact file of those runs, plus what
// `mlflow gc` leaves behind: traces.json folders whose trace row is gone.

export interface ExperimentPlan {
  experiment: string;
  runs: number;
  /** The experiment itself goes (it is in the deleted stage). */
  removed: boolean;
  artifacts: number;
  artifactBytes: number;
  traceFiles: number;
  traceBytes: number;
}

/** The tracking database itself (runs and rows can go), or a tracking server (artifacts only). */
export type MlflowTracking = { kind: 'sqlite'; dbPath: string } | { kind: 'server'; uri: string };

export interface MlflowPlanData {
  tracking: MlflowTracking;
  olderThanMs?: number;
  runs: DeletedRun[];
  experiments: { experimentId: number; name: string }[];
  /** Roots the planned files live under (a run's artifact URI, an experiment's traces folder). */
  locations: string[];
  /** Runs whose artifacts could not be listed: they keep their rows. */
  blockedRuns: string[];
  summary: ExperimentPlan[];
  notes: string[];
}

export interface MlflowPlanOptions {
  tracking: MlflowTracking;
  /** For a tracking server's credentials (MLFLOW_TRACKING_TOKEN and the like). */
  env: Env;
  olderThanMs?: number;
  includeTraces: boolean;
  azure: BlobServiceClient | undefined;
  now?: number;
}

const TRACE_FOLDER = 'traces';

export async function planMlflow(options: MlflowPlanOptions): Promise<{ data: MlflowPlanData; candidates: PlannedDeletion[] }> {
  const notes: string[] = [];
  const { selection, experiments, traces } = await select(options, notes);
  const removedExperiments = new Set(selection.experiments.map((e) => e.experimentId));
  const summary = new Map<string, ExperimentPlan>();
  const group = (name: string) => {
    let s = summary.get(name);
    if (!s) {
      s = { experiment: name, runs: 0, removed: selection.experiments.some((e) => e.name === name), artifacts: 0, artifactBytes: 0, traceFiles: 0, traceBytes: 0 };
      summary.set(name, s);
    }
    return s;
  };
  const candidates: PlannedDeletion[] = [];
  const locations: string[] = [];
  const blockedRuns: string[] = [];
  for (const run of selection.runs) {
    const s = group(run.experimentName);
    s.runs++;
    if (!run.artifactUri) continue;
    const root = run.artifactUri.replace(/\/+$/, '');
    let files;
    try {
      files = await resolveArtifactUri(root, options.azure).list();
    } catch (err) {
      // Like mlflow gc on an artifact URI it cannot handle, go on with the others; unlike it, keep the run's rows.
      blockedRuns.push(run.runId);
      notes.push(`Run ${run.runId}: its artifacts at ${root} cannot be reached (${(err as Error).message}); the run is kept.`);
      continue;
    }
    locations.push(root);
    for (const file of files) {
      s.artifacts++;
      s.artifactBytes += file.size;
      const reason = `artifact of run ${run.runId}, deleted${removedExperiments.has(run.experimentId) ? ' with its experiment' : ''}`;
      candidates.push({ name: `${root}/${file.path}`, group: run.experimentName, etag: file.etag, size: file.size, lastModified: file.lastModified, reason });
    }
  }
  if (options.includeTraces && traces) {
    for (const experiment of experiments) {
      if (!experiment.artifactLocation) continue;
      const root = `${experiment.artifactLocation.replace(/\/+$/, '')}/${TRACE_FOLDER}`;
      let files;
      try {
        files = await resolveArtifactUri(root, options.azure).list();
      } catch (err) {
        notes.push(`Trace artifacts of experiment "${experiment.name}" not checked: ${(err as Error).message}`);
        continue;
      }
      locations.push(root);
      for (const file of files) {
        const traceId = file.path.split('/')[0];
        const removed = removedExperiments.has(experiment.experimentId);
        if (traces.has(traceId) && !removed) continue;
        const s = group(experiment.name);
        s.traceFiles++;
        s.traceBytes += file.size;
        const reason = removed ? `trace ${traceId} of a deleted experiment` : `trace ${traceId} has no row in trace_info any more (deleted traces leave their artifacts)`;
        candidates.push({ name: `${root}/${file.path}`, group: experiment.name, etag: file.etag, size: file.size, lastModified: file.lastModified, reason });
      }
    }
  }
  return {
    data: {
      tracking: options.tracking,
      olderThanMs: options.olderThanMs,
      runs: selection.runs,
      experiments: selection.experiments.map((e) => ({ experimentId: e.experimentId, name: e.name })),
      locations,
      blockedRuns,
      summary: [...summary.values()],
      notes,
    },
    candidates,
  };
}

async function select(options: MlflowPlanOptions, notes: string[]): Promise<{ selection: Selection; experiments: ExperimentRow[]; traces?: Set<string> }> {
  if (options.tracking.kind === 'sqlite') {
    const db = openMlflowDb(options.tracking.dbPath, true);
    try {
      return { selection: selectGarbage(db, options.now ?? Date.now(), options.olderThanMs), experiments: allExperiments(db), traces: traceIds(db) };
    } finally {
      db.close();
    }
  }
  if (options.olderThanMs !== undefined) {
    throw new StratusError({
      code: 'INVALID_ARGUMENT',
      message: 'A tracking server does not say when a run was deleted, so "older than" needs the tracking database (sqlite:///…).',
    });
  }
  const source = new RestSource(options.tracking.uri, options.env);
  try {
    const { all, ...selection } = await selectFromServer(source);
    notes.push('Tracking server: only artifacts are deleted; the runs stay in the server\'s database until `mlflow gc` runs against it.');
    if (options.includeTraces) notes.push('Trace artifacts left behind are only found with the tracking database (sqlite:///…), not through a server.');
    return { selection, experiments: all };
  } finally {
    await source.close();
  }
}
