import { CARD_HOST, CARD_ID, CARD_SCHEME } from '../metaflow/card-registry.js';

// The window's page is loaded by main and never navigates; its only frames are cards. A frame may
// therefore navigate only to a card URL: a card that tries to go anywhere else (a web page carrying
// its data, a data: or srcdoc document of its own) is stopped.

/** Whether a navigation of the window's frames may go ahead (Electron's `will-frame-navigate`). */
export function frameNavigationAllowed(url: string, isMainFrame: boolean): boolean {
  if (isMainFrame) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${CARD_SCHEME}:` &&
    parsed.host === CARD_HOST &&
    CARD_ID.test(parsed.pathname.slice(1)) &&
    parsed.search === '' &&
    parsed.hash === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
