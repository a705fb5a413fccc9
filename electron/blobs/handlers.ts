import type { BlobsChannel } from '../../shared/channels/blobs.js';
import type { HandlersFor } from '../ipc/router.js';
import type { WorkspaceRegistry } from '../workspace/workspace-registry.js';
import { listContainers, listLevel } from './blob-listing.js';

export function blobsHandlers({ workspaces }: { workspaces: WorkspaceRegistry }): HandlersFor<BlobsChannel> {
  return {
    'blobs.containers': ({ workspaceId }) => listContainers(workspaces.azure(workspaceId)),
    'blobs.list': ({ workspaceId, container, prefix, pageToken }) => listLevel(workspaces.azure(workspaceId), container, prefix, pageToken),
  };
}
