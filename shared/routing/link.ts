import { formatRoute, MAX_ROUTE_LENGTH, parseRoute, type Route } from './route.js';

// `stratus://w/<id>/metaflow/…` links: what "Copy link" gives in the desktop app, and what the
// shell receives from the OS (open-url, or a second instance's command line). The text after
// `stratus:/` is exactly a route's address, read by hand rather than by a URL parser, which would
// fold '.' segments and lower-case the first one as a host.

export const LINK_SCHEME = 'stratus';
const PREFIX = `${LINK_SCHEME}://`;

/** The `stratus://` link that opens a route. */
export function formatLink(route: Route): string {
  return `${LINK_SCHEME}:/${formatRoute(route)}`;
}

/**
 * The route a `stratus://` link opens, or undefined for anything else: another scheme, an address that
 * names no view, a fragment or credentials, or a link longer than any the app writes.
 */
export function parseLink(link: string): Route | undefined {
  if (typeof link !== 'string' || link.length > MAX_ROUTE_LENGTH + PREFIX.length) return undefined;
  if (link.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return undefined;
  const address = `/${link.slice(PREFIX.length)}`;
  if (address.includes('#')) return undefined;
  const route = parseRoute(address);
  return route.name === 'notFound' ? undefined : route;
}

/** The first `stratus://` link among a process's command-line arguments (how Windows and Linux pass one). */
export function linkInArguments(argv: readonly string[]): Route | undefined {
  for (const arg of argv) {
    const route = parseLink(arg);
    if (route !== undefined) return route;
  }
  return undefined;
}
