import type { MlflowUsageChannel } from '../../../shared/channels/mlflow-usage.js';
import type { HandlersFor } from '../../ipc/router.js';
import type { MlflowUsageService } from './usage-service.js';

export function mlflowUsageHandlers({ usage }: { usage: MlflowUsageService }): HandlersFor<MlflowUsageChannel> {
  return {
    'mlflow.usage': ({ workspaceId, rescan }) => usage.usage(workspaceId, rescan === true),
  };
}
