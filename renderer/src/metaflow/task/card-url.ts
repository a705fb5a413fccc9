/**
 * Where a card is served from. In Electron, the `stratus-card:` scheme (its own origin); in browser
 * mode, the host's `/cards/` path, outside the launch token's prefix so a card never learns the token. Either way the frame is sandboxed without allow-same-origin, so the
 * card's scripts run in an opaque origin that can reach neither the app nor its API.
 */
export function cardUrl(cardId: string): string {
  const id = encodeURIComponent(cardId);
  return window.stratus ? `stratus-card://card/${id}` : `/cards/${id}`;
}
