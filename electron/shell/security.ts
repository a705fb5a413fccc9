import { app, session, type WebContents } from 'electron';
import { frameNavigationAllowed } from '../desktop/frame-navigation.js';
import { NO_NETWORK_PROXY, WEBRTC_IP_HANDLING_POLICY } from '../desktop/network-lockdown.js';
import { CARD_SCHEME } from '../metaflow/card-registry.js';
import { CONTENT_SECURITY_POLICY } from '../web/web-host.js';

// Electron security checklist, applied app-wide: no navigation of the page, frames only to cards, no new
// windows, no webviews, no permissions, no network for the window (WebRTC included), and the same CSP as
// browser mode on every response but cards (their own, stricter one).

/** Before the app is ready: Chromium's own WebRTC policy for every renderer. */
export function hardenCommandLine(): void {
  app.commandLine.appendSwitch('force-webrtc-ip-handling-policy', WEBRTC_IP_HANDLING_POLICY);
}

/** After ready, before the window opens. */
export async function hardenApp(): Promise<void> {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWebRTCIPHandlingPolicy(WEBRTC_IP_HANDLING_POLICY);
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-frame-navigate', (details) => {
      if (!frameNavigationAllowed(details.url, details.isMainFrame)) details.preventDefault();
    });
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
  await session.defaultSession.setProxy(NO_NETWORK_PROXY);
}
