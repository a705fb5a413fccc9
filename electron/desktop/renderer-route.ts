import { formatRoute, type Route } from '../../shared/routing/route.js';
import { RENDERER_URL } from './app-scheme.js';

// The window's page keeps its route in the URL's hash (renderer/src/routing/history.ts), so the
// page's URL is RENDERER_URL with or without a fragment; nothing else is the app's page.

/** Whether a frame shows the app's page (at any route): main trusts IPC only from it. */
export function isRendererUrl(url: string | undefined): boolean {
  if (url === undefined) return false;
  return url === RENDERER_URL || url.startsWith(`${RENDERER_URL}#`);
}

/** The page's URL opened at a route (the route a `stratus://` link named when the app started). */
export function rendererUrlFor(route: Route | undefined): string {
  return route === undefined ? RENDERER_URL : `${RENDERER_URL}#${formatRoute(route)}`;
}
