import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { contentDisposition, safeFileName } from '../../electron/web/download-route.js';
import type { WebHost } from '../../electron/web/web-host.js';
import type { DownloadTicket } from '../../shared/schemas/browser-download.js';
import { startUploadHost, type UploadHost } from '../harness/upload-host.js';

// Browser mode's downloads: the page asks for a ticket (POST from our Origin), then the browser
// fetches it. One blob comes as it is with a safe Content-Disposition and never its own content
// type; several, or a folder, come as one zip named relative to the level they were selected in.
// A ticket works once; a missing blob is refused with a message before any download starts.

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
const container = `dl-${randomUUID().slice(0, 8)}`;

let upload: UploadHost;
let host: WebHost;
let workspaceId: string;
let containerClient: ContainerClient;
let prefix: string;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const own = () => ({ host: `127.0.0.1:${host.port}`, origin: `http://127.0.0.1:${host.port}` });

async function ticket(names: string[], base = ''): Promise<Answer> {
  const body = JSON.stringify({ workspaceId, container, base, names });
  return send('POST', `${prefix}download-ticket`, { ...own(), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }, body);
}

async function fetchTicket(answer: Answer): Promise<Answer> {
  expect(answer.status, answer.body.toString()).toBe(200);
  const t = JSON.parse(answer.body.toString()) as DownloadTicket;
  // What a browser sends when it follows a link: our Host, no Origin.
  return send('GET', `${prefix}${t.url.replace(/^\.\//, '')}`, { host: own().host });
}

/** The stored entries of a zip written without compression: name → bytes, read from its local headers. */
function storedEntries(zip: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const flags = zip.readUInt16LE(at + 6);
    const nameLength = zip.readUInt16LE(at + 26);
    const extraLength = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extraLength;
    // Streamed entries put their sizes in a data descriptor after the data: find the next header.
    let end = zip.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]), start);
    if ((flags & 0x08) === 0 || end === -1) end = start + zip.readUInt32LE(at + 18);
    entries.set(name, zip.subarray(start, end));
    at = end + ((flags & 0x08) !== 0 ? 16 : 0);
  }
  return entries;
}

beforeAll(async () => {
  upload = await startUploadHost({ container, connectionString, endpoint });
  ({ host, workspaceId, containerClient } = upload);
  prefix = new URL(host.url).pathname;
}, 60_000);

afterAll(() => upload?.stop());

describe('browser downloads', () => {
  it('sends one blob as it is, as an attachment with its own name and never its content type', async () => {
    const body = randomBytes(200_000);
    await containerClient.getBlockBlobClient('runs/report é.html').upload(body, body.length, { blobHTTPHeaders: { blobContentType: 'text/html' } });
    const answer = await fetchTicket(await ticket(['runs/report é.html'], 'runs/'));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expect(answer.headers['content-disposition']).toBe(`attachment; filename="report _.html"; filename*=UTF-8''report%20%C3%A9.html`);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.body.equals(body)).toBe(true);
  });

  it('sends several blobs and a folder as one zip, named relative to the level they were picked in', async () => {
    await containerClient.getBlockBlobClient('exp/a.txt').upload('alpha', 5);
    await containerClient.getBlockBlobClient('exp/models/m1/w.bin').upload('weights-1', 9);
    await containerClient.getBlockBlobClient('exp/models/m2/w.bin').upload('weights-2', 9);
    const answer = await ticket(['exp/a.txt', 'exp/models/'], 'exp/');
    expect(JSON.parse(answer.body.toString())).toMatchObject({ fileName: 'exp.zip', blobs: 3 });
    const zip = await fetchTicket(answer);
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(zip.headers['content-disposition']).toContain('filename="exp.zip"');
    const entries = storedEntries(zip.body);
    expect([...entries.keys()].sort()).toEqual(['a.txt', 'models/m1/w.bin', 'models/m2/w.bin']);
    expect(entries.get('models/m2/w.bin')?.toString()).toBe('weights-2');
  });

  it('lets a ticket be used once', async () => {
    await containerClient.getBlockBlobClient('once.txt').upload('x', 1);
    const answer = await ticket(['once.txt']);
    expect((await fetchTicket(answer)).status).toBe(200);
    const again = await fetchTicket(answer);
    expect(again.status).toBe(404);
    expect(again.body.toString()).toMatch(/expired or was used; start the download again/);
  });

  it('refuses a blob that is not there with a message, before any download starts', async () => {
    const answer = await ticket(['gone/nothing.txt']);
    expect(answer.status).toBe(404);
    const { error } = JSON.parse(answer.body.toString()) as { error: { message: string } };
    expect(error.message).toBe(`"gone/nothing.txt" is no longer in container "${container}"; refresh the listing.`);
  });

  it('refuses a ticket request without our Origin or the launch token, and invalid names', async () => {
    const body = JSON.stringify({ workspaceId, container, base: '', names: ['once.txt'] });
    const headers = { host: own().host, 'content-length': String(body.length) };
    expect((await send('POST', `${prefix}download-ticket`, headers, body)).status).toBe(403);
    expect((await send('POST', `${prefix}download-ticket`, { ...headers, origin: 'http://evil.example' }, body)).status).toBe(403);
    expect((await send('POST', '/download-ticket', { ...own(), 'content-length': String(body.length) }, body)).status).toBe(403);
    const escape = await ticket(['../etc/passwd']);
    expect(escape.status).toBe(400);
    expect(escape.body.toString()).toContain('must not have empty');
  });

  it('makes file names safe for any OS', () => {
    expect(safeFileName('a/b\\c:d*?.txt')).toBe('a_b_c_d__.txt');
    expect(safeFileName('..')).toBe('download');
    expect(contentDisposition('x"y.csv')).toBe(`attachment; filename="x_y.csv"; filename*=UTF-8''x%22y.csv`);
  });
});
