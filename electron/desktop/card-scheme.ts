import { CARD_HOST, CARD_SCHEME, serveCardHtml, type CardRegistry } from '../metaflow/card-registry.js';
import { APP_ORIGIN } from './app-scheme.js';

// Cards in the desktop window: `stratus-card://card/<id>` serves the registry's HTML with the same
// guard and sandbox policy as browser mode's `/cards/<id>`. A scheme of its own keeps cards off the
// app's origin; only the app's page may frame them.

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

export function cardResponse(request: Request, cards: CardRegistry): Response {
  const url = new URL(request.url);
  const html = request.method === 'GET' && url.protocol === `${CARD_SCHEME}:` && url.host === CARD_HOST ? cards.get(url.pathname.slice(1)) : undefined;
  if (html === undefined) return new Response('Not found', { status: 404, headers: TEXT });
  const card = serveCardHtml(html, APP_ORIGIN);
  return new Response(card.body, { headers: card.headers });
}
