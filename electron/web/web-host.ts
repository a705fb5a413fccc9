import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { toErrorShape } from '../ipc/router.js';
import { CARD_PATH, CARD_SCHEME, serveCardHtml, type CardRegistry } from '../metaflow/card-registry.js';
import type { Services } from '../services.js';
import { MAX_MESSAGE_BYTES } from '../../shared/message-size.js';
import { DOWNLOAD_PATH, DOWNLOAD_TICKET_PATH } from '../../shared/schemas/browser-download.js';
import { UPLOAD_PATH } from '../../shared/schemas/upload.js';
import { createDownloadRoute, type DownloadRoute } from './download-route.js';
import { createGuard, requestUrl, type Guard } from './request-guard.js';
import { readStaticFile } from './static-files.js';
import { createUploadRoute, type UploadRoute } from './upload-route.js';

// Browser mode: the built renderer and the IPC contract (over a WebSocket) served on loopback,
// to the same services the Electron window uses.

// Frames only for cards: `/cards/<id>` here, the card scheme in Electron (each sandboxed by its own policy).
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  `frame-src 'self' ${CARD_SCHEME}:; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'`;

/** Connections of a browser on loopback: slow ones are cut off rather than left to hold the host's files. */
export interface WebHostTimeouts {
  /** A request's headers must all arrive within this. */
  headersMs: number;
  /** A connection with no bytes moving either way for this long is closed (an upload in progress keeps it alive). */
  idleMs: number;
}

const DEFAULT_TIMEOUTS: WebHostTimeouts = { headersMs: 20_000, idleMs: 60_000 };

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
  timeouts?: Partial<WebHostTimeouts>;
}

function forbid(res: ServerResponse): void {
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('Forbidden');
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
}

/**
 * A card, under its own sandbox policy; never the app's headers. Served outside the token's prefix,
 * its 128-bit random id the only key, so a card's own address never holds the launch token.
 */
function serveCard(req: IncomingMessage, res: ServerResponse, cards: CardRegistry | undefined, id: string): void {
  const html = cards?.get(id);
  if (html === undefined) return notFound(res);
  const card = serveCardHtml(html);
  res.writeHead(200, card.headers).end(req.method === 'HEAD' ? undefined : card.body);
}

function methodAllowed(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  res.writeHead(405, { allow: 'GET, HEAD' }).end();
  return false;
}

interface Routes {
  uploads: UploadRoute;
  downloads: DownloadRoute;
}

async function serveHttp(req: IncomingMessage, res: ServerResponse, guard: Guard, options: WebHostOptions, { uploads, downloads }: Routes) {
  const url = requestUrl(req);
  if (url === undefined || !guard.hostAllowed(req) || !guard.originAllowed(req, false)) return forbid(res);
  if (url.pathname.startsWith(CARD_PATH)) {
    if (methodAllowed(req, res)) serveCard(req, res, options.cards, url.pathname.slice(CARD_PATH.length));
    return;
  }
  const pathname = guard.underPrefix(url.pathname);
  if (pathname === undefined) return forbid(res);
  // The page's assets are relative to its address, which must end with the prefix's slash.
  if (pathname === '') {
    res.writeHead(308, { location: `${url.pathname}/${url.search}`, 'cache-control': 'no-store' }).end();
    return;
  }
  // A write: only from our own page, which always sends its Origin with a PUT.
  if (pathname === UPLOAD_PATH) return guard.originAllowed(req, true) ? uploads.handle(req, res, url) : forbid(res);
  // Naming what to download is a POST from our page; the download itself is the browser navigating to the ticket.
  if (pathname === DOWNLOAD_TICKET_PATH) return guard.originAllowed(req, true) ? downloads.ticket(req, res) : forbid(res);
  if (pathname === DOWNLOAD_PATH) return downloads.send(req, res, url);
  if (!methodAllowed(req, res)) return;
  const file = await readStaticFile(options.staticDir, pathname);
  if (!file) return notFound(res);
  res
    .writeHead(200, {
      'content-type': file.contentType,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    })
    .end(req.method === 'HEAD' ? undefined : file.body);
}

/** The WebSocket's path under the launch prefix. */
const SOCKET_PATH = '/ws';

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
  // A frame that breaks the protocol (or a message over the limit) fails this socket only: ws has
  // already begun closing it with the matching code (1002, 1007, 1009); an unheard 'error' would end the host.
  socket.on('error', () => undefined);
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
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const uploads = await createUploadRoute(services);
  const downloads = createDownloadRoute(services);
  // Uploads stream whole files: no overall request deadline, but headers have theirs and a
  // connection where nothing moves is closed (its staged file then removed by the upload route).
  const server = createServer({
    requestTimeout: 0,
    headersTimeout: timeouts.headersMs,
    // How often Node looks for requests past their header deadline.
    connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
  });
  server.setTimeout(timeouts.idleMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  // Requests are handled only once the port, and so the allowed Host and Origin, is known.
  const actualPort = (server.address() as AddressInfo).port;
  const guard = createGuard(token, actualPort);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    serveHttp(req, res, guard, options, { uploads, downloads }).catch(() => res.destroy());
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node leaves an upgraded socket without an error listener; a client resetting it must not end the host.
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req);
    const path = url === undefined ? undefined : guard.underPrefix(url.pathname);
    if (path !== SOCKET_PATH || !guard.hostAllowed(req) || !guard.originAllowed(req, true)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, services));
  });
  return {
    url: `http://127.0.0.1:${actualPort}/${token}/`,
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
