import type { TierUsage } from '../../../shared/schemas/mlflow-usage.js';
import type { Experiment, MlflowRun } from '../../../shared/schemas/mlflow.js';
import type { BlobLocation } from '../../core/blob-location.js';
import { mapLimited } from '../../core/limit.js';
import type { MlflowSource } from '../source.js';
import { locationUsage } from './location-usage.js';
import type { CachedRun, RunUsageCache } from './run-usage-cache.js';

// Every run of every experiment with what its artifacts add up to: from the cache for ended runs
// already listed, else by listing the run's artifact folder (ended runs are then cached).

export interface SizedRun {
  run: MlflowRun;
  files: number;
  bytes: number;
  tiers: TierUsage[];
  problem: string | null;
}

export interface RunSizesOptions {
  source: MlflowSource;
  experiments: Experiment[];
  /** Names the tracking store in the cache. */
  sourceKey: string;
  cache: RunUsageCache;
  blobLocation(uri: string): BlobLocation;
  onProgress(done: number, total: number): void;
}

/** Listings at once: enough to hide round trips, few enough not to be throttled. */
const CONCURRENCY = 8;
/** Experiment ids per runs query (the REST search takes at most 100). */
const EXPERIMENTS_PER_QUERY = 100;
const ENDED = new Set(['FINISHED', 'FAILED', 'KILLED']);

export async function allRuns(source: MlflowSource, experimentIds: readonly string[]): Promise<MlflowRun[]> {
  const runs: MlflowRun[] = [];
  for (let i = 0; i < experimentIds.length; i += EXPERIMENTS_PER_QUERY) {
    const ids = experimentIds.slice(i, i + EXPERIMENTS_PER_QUERY);
    let pageToken: string | undefined;
    do {
      const page = await source.runs({ experimentIds: ids, view: 'all', maxResults: 1000, pageToken });
      runs.push(...page.runs);
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken !== undefined);
  }
  return runs;
}

export function isAzureUri(uri: string): boolean {
  return /^wasbs?:\/\//i.test(uri);
}

export async function runSizes(options: RunSizesOptions): Promise<{ runs: SizedRun[]; listed: number; cached: number }> {
  const runs = await allRuns(options.source, options.experiments.map((e) => e.experimentId));
  const cache = options.cache.read(options.sourceKey);
  const sized: SizedRun[] = [];
  const toList: MlflowRun[] = [];
  for (const run of runs) {
    const hit = run.artifactUri === null ? undefined : cache.get(run.runId);
    if (hit && hit.artifactUri === run.artifactUri && ENDED.has(run.status)) sized.push({ run, files: hit.files, bytes: hit.bytes, tiers: hit.tiers, problem: null });
    else toList.push(run);
  }
  const cached = sized.length;
  const fresh = new Map<string, CachedRun>();
  let done = 0;
  options.onProgress(0, toList.length);
  const listed = await mapLimited(toList, CONCURRENCY, async (run): Promise<SizedRun> => {
    const result = await sizeOf(run, options.blobLocation);
    if (result.problem === null && run.artifactUri !== null && ENDED.has(run.status)) {
      fresh.set(run.runId, { artifactUri: run.artifactUri, files: result.files, bytes: result.bytes, tiers: result.tiers });
    }
    options.onProgress(++done, toList.length);
    return result;
  });
  options.cache.write(options.sourceKey, fresh);
  return { runs: [...sized, ...listed], listed: toList.length, cached };
}

async function sizeOf(run: MlflowRun, blobLocation: (uri: string) => BlobLocation): Promise<SizedRun> {
  const empty = { run, files: 0, bytes: 0, tiers: [] };
  if (run.artifactUri === null) return { ...empty, problem: 'The run names no artifact location.' };
  if (!isAzureUri(run.artifactUri)) return { ...empty, problem: `Its artifacts are at ${run.artifactUri}, outside Azure Blob Storage: not counted.` };
  try {
    const location = blobLocation(run.artifactUri.replace(/\/+$/, ''));
    return { run, ...(await locationUsage(location)), problem: null };
  } catch (err) {
    return { ...empty, problem: (err as Error).message };
  }
}
