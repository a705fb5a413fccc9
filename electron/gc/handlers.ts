import path from 'node:path';
import type { GcChannel } from '../../shared/channels/gc.js';
import type { HandlersFor } from '../ipc/router.js';
import { allowTrackingUri } from '../local-access/workspace-paths.js';
import type { ServiceContext } from '../service-context.js';
import { GcService } from './gc-service.js';
import { gcWorkspace } from './gc-workspace.js';
import { GcJournal, JOURNAL_FILE } from './journal.js';

export function gcHandlers({ env, userDataDir, workspaces, events, localAccess }: ServiceContext): HandlersFor<GcChannel> {
  // The journal opens on first use, so sessions that never collect garbage never create gc.db.
  let service: GcService | undefined;
  const gc = () =>
    (service ??= new GcService(
      GcJournal.open(path.join(userDataDir, JOURNAL_FILE)),
      (id) => gcWorkspace(workspaces.get(id)),
      (progress) => events.emit('gc.progress', progress),
      env,
    ));
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
