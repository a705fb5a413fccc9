import type { LocalChannel } from '../../shared/channels/local.js';
import type { HandlersFor } from '../ipc/router.js';
import type { ChooseLocal } from './choose-local.js';
import type { LocalAccess } from './local-grants.js';

export function localHandlers({ localAccess, chooseLocal }: { localAccess: LocalAccess; chooseLocal: ChooseLocal }): HandlersFor<LocalChannel> {
  return {
    'local.choose': async ({ kind }) => {
      const chosen = await chooseLocal(kind);
      return { path: chosen === undefined ? null : await localAccess.grant(chosen) };
    },
    'local.granted': () => Promise.resolve({ paths: localAccess.list() }),
  };
}
