import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { toErrorShape } from '../ipc/router.js';
import { CARD_PATH, CARD_SCHEME, serveCardHtml, type CardRegistry } from '../metaflow/card-registry.js';
import type { Services } from '../services.js';
import { createGuard, TOKEN_COOKIE, type Guard } from './request-guard.js';
import { readStaticFile } from './static-files.js';
import { createUploadRoute, UPLOAD_PATH, type UploadRoute } from './upload-route.js';

// Browser mode: the built renderer and the IPC contract (over a WebSocket) served on loopback,
// to the same services the Electron window uses.

// Frames only for cards: `/cards/<id>` here, the card scheme in Electron (each sandboxed by its own policy).
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  `frame-src 'self' ${CARD_SCHEME}:; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'`;

/** Largest WebSocket message accepted; contract schemas bound every field far below this. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface WebHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface WebHostOptions {
  services: Services;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  port?: number;
  /** Cards opened through `metaflow.card`, served at `/cards/<id>`. */
  cards?: CardRegistry;
}

function forbid(res: ServerResponse): void {
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('Forbidden');
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
}

/** A card, under its own sandbox policy; never the app's headers or its cookie. */
function serveCard(req: IncomingMessage, res: ServerResponse, cards: CardRegistry | undefined, id: string): void {
  const html = cards?.get(id);
  if (html === undefined) return notFound(res);
  const card = serveCardHtml(html);
  res.writeHead(200, card.headers).end(req.method === 'HEAD' ? undefined : card.body);
}

async function serveHttp(req: IncomingMessage, res: ServerResponse, guard: Guard, options: WebHostOptions, token: string, uploads: UploadRoute) {
  const tokenSource = guard.tokenIn(req);
  if (!guard.hostAllowed(req) || !guard.originAllowed(req, false) || tokenSource === undefined) return forbid(res);
  const url = new URL(req.url ?? '/', 'http://localhost');
  // A write: only from our own page, which always sends its Origin with a PUT.
  if (url.pathname === UPLOAD_PATH) return guard.originAllowed(req, true) ? uploads.handle(req, res, url) : forbid(res);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const pathname = url.pathname;
  if (pathname.startsWith(CARD_PATH)) return serveCard(req, res, options.cards, pathname.slice(CARD_PATH.length));
  const file = await readStaticFile(options.staticDir, pathname);
  if (!file) return notFound(res);
  const headers: Record<string, string> = {
    'content-type': file.contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
  // The page's own asset requests carry no token in their URL: a strict, HTTP-only cookie authenticates them.
  if (tokenSource === 'query') headers['set-cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
  res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : file.body);
}

interface CallMessage {
  id: number;
  channel: unknown;
  args: unknown;
}

function parseCall(data: string): CallMessage | undefined {
  try {
    const message: unknown = JSON.parse(data);
    if (typeof message !== 'object' || message === null) return undefined;
    const { id, channel, args } = message as Record<string, unknown>;
    return typeof id === 'number' && Number.isSafeInteger(id) ? { id, channel, args } : undefined;
  } catch {
    return undefined;
  }
}

function serveSocket(socket: WebSocket, services: Services): void {
  const unsubscribe = services.events.subscribe((event, payload) => socket.send(JSON.stringify({ event, payload })));
  socket.on('close', unsubscribe);
  socket.on('message', async (data, isBinary) => {
    const call = isBinary ? undefined : parseCall(data.toString());
    if (!call) {
      socket.close(1008, 'Malformed message');
      return;
    }
    const reply = await services.router
      .dispatch(call.channel, call.args)
      .catch((err: unknown) => ({ ok: false as const, error: toErrorShape(err) }));
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ id: call.id, reply }));
  });
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { services, port = 0 } = options;
  const token = randomBytes(24).toString('base64url');
  const uploads = await createUploadRoute(services);
  // Uploads stream whole files: no overall request deadline (headers still have theirs, and
  // nothing reaches a route before the token, Host and Origin checks).
  const server = createServer({ requestTimeout: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  // Requests are handled only once the port, and so the allowed Host and Origin, is known.
  const actualPort = (server.address() as AddressInfo).port;
  const guard = createGuard(token, actualPort);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    serveHttp(req, res, guard, options, token, uploads).catch(() => res.destroy());
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/ws' || !guard.hostAllowed(req) || !guard.originAllowed(req, true) || !guard.tokenIn(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, services));
  });
  return {
    url: `http://127.0.0.1:${actualPort}/?token=${token}`,
    port: actualPort,
    close: async () => {
      uploads.close();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
