import { StratusError } from '../../shared/errors.js';
import type { SetBlobTierRequest, SetBlobTierResult } from '../../shared/schemas/blob-tier.js';
import type { AzureAccess } from '../azure/azure-access.js';
import { toAzureError } from '../azure/errors.js';
import { mapLimited } from '../core/limit.js';

// Set Blob Tier on each selected blob. One blob's failure (gone, refused, an emulator without the
// tier) is reported with its name and does not stop the others. The typed container name is
// checked here too, so no caller changes tiers without the confirmation.

/** Tier changes at once: enough to keep a round trip busy, few enough not to be throttled. */
const CONCURRENCY = 8;

export async function setBlobTier(azure: AzureAccess, request: SetBlobTierRequest): Promise<SetBlobTierResult> {
  const { container, blobs, newTier: tier, typedContainer, priority = 'Standard' } = request;
  if (typedContainer !== container) {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: `Type the container's name "${container}" to confirm the tier change; no tier was changed.` });
  }
  const client = azure.service.getContainerClient(container);
  const unique = [...new Set(blobs)];
  const outcomes = await mapLimited(unique, CONCURRENCY, async (name) => {
    try {
      // The priority applies only when this rehydrates an archived blob; Standard, the cheaper, unless asked.
      await client.getBlobClient(name).setAccessTier(tier, { rehydratePriority: priority });
      return { name, reason: null };
    } catch (err) {
      return { name, reason: toAzureError(err, { action: `setting the tier of "${name}" to ${tier}`, endpoint: azure.endpoint, container, auth: azure.auth }).message };
    }
  });
  const result: SetBlobTierResult = { changed: [], failed: [] };
  for (const { name, reason } of outcomes) {
    if (reason === null) result.changed.push(name);
    else result.failed.push({ name, reason });
  }
  return result;
}
