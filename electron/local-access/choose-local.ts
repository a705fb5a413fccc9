import { StratusError } from '../../shared/errors.js';
import { BROWSER_MODE_HINT } from './allowed-folders.js';

/** An open dialog shown by main (the desktop shell); undefined when the user cancelled it. */
export type ChooseLocal = (kind: 'folder' | 'file') => Promise<string | undefined>;

/** Front ends without a dialog in main (browser mode, the CLI). */
export const NO_DIALOG: ChooseLocal = () =>
  Promise.reject(new StratusError({ code: 'FORBIDDEN', message: 'A browser tab cannot open a dialog on the computer running Stratus.', hint: BROWSER_MODE_HINT }));
