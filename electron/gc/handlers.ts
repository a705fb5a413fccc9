import type { GcChannel } from '../../shared/channels/gc.js';
import type { HandlersFor } from '../ipc/router.js';
import type { LocalAccess } from '../local-access/local-grants.js';
import { allowTrackingUri } from '../local-access/workspace-paths.js';
import type { GcService } from './gc-service.js';

/** `gc`: the service, its journal opened on first use (services.ts). */
export function gcHandlers({ gc, localAccess }: { gc: () => GcService; localAccess: LocalAccess }): HandlersFor<GcChannel> {
  return {
    'gc.plan': async (args) => {
      // gc deletes rows from the tracking database: it must be one the user chose.
      await allowTrackingUri(localAccess, args.trackingUri);
      return gc().plan(args);
    },
    'gc.execute': ({ planId, confirm }) => gc().execute(planId, confirm),
    'gc.history': () => Promise.resolve(gc().history()),
  };
}
