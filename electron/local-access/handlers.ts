import type { LocalChannel } from '../../shared/channels/local.js';
import { StratusError } from '../../shared/errors.js';
import type { HandlersFor } from '../ipc/router.js';
import type { ServiceContext } from '../service-context.js';
import { BROWSER_MODE_HINT } from './allowed-folders.js';

/** An open dialog shown by main (the desktop shell); undefined when the user cancelled it. */
export type ChooseLocal = (kind: 'folder' | 'file') => Promise<string | undefined>;

/** Front ends without a dialog in main (browser mode, the CLI). */
export const NO_DIALOG: ChooseLocal = () =>
  Promise.reject(new StratusError({ code: 'FORBIDDEN', message: 'A browser tab cannot open a dialog on the computer running Stratus.', hint: BROWSER_MODE_HINT }));

export function localHandlers({ localAccess, chooseLocal }: ServiceContext): HandlersFor<LocalChannel> {
  return {
    'local.choose': async ({ kind }) => {
      const chosen = await chooseLocal(kind);
      return { path: chosen === undefined ? null : await localAccess.grant(chosen) };
    },
    'local.granted': () => Promise.resolve({ paths: localAccess.list() }),
  };
}
