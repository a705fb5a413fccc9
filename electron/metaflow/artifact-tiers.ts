import type { ArtifactTiers } from '../../shared/schemas/metaflow.js';
import { mapLimited } from '../core/limit.js';
import type { TaskRef } from './runs.js';
import type { TaskReader } from './service/service-run-reader.js';

// The tiers of the artifact table's rows in view: the attempt's artifact index read once, then one
// Get Blob Properties per artifact, a few at a time. One artifact's failure is its row's, not the table's.

/** Property reads at once: a screenful of rows without a burst the account throttles. */
const CONCURRENCY = 8;

export async function artifactTiers(reader: Pick<TaskReader, 'task' | 'actions'>, ref: TaskRef, names: readonly string[]): Promise<ArtifactTiers> {
  const { artifacts, artifactProblem } = await reader.task(ref);
  const tiers = await mapLimited([...new Set(names)], CONCURRENCY, async (name) => {
    const entry = artifacts.find((a) => a.name === name);
    if (!entry) return { name, tier: null, problem: artifactProblem ?? `This attempt has no artifact "${name}".` };
    try {
      return { name, tier: await reader.actions.blobTier(ref.flow, entry.sha), problem: null };
    } catch (err) {
      return { name, tier: null, problem: (err as Error).message };
    }
  });
  return { tiers };
}
