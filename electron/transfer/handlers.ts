import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TransferChannel } from '../../shared/channels/transfer.js';
import { toAzureError } from '../azure/errors.js';
import type { HandlersFor } from '../ipc/router.js';
import type { LocalAccess } from '../local-access/local-grants.js';
import { runArtifactLocation } from '../mlflow/run-artifact-location.js';
import type { WorkspaceRegistry } from '../workspace/workspace-registry.js';
import type { TransferEngine } from './engine.js';
import type { JobTarget } from './job-state.js';
import { downloadTarget, expandFolders, uploadBlobName } from './transfer-plan.js';

async function listNames(source: JobTarget, prefix: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const blob of source.service.getContainerClient(source.container).listBlobsFlat({ prefix })) {
      // Folder markers (hierarchical namespace) hold no bytes to fetch.
      if (!blob.name.endsWith('/')) names.push(blob.name);
    }
  } catch (err) {
    throw toAzureError(err, { action: `listing ${source.container}/${prefix}`, endpoint: source.endpoint, container: source.container });
  }
  return names;
}

/** Blobs (or everything under `prefix`) queued as downloads into `targetFolder`, each kept inside it. */
async function enqueueDownloads(engine: TransferEngine, source: JobTarget, names: string[], prefix: string | undefined, targetFolder: string): Promise<string[]> {
  const folder = path.resolve(targetFolder);
  await mkdir(folder, { recursive: true });
  return names.map((blobName) => {
    const target = downloadTarget(folder, blobName, prefix);
    const spec = { ...source, blobName, filePath: target.filePath };
    return target.ok ? engine.enqueueDownload(spec) : engine.addRefused(spec, target.reason);
  });
}


/** Dropped files and folders (each one the user chose; expanded, structure kept) queued as uploads under `prefix`. */
async function enqueueFiles(engine: TransferEngine, destination: JobTarget, prefix: string, files: { path: string; name: string }[], access: LocalAccess): Promise<string[]> {
  await Promise.all(files.map((file) => access.allow(file.path, 'the file')));
  const expanded = await expandFolders(files);
  const blobNames = expanded.map((file) => uploadBlobName(prefix, file.name));
  // Enqueued together: each stats its file, and thousands of sequential stats would delay the first byte.
  return Promise.all(expanded.map((file, i) => engine.enqueueUpload({ ...destination, blobName: blobNames[i], filePath: file.path })));
}

export interface TransferDeps {
  workspaces: WorkspaceRegistry;
  transfers: TransferEngine;
  localAccess: LocalAccess;
}

export function transferHandlers({ workspaces, transfers: engine, localAccess: access }: TransferDeps): HandlersFor<TransferChannel> {
  return {
    'transfer.list': async () => engine.list(),
    'transfer.upload': async ({ workspaceId, container, prefix, files }) => {
      const azure = workspaces.azure(workspaceId);
      return { jobIds: await enqueueFiles(engine, { workspaceId, service: azure.service, endpoint: azure.endpoint, container }, prefix, files, access) };
    },
    'transfer.uploadToRun': async ({ workspaceId, runId, path: folder, files }) => {
      const target = await runArtifactLocation(await workspaces.mlflow(workspaceId), runId, folder);
      return { jobIds: await enqueueFiles(engine, { workspaceId, ...target }, target.prefix, files, access) };
    },
    'transfer.download': async ({ workspaceId, container, blobs, prefix, targetFolder }) => {
      await access.allow(targetFolder, 'the download folder');
      const azure = workspaces.azure(workspaceId);
      const source = { workspaceId, service: azure.service, endpoint: azure.endpoint, container };
      const names = blobs ?? (await listNames(source, prefix ?? ''));
      return { jobIds: await enqueueDownloads(engine, source, names, prefix, targetFolder) };
    },
    'transfer.downloadFromRun': async ({ workspaceId, runId, path: artifact, targetFolder }) => {
      await access.allow(targetFolder, 'the download folder');
      const location = await runArtifactLocation(await workspaces.mlflow(workspaceId), runId, undefined);
      const source = { workspaceId, service: location.service, endpoint: location.endpoint, container: location.container };
      // A folder of artifacts (or the whole root) comes with everything under it; a file alone.
      const prefix = artifact === undefined ? location.prefix : `${location.prefix}${artifact}/`;
      const names = await listNames(source, prefix);
      if (names.length > 0 || artifact === undefined) return { jobIds: await enqueueDownloads(engine, source, names, prefix, targetFolder) };
      return { jobIds: await enqueueDownloads(engine, source, [`${location.prefix}${artifact}`], undefined, targetFolder) };
    },
    'transfer.pause': async (selector) => ({ affected: engine.pause(selector) }),
    'transfer.resume': async (selector) => ({ affected: engine.resume(selector) }),
    'transfer.cancel': async (selector) => ({ affected: engine.cancel(selector) }),
    'transfer.resolveConflict': async ({ jobId, choice, applyToAll }) => ({ affected: engine.resolveConflict(jobId, choice, applyToAll) }),
    'transfer.retry': async ({ jobId }) => ({ affected: engine.retryJob(jobId) }),
    'transfer.clearFinished': async (selector) => ({ affected: engine.clearFinished(selector) }),
    'transfer.unfinished': async () => ({ jobs: await engine.unfinished() }),
    'transfer.resumeUnfinished': async ({ workspaceId, jobIds }) => {
      const azure = workspaces.azure(workspaceId);
      return { jobIds: await engine.resumeUnfinished({ workspaceId, service: azure.service, endpoint: azure.endpoint }, jobIds) };
    },
    'transfer.discardUnfinished': async ({ jobIds }) => ({ affected: await engine.discardUnfinished(jobIds) }),
  };
}
