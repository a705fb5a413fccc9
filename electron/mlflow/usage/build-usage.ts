import { MAX_USAGE_EXPERIMENTS, MAX_USAGE_RUNS, type ExperimentUsage, type MlflowUsage, type MlflowUsageProgress, type TierUsage } from '../../../shared/schemas/mlflow-usage.js';
import type { Experiment } from '../../../shared/schemas/mlflow.js';
import type { BlobLocation } from '../../core/blob-location.js';
import { mapLimited } from '../../core/limit.js';
import type { MlflowSource } from '../source.js';
import type { GcFree } from './gc-would-free.js';
import { addTiers, locationUsage, type LocationUsage } from './location-usage.js';
import type { RunUsageCache } from './run-usage-cache.js';
import { isAzureUri, runSizes, type SizedRun } from './run-sizes.js';

// An MLflow workspace's storage: each experiment's runs (active and deleted apart) and trace
// artifacts, bytes by tier, and what gc would free. Trace folders are listed on every build: a
// trace can be added or deleted at any time, and one listing covers a whole experiment's traces.

export interface BuildUsageOptions {
  source: MlflowSource;
  sourceKey: string;
  cache: RunUsageCache;
  blobLocation(uri: string): BlobLocation;
  /** What gc would free by experiment name; a failure becomes a note and null gc figures. */
  gc(): Promise<{ byExperiment: Map<string, GcFree>; notes: string[] }>;
  onProgress(progress: Omit<MlflowUsageProgress, 'workspaceId'>): void;
}

/** Where MLflow writes a trace's artifacts: traces/<trace id>/artifacts/ under the experiment's location. */
const TRACES_FOLDER = 'traces';
const TRACE_CONCURRENCY = 4;

export async function buildUsage(options: BuildUsageOptions): Promise<MlflowUsage> {
  const notes: string[] = [];
  const experiments = await options.source.experiments('all');
  const sized = await runSizes({
    source: options.source,
    experiments,
    sourceKey: options.sourceKey,
    cache: options.cache,
    blobLocation: options.blobLocation,
    onProgress: (done, total) => options.onProgress({ phase: 'runs', done, total }),
  });
  let tracesDone = 0;
  const traces = await mapLimited(experiments, TRACE_CONCURRENCY, async (experiment) => {
    const usage = await traceUsage(experiment, options.blobLocation, notes);
    options.onProgress({ phase: 'traces', done: ++tracesDone, total: experiments.length });
    return usage;
  });
  options.onProgress({ phase: 'gc', done: 0, total: 1 });
  const gc = await options.gc().then(
    (plan) => {
      notes.push(...plan.notes.map((n) => `gc plan: ${n}`));
      return plan.byExperiment;
    },
    (err: Error) => {
      notes.push(`What gc would free is not shown: ${err.message}`);
      return undefined;
    },
  );
  options.onProgress({ phase: 'done', done: 1, total: 1 });
  const problems = sized.runs.filter((r) => r.problem !== null);
  if (problems.length > 0) notes.push(`${problems.length} run(s) not counted; the first: run ${problems[0].run.runId}: ${problems[0].problem}`);
  const byExperiment = experimentFigures(experiments, sized.runs, traces, gc);
  const runs = [...sized.runs].sort((a, b) => b.bytes - a.bytes);
  const deletedExperiments = new Set(experiments.filter((e) => e.lifecycleStage === 'deleted').map((e) => e.experimentId));
  return {
    experiments: byExperiment,
    runs: runs.slice(0, MAX_USAGE_RUNS).map(({ run, files, bytes, tiers, problem }) => ({
      runId: run.runId,
      name: run.name,
      experimentId: run.experimentId,
      status: run.status,
      deleted: run.lifecycleStage === 'deleted' || deletedExperiments.has(run.experimentId),
      files,
      bytes,
      tiers,
      problem,
    })),
    runsLeftOut: Math.max(0, runs.length - MAX_USAGE_RUNS),
    listedRuns: sized.listed,
    cachedRuns: sized.cached,
    notes: notes.slice(0, 50),
  };
}

async function traceUsage(experiment: Experiment, blobLocation: (uri: string) => BlobLocation, notes: string[]): Promise<LocationUsage | null> {
  const root = experiment.artifactLocation;
  // Outside Azure (a local path such as the Default experiment's) there are no trace blobs to count.
  if (root === null || !isAzureUri(root)) return null;
  try {
    return await locationUsage(blobLocation(`${root.replace(/\/+$/, '')}/${TRACES_FOLDER}`));
  } catch (err) {
    notes.push(`Trace artifacts of experiment "${experiment.name}" not counted: ${(err as Error).message}`);
    return null;
  }
}

function experimentFigures(
  experiments: readonly Experiment[],
  runs: readonly SizedRun[],
  traces: readonly (LocationUsage | null)[],
  gc: Map<string, GcFree> | undefined,
): ExperimentUsage[] {
  const runsOf = new Map<string, SizedRun[]>();
  for (const r of runs) {
    const list = runsOf.get(r.run.experimentId);
    if (list) list.push(r);
    else runsOf.set(r.run.experimentId, [r]);
  }
  return experiments.slice(0, MAX_USAGE_EXPERIMENTS).map((experiment, i) => {
    const deleted = experiment.lifecycleStage === 'deleted';
    const tiers = new Map<string, TierUsage>();
    const e: ExperimentUsage = {
      experimentId: experiment.experimentId,
      name: experiment.name,
      deleted,
      runs: 0,
      deletedRuns: 0,
      artifactFiles: 0,
      artifactBytes: 0,
      deletedFiles: 0,
      deletedBytes: 0,
      traceFiles: traces[i]?.files ?? 0,
      traceBytes: traces[i]?.bytes ?? 0,
      tiers: [],
      gcFiles: gc ? (gc.get(experiment.name)?.files ?? 0) : null,
      gcBytes: gc ? (gc.get(experiment.name)?.bytes ?? 0) : null,
    };
    for (const r of runsOf.get(experiment.experimentId) ?? []) {
      e.runs++;
      addTiers(tiers, r.tiers);
      if (deleted || r.run.lifecycleStage === 'deleted') {
        e.deletedRuns++;
        e.deletedFiles += r.files;
        e.deletedBytes += r.bytes;
      } else {
        e.artifactFiles += r.files;
        e.artifactBytes += r.bytes;
      }
    }
    addTiers(tiers, traces[i]?.tiers ?? []);
    return { ...e, tiers: [...tiers.values()] };
  });
}
