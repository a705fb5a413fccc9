import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Browser mode listens on loopback, but any web page the user visits can send requests to it.
// A request is served only with the per-launch token and with our own Host (DNS rebinding) and
// Origin (cross-site requests and WebSockets).

export const TOKEN_COOKIE = 'stratus_token';

export interface Guard {
  /** The request's token source: the URL query or the cookie set when the page was first opened. */
  tokenIn(req: IncomingMessage): 'query' | 'cookie' | undefined;
  hostAllowed(req: IncomingMessage): boolean;
  /** An absent Origin is allowed only where browsers never send one for cross-site requests (GETs of pages). */
  originAllowed(req: IncomingMessage, required: boolean): boolean;
}

function sameToken(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function createGuard(token: string, port: number): Guard {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  return {
    tokenIn(req) {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? undefined;
      if (sameToken(query, token)) return 'query';
      if (sameToken(cookieValue(req.headers.cookie, TOKEN_COOKIE), token)) return 'cookie';
      return undefined;
    },
    hostAllowed: (req) => req.headers.host !== undefined && hosts.has(req.headers.host),
    originAllowed(req, required) {
      const origin = req.headers.origin;
      if (origin === undefined) return !required;
      return origins.has(origin);
    },
  };
}
