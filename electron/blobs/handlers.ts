import type { BlobsChannel } from '../../shared/channels/blobs.js';
import type { HandlersFor } from '../ipc/router.js';
import type { ServiceContext } from '../service-context.js';
import { azureOf, listContainers, listLevel } from './blob-listing.js';

export function blobsHandlers({ workspaces }: ServiceContext): HandlersFor<BlobsChannel> {
  return {
    'blobs.containers': ({ workspaceId }) => listContainers(azureOf(workspaces.get(workspaceId))),
    'blobs.list': ({ workspaceId, container, prefix, pageToken }) =>
      listLevel(azureOf(workspaces.get(workspaceId)), container, prefix, pageToken),
  };
}
