import { RestError } from '@azure/storage-blob';
import { StratusError } from '../../shared/errors.js';
import type { DeleteBlobsRequest, DeleteBlobsResult } from '../../shared/schemas/blob-details.js';
import type { AzureAccess } from '../azure/azure-access.js';
import { toAzureError } from '../azure/errors.js';

// Deleting blobs the user selected. Each delete is conditional on the etag the listing showed, so a
// blob rewritten since (by a run, another user) is kept and reported, never deleted unseen; its
// snapshots go with it, as Storage Explorer does. The typed container name is checked here too, so
// no caller deletes without the confirmation.

/** Deletes at once: enough to keep a round trip busy, few enough not to be throttled. */
const CONCURRENCY = 8;

export async function deleteBlobs(azure: AzureAccess, request: DeleteBlobsRequest): Promise<DeleteBlobsResult> {
  const { container, blobs, typedContainer } = request;
  if (typedContainer !== container) {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: `Type the container's name "${container}" to confirm the delete; nothing was deleted.` });
  }
  const client = azure.service.getContainerClient(container);
  const result: DeleteBlobsResult = { deleted: [], kept: [] };
  const queue = [...blobs];
  const worker = async () => {
    for (let blob = queue.shift(); blob !== undefined; blob = queue.shift()) {
      const { name, etag } = blob;
      try {
        await client.getBlobClient(name).delete({ deleteSnapshots: 'include', conditions: etag === null ? undefined : { ifMatch: etag } });
        result.deleted.push(name);
      } catch (err) {
        const status = err instanceof RestError ? err.statusCode : undefined;
        if (status === 404) result.deleted.push(name);
        else if (status === 412) result.kept.push({ name, reason: 'It changed since it was listed; refresh and look at it again.' });
        else result.kept.push({ name, reason: toAzureError(err, { action: `deleting "${name}"`, endpoint: azure.endpoint, container, auth: azure.auth }).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, blobs.length) }, worker));
  result.deleted.sort();
  return result;
}
