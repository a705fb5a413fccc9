import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { StratusError } from '../../shared/errors.js';
import { BrowserDownloadRequest, DOWNLOAD_PATH, type DownloadTicket } from '../../shared/schemas/browser-download.js';
import type { AzureAccess } from '../azure/azure-access.js';
import { toAzureError } from '../azure/errors.js';
import { toErrorShape } from '../ipc/router.js';
import type { Services } from '../services.js';
import { answerJson, statusOf } from './json-reply.js';

// Browser mode's downloads (see shared/schemas/browser-download.ts). The ticket request resolves the
// selection (folders expanded, each blob's existence checked), so whatever can fail before a byte
// is sent is answered to the page as a message; the ticket then streams it: one blob as it is, or
// a zip (yazl, stored without compression: data files are mostly compressed already, and a zip
// must not make the download CPU-bound) whose entries are named relative to the level the
// selection was made in. web-host.ts has already checked the token and our Host (and our Origin for the POST).

const TICKET_MS = 60_000;
/** The JSON of a ticket request: 1,000 names of 1,024 characters fit. */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
/** Blobs in one zip; past that the desktop app's download to a folder is the way. */
export const MAX_ZIP_BLOBS = 100_000;

interface Entry {
  name: string;
  /** Path inside the zip. */
  path: string;
}

interface Ticket {
  azure: AzureAccess;
  container: string;
  fileName: string;
  entries: Entry[];
  /** One blob sent as it is rather than zipped. */
  single: boolean;
  expires: number;
}

function refuse(res: ServerResponse, err: unknown): void {
  const shape = toErrorShape(err);
  answerJson(res, statusOf(shape), { error: shape });
}

/** A file name any OS accepts: no separators, controls or reserved characters, not empty. */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_').replace(/^[.\s]+|[.\s]+$/g, '');
  return cleaned === '' ? 'download' : cleaned.slice(0, 200);
}

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function leaf(name: string): string {
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'The download request is too large.' });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'The download request is not JSON.' });
  }
}

/** The selection as the blobs it stands for; a named blob that does not exist is refused now, not mid-zip. */
async function resolveEntries(azure: AzureAccess, request: BrowserDownloadRequest): Promise<Entry[]> {
  const { container, base, names } = request;
  const client = azure.service.getContainerClient(container);
  const relative = (name: string) => (name.startsWith(base) ? name.slice(base.length) : name);
  const entries: Entry[] = [];
  const add = (name: string) => {
    if (entries.length >= MAX_ZIP_BLOBS) {
      throw new StratusError({
        code: 'TOO_LARGE',
        message: `The selection holds more than ${MAX_ZIP_BLOBS.toLocaleString('en-US')} blobs, too many for one zip in the browser.`,
        hint: 'Select fewer folders, or use the desktop app (or `stratus` on the command line) to download them to a folder.',
      });
    }
    entries.push({ name, path: relative(name) });
  };
  try {
    for (const name of names) {
      if (name.endsWith('/')) {
        for await (const blob of client.listBlobsFlat({ prefix: name })) add(blob.name);
      } else if (await client.getBlobClient(name).exists()) {
        add(name);
      } else {
        throw new StratusError({ code: 'NOT_FOUND', message: `"${name}" is no longer in container "${container}"; refresh the listing.` });
      }
    }
  } catch (err) {
    throw err instanceof StratusError ? err : toAzureError(err, { action: `reading the selection in "${container}"`, endpoint: azure.endpoint, container, auth: azure.auth });
  }
  return entries;
}

export interface DownloadRoute {
  /** POST: a selection → a ticket. */
  ticket(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** GET ?ticket=: the bytes. */
  send(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export function createDownloadRoute(services: Services): DownloadRoute {
  const tickets = new Map<string, Ticket>();
  const sweep = () => {
    const now = Date.now();
    for (const [id, t] of tickets) if (t.expires < now) tickets.delete(id);
  };

  async function ticket(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', connection: 'close' }).end();
      return;
    }
    try {
      const parsed = BrowserDownloadRequest.safeParse(await readJson(req));
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'request'}: ${i.message}`);
        throw new StratusError({ code: 'INVALID_ARGUMENT', message: `Invalid download: ${issues.join('; ')}`.slice(0, 2000) });
      }
      const request = parsed.data;
      const azure = services.workspaces.azure(request.workspaceId);
      const entries = await resolveEntries(azure, request);
      if (entries.length === 0) throw new StratusError({ code: 'NOT_FOUND', message: 'The selected folders hold no blobs; there is nothing to download.' });
      const single = request.names.length === 1 && !request.names[0].endsWith('/');
      const zipName = request.names.length === 1 ? leaf(request.names[0]) : leaf(request.base) || request.container;
      const fileName = safeFileName(single ? leaf(entries[0].name) : `${zipName}.zip`);
      sweep();
      const id = randomBytes(18).toString('base64url');
      tickets.set(id, { azure, container: request.container, fileName, entries, single, expires: Date.now() + TICKET_MS });
      const body: DownloadTicket = { url: `.${DOWNLOAD_PATH}?ticket=${id}`, fileName, blobs: entries.length };
      answerJson(res, 200, body);
    } catch (err) {
      refuse(res, err);
    }
  }

  async function send(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    sweep();
    const id = url.searchParams.get('ticket') ?? '';
    const t = tickets.get(id);
    if (t === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('This download link has expired or was used; start the download again in Stratus.');
      return;
    }
    tickets.delete(id);
    const client = t.azure.service.getContainerClient(t.container);
    const headers = { 'content-disposition': contentDisposition(t.fileName), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (t.single) {
      let response;
      try {
        response = await client.getBlobClient(t.entries[0].name).download();
      } catch (err) {
        refuse(res, toAzureError(err, { action: `downloading "${t.entries[0].name}"`, endpoint: t.azure.endpoint, container: t.container, auth: t.azure.auth }));
        return;
      }
      // Never the blob's own content type: the page's origin must not render what a blob holds.
      res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(response.contentLength ?? 0) });
      await pipeline(response.readableStreamBody ?? [], res).catch(() => res.destroy());
      return;
    }
    const zip = new ZipFile();
    for (const entry of t.entries) {
      zip.addReadStreamLazy(entry.path, { compress: false }, (done) => {
        client
          .getBlobClient(entry.name)
          .download()
          .then((r) => (r.readableStreamBody ? done(null, r.readableStreamBody) : done(new Error(`"${entry.name}" has no body`), Readable.from([]))))
          .catch((err: unknown) => done(err, Readable.from([])));
      });
    }
    zip.end();
    res.writeHead(200, { ...headers, 'content-type': 'application/zip' });
    // A blob failing mid-zip cuts the download: the browser shows it failed rather than saving a broken zip as done.
    zip.on('error', () => res.destroy());
    await pipeline(zip.outputStream, res).catch(() => res.destroy());
  }

  return { ticket, send };
}
