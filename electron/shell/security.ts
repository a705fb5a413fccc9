import { app, session, type WebContents } from 'electron';
import { CARD_SCHEME } from '../metaflow/card-registry.js';
import { CONTENT_SECURITY_POLICY } from '../web/web-host.js';

// Electron security checklist, applied app-wide: no navigation, no new windows, no webviews,
// no permissions, and the same CSP as browser mode on every response but cards (their own, stricter one).

export function hardenApp(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    // Adding the app's policy to a card would add its frame-ancestors 'none' and stop the card being framed.
    if (details.url.startsWith(`${CARD_SCHEME}:`)) return callback({});
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}
