import { protocol } from 'electron';
import { RENDERER_DIR } from '../paths.js';
import { APP_SCHEME, appResponse } from '../desktop/app-scheme.js';
import { cardResponse } from '../desktop/card-scheme.js';
import { CARD_SCHEME, type CardRegistry } from '../metaflow/card-registry.js';

// The window's two schemes: app:// for the renderer, stratus-card:// for cards (electron/desktop/ decides
// what each answers). Standard and secure: real origins, relative URLs and CSP enforcement; nothing else
// (no fetch, CORS or service workers).

/** Must run before the app is ready, once for both schemes. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true } },
    { scheme: CARD_SCHEME, privileges: { standard: true, secure: true } },
  ]);
}

/** After ready. */
export function serveSchemes(cards: CardRegistry): void {
  protocol.handle(APP_SCHEME, (request) => appResponse(request, RENDERER_DIR));
  protocol.handle(CARD_SCHEME, (request) => cardResponse(request, cards));
}
