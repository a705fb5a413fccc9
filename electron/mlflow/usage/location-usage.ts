import type { TierUsage } from '../../../shared/schemas/mlflow-usage.js';
import { toAzureError } from '../../azure/errors.js';
import type { BlobLocation } from '../../core/blob-location.js';

// The files, bytes and access tiers below one folder of a container: one flat listing (5,000 blobs
// a request), whose entries already carry each blob's size and tier, so no blob is read.

export interface LocationUsage {
  files: number;
  bytes: number;
  tiers: TierUsage[];
}

const NO_TIER = 'unknown';

export async function locationUsage(location: BlobLocation): Promise<LocationUsage> {
  const container = location.service.getContainerClient(location.container);
  const tiers = new Map<string, TierUsage>();
  let files = 0;
  let bytes = 0;
  try {
    for await (const page of container.listBlobsFlat({ prefix: location.prefix }).byPage({ maxPageSize: 5000 })) {
      for (const blob of page.segment.blobItems) {
        const size = blob.properties.contentLength ?? 0;
        addTiers(tiers, [{ tier: blob.properties.accessTier ?? NO_TIER, files: 1, bytes: size }]);
        files++;
        bytes += size;
      }
    }
  } catch (err) {
    throw toAzureError(err, { action: `listing ${location.prefix || 'the root'} of container "${location.container}"`, endpoint: location.endpoint, container: location.container });
  }
  return { files, bytes, tiers: [...tiers.values()] };
}

/** Adds `more` into `into` (tier by tier). */
export function addTiers(into: Map<string, TierUsage>, more: readonly TierUsage[]): void {
  for (const t of more) {
    const have = into.get(t.tier) ?? { tier: t.tier, files: 0, bytes: 0 };
    into.set(t.tier, { tier: t.tier, files: have.files + t.files, bytes: have.bytes + t.bytes });
  }
}
