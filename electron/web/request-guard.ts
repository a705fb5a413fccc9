import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Browser mode listens on loopback, but any web page the user visits can send requests to it.
// A request is served only under the per-launch path prefix `/<token>/` and with our own Host
// (DNS rebinding) and Origin (cross-site requests and WebSockets). The token rides in the path,
// never in a cookie: browsers send a 127.0.0.1 cookie to every port, so any other local server
// would receive it, and a second Stratus host would overwrite the first one's.

export interface Guard {
  /**
   * The request's path under the launch prefix (`/<token>/x` gives `/x`, `/<token>` gives ''), or
   * undefined when the path does not start with the token.
   */
  underPrefix(pathname: string): string | undefined;
  hostAllowed(req: IncomingMessage): boolean;
  /** An absent Origin is allowed only where browsers never send one for cross-site requests (GETs of pages). */
  originAllowed(req: IncomingMessage, required: boolean): boolean;
}

function sameToken(candidate: string, token: string): boolean {
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request target as a URL, or undefined unless it is a plain path (no `*`, no absolute or authority form). */
export function requestUrl(req: IncomingMessage): URL | undefined {
  const target = req.url ?? '';
  // Prefixing the origin keeps a path like `//evil/x` a path rather than a host.
  return target.startsWith('/') ? new URL(`http://localhost${target}`) : undefined;
}

export function createGuard(token: string, port: number): Guard {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  return {
    underPrefix(pathname) {
      const end = pathname.indexOf('/', 1);
      const first = end === -1 ? pathname.slice(1) : pathname.slice(1, end);
      if (!sameToken(first, token)) return undefined;
      return end === -1 ? '' : pathname.slice(end);
    },
    hostAllowed: (req) => req.headers.host !== undefined && hosts.has(req.headers.host),
    originAllowed(req, required) {
      const origin = req.headers.origin;
      if (origin === undefined) return !required;
      return origins.has(origin);
    },
  };
}
