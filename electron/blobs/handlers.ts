import type { BlobsChannel } from '../../shared/channels/blobs.js';
import type { HandlersFor } from '../ipc/router.js';
import type { WorkspaceRegistry } from '../workspace/workspace-registry.js';
import { deleteBlobs } from './blob-delete.js';
import { listContainers, listLevel } from './blob-listing.js';
import { previewBlob } from './blob-preview.js';
import { deletePolicy } from '../azure/delete-policy.js';
import { blobProperties } from './blob-properties.js';
import { searchBlobs } from './blob-search.js';
import { setBlobTier } from './blob-tier.js';

export function blobsHandlers({ workspaces }: { workspaces: WorkspaceRegistry }): HandlersFor<BlobsChannel> {
  return {
    'blobs.containers': ({ workspaceId }) => listContainers(workspaces.azure(workspaceId)),
    'blobs.list': ({ workspaceId, container, prefix, pageToken }) => listLevel(workspaces.azure(workspaceId), container, prefix, pageToken),
    'blobs.properties': ({ workspaceId, container, blob }) => blobProperties(workspaces.azure(workspaceId), container, blob),
    'blobs.preview': ({ workspaceId, container, blob }) => previewBlob(workspaces.azure(workspaceId), container, blob),
    'blobs.deletePolicy': ({ workspaceId }) => deletePolicy(workspaces.azure(workspaceId)),
    'blobs.delete': (request) => deleteBlobs(workspaces.azure(request.workspaceId), request),
    'blobs.setTier': (request) => setBlobTier(workspaces.azure(request.workspaceId), request),
    'blobs.search': (request) => searchBlobs(workspaces.azure(request.workspaceId), request),
  };
}
