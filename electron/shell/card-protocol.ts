import { protocol } from 'electron';
import { CARD_SCHEME, cardHeaders, type CardRegistry } from '../metaflow/card-registry.js';
import { RENDERER_URL } from './window.js';

// Cards in the desktop window: `stratus-card://card/<id>` serves the registry's HTML with the same
// sandbox policy as browser mode's `/cards/<id>`. A scheme of its own keeps cards off the app's
// file: origin; the policy makes each card an opaque origin with no network and no IPC (the preload
// runs only in the main frame, and ipc-main refuses other frames).

const CARD_HOST = 'card';

/** Must run before the app is ready: a standard, secure scheme gets real origins and CSP enforcement. */
export function registerCardScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: CARD_SCHEME, privileges: { standard: true, secure: true } }]);
}

/** After ready. `frame-ancestors 'self'` alone would name stratus-card://card; the window's page is a file: URL. */
export function serveCards(cards: CardRegistry): void {
  const headers = cardHeaders(`'self' ${new URL(RENDERER_URL).protocol}`);
  protocol.handle(CARD_SCHEME, (request) => {
    const url = new URL(request.url);
    const html = request.method === 'GET' && url.host === CARD_HOST ? cards.get(url.pathname.slice(1)) : undefined;
    if (html === undefined) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    return new Response(html, { headers });
  });
}
