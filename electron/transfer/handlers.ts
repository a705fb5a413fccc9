import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TransferChannel } from '../../shared/channels/transfer.js';
import { toAzureError } from '../azure/errors.js';
import { azureOf } from '../blobs/blob-listing.js';
import type { HandlersFor } from '../ipc/router.js';
import type { ServiceContext } from '../service-context.js';
import { downloadTarget, expandFolders, uploadBlobName } from './transfer-plan.js';

async function listNames(ctx: ServiceContext, workspaceId: string, container: string, prefix: string): Promise<string[]> {
  const azure = azureOf(ctx.workspaces.get(workspaceId));
  const names: string[] = [];
  try {
    for await (const blob of azure.service.getContainerClient(container).listBlobsFlat({ prefix })) {
      // Folder markers (hierarchical namespace) hold no bytes to fetch.
      if (!blob.name.endsWith('/')) names.push(blob.name);
    }
  } catch (err) {
    throw toAzureError(err, { action: `listing ${container}/${prefix}`, endpoint: azure.endpoint, container });
  }
  return names;
}

export function transferHandlers(ctx: ServiceContext): HandlersFor<TransferChannel> {
  const engine = ctx.transfers;
  return {
    'transfer.list': async () => engine.list(),
    'transfer.upload': async ({ workspaceId, container, prefix, files }) => {
      const azure = azureOf(ctx.workspaces.get(workspaceId));
      const expanded = await expandFolders(files);
      const blobNames = expanded.map((file) => uploadBlobName(prefix, file.name));
      // Enqueued together: each stats its file, and thousands of sequential stats would delay the first byte.
      const jobIds = await Promise.all(
        expanded.map((file, i) => engine.enqueueUpload({ workspaceId, service: azure.service, endpoint: azure.endpoint, container, blobName: blobNames[i], filePath: file.path })),
      );
      return { jobIds };
    },
    'transfer.download': async ({ workspaceId, container, blobs, prefix, targetFolder }) => {
      const azure = azureOf(ctx.workspaces.get(workspaceId));
      const folder = path.resolve(targetFolder);
      await mkdir(folder, { recursive: true });
      const names = blobs ?? (await listNames(ctx, workspaceId, container, prefix ?? ''));
      const jobIds = names.map((blobName) => {
        const target = downloadTarget(folder, blobName, prefix);
        const spec = { workspaceId, service: azure.service, endpoint: azure.endpoint, container, blobName, filePath: target.filePath };
        return target.ok ? engine.enqueueDownload(spec) : engine.addRefused(spec, target.reason);
      });
      return { jobIds };
    },
    'transfer.pause': async (selector) => ({ affected: engine.pause(selector) }),
    'transfer.resume': async (selector) => ({ affected: engine.resume(selector) }),
    'transfer.cancel': async (selector) => ({ affected: engine.cancel(selector) }),
    'transfer.resolveConflict': async ({ jobId, choice, applyToAll }) => ({ affected: engine.resolveConflict(jobId, choice, applyToAll) }),
    'transfer.retry': async ({ jobId }) => ({ affected: engine.retryJob(jobId) }),
    'transfer.clearFinished': async (selector) => ({ affected: engine.clearFinished(selector) }),
    'transfer.unfinished': async () => ({ jobs: await engine.unfinished() }),
    'transfer.resumeUnfinished': async ({ workspaceId, jobIds }) => {
      const azure = azureOf(ctx.workspaces.get(workspaceId));
      return { jobIds: await engine.resumeUnfinished({ workspaceId, service: azure.service, endpoint: azure.endpoint }, jobIds) };
    },
    'transfer.discardUnfinished': async ({ jobIds }) => ({ affected: await engine.discardUnfinished(jobIds) }),
  };
}
