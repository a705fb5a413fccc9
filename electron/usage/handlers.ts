import type { UsageChannel } from '../../shared/channels/usage.js';
import type { HandlersFor } from '../ipc/router.js';
import type { UsageService } from './metaflow/usage-service.js';

export function usageHandlers({ usage }: { usage: UsageService }): HandlersFor<UsageChannel> {
  return {
    'usage.metaflowBuild': ({ workspaceId }) => usage.build(workspaceId),
    'usage.metaflow': (args) => usage.table(args),
    'usage.metaflowGcFree': ({ workspaceId }) => usage.gcFree(workspaceId),
    'usage.setRunTier': (args) => usage.setRunTier(args),
  };
}
