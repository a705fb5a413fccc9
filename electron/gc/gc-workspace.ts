import type { BlobServiceClient } from '@azure/storage-blob';
import type { DeletePolicy } from '../../shared/schemas/blob-details.js';
import { deletePolicy } from '../azure/delete-policy.js';
import { AzureObjectDeleter } from '../storage/azure-object-deleter.js';
import { LocalObjectDeleter } from '../storage/local-object-deleter.js';
import type { ObjectDeleter } from '../storage/object-deleter.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { OpenWorkspace } from '../workspace/workspace-registry.js';

// What gc needs of an open workspace: its datastore to walk, a deleter for it, its Azure access
// (MLflow artifacts in wasbs://), and the name the user types to confirm.

export interface GcWorkspace {
  id: string;
  /** The saved name, or the sysroot: what the user types to confirm an execution. */
  name: string;
  store: ObjectStore;
  root: string;
  deleter: ObjectDeleter;
  azure?: BlobServiceClient;
  /** Whether deleted blobs can be undeleted: the account's soft delete (a local folder has none). */
  softDelete(): Promise<DeletePolicy>;
}

const LOCAL_FOLDER: DeletePolicy = { state: 'disabled', days: null, detail: 'A local folder has no soft delete: deleted files are gone.' };

/** Small batches: Azurite and throttled accounts handle big Blob Batch calls slowly. */
export const AZURE_BATCH = 32;

export function gcWorkspace(ws: OpenWorkspace): GcWorkspace {
  const azure = ws.azure;
  const deleter = ws.azure
    ? new AzureObjectDeleter(ws.azure.service.getContainerClient(ws.azure.container), AZURE_BATCH)
    : new LocalObjectDeleter(ws.info.sysroot);
  return {
    id: ws.info.id,
    name: ws.info.name ?? ws.info.sysroot,
    store: ws.datastore.store,
    root: ws.datastore.root,
    deleter,
    azure: ws.azure?.service,
    softDelete: () => (azure ? deletePolicy(azure) : Promise.resolve(LOCAL_FOLDER)),
  };
}
