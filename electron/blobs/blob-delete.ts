import { RestError } from '@azure/storage-blob';
import { StratusError } from '../../shared/errors.js';
import { MAX_FOLDER_BLOBS, type DeleteBlobsRequest, type DeleteBlobsResult } from '../../shared/schemas/blob-details.js';
import type { AzureAccess } from '../azure/azure-access.js';
import { toAzureError } from '../azure/errors.js';
import { blobEntry } from './blob-listing.js';

// Deleting blobs the user selected. Each delete is conditional on the etag the listing showed, so a
// blob rewritten since (by a run, another user) is kept and reported, never deleted unseen; its
// snapshots go with it, as Storage Explorer does. A selected folder stands for every blob below it,
// each with the etag its listing gave (so one written after the listing is kept), refused whole
// before anything is deleted when it holds more than one call deletes. The typed container name is
// checked here too, so no caller deletes without the confirmation.

/** Deletes at once: enough to keep a round trip busy, few enough not to be throttled. */
const CONCURRENCY = 8;

type Target = DeleteBlobsRequest['blobs'][number];

/** Every blob below the folders, with its etag; refused past `limit`. */
async function folderBlobs(azure: AzureAccess, container: string, folders: string[], limit: number): Promise<Target[]> {
  const client = azure.service.getContainerClient(container);
  const found: Target[] = [];
  for (const folder of folders) {
    try {
      for await (const blob of client.listBlobsFlat({ prefix: folder })) {
        if (found.length >= limit) {
          throw new StratusError({
            code: 'TOO_LARGE',
            message: `The selected folders hold more than ${limit.toLocaleString('en-US')} blobs, more than one delete takes; nothing was deleted.`,
            hint: 'Open the folders and delete their contents in parts, or delete the container or prefix with the Azure CLI or Storage Explorer.',
          });
        }
        found.push({ name: blob.name, etag: blobEntry(blob).etag });
      }
    } catch (err) {
      throw err instanceof StratusError ? err : toAzureError(err, { action: `listing "${folder}" to delete it`, endpoint: azure.endpoint, container, auth: azure.auth });
    }
  }
  return found;
}

export async function deleteBlobs(azure: AzureAccess, request: DeleteBlobsRequest, folderLimit = MAX_FOLDER_BLOBS): Promise<DeleteBlobsResult> {
  const { container, blobs, typedContainer, folders = [] } = request;
  if (typedContainer !== container) {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: `Type the container's name "${container}" to confirm the delete; nothing was deleted.` });
  }
  if (blobs.length === 0 && folders.length === 0) throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'Nothing to delete: select blobs or folders.' });
  const below = await folderBlobs(azure, container, folders, folderLimit);
  const client = azure.service.getContainerClient(container);
  const result: DeleteBlobsResult = { deleted: [], kept: [] };
  const named = new Set(blobs.map((b) => b.name));
  const queue = [...blobs, ...below.filter((b) => !named.has(b.name))];
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
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  result.deleted.sort();
  return result;
}
