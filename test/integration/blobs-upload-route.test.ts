import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { STAGING_FOLDER } from '../../electron/web/upload-route.js';
import { startWebHost, type WebHost } from '../../electron/web/web-host.js';
import { startUploadHost, type UploadHost } from '../harness/upload-host.js';

// Browser mode's upload route: a dropped file's bytes, PUT to the host that served the page, land
// as a blob through the transfer engine, and the staged copy is deleted once the job is finished.
// Like every other request it needs the launch token, our Host and our Origin; names that would
// leave the prefix are refused before a byte is stored.

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
const container = `drop-${randomUUID().slice(0, 8)}`;

let services: Services;
let host: WebHost;
let userDataDir: string;
let workspaceId: string;
let prefix: string;
let containerClient: ContainerClient;
let upload: UploadHost | undefined;

interface Answer {
  status: number;
  body: string;
}

function send(method: string, pathAndQuery: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path: pathAndQuery, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // A refused upload is answered before its body is read, and the connection closed.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
    req.end(body);
  });
}

const own = () => ({ host: `127.0.0.1:${host.port}`, origin: `http://127.0.0.1:${host.port}` });

function uploadPath(params: Record<string, string>, under = prefix): string {
  return `${under}upload?${new URLSearchParams(params).toString()}`;
}

function put(params: Record<string, string>, body: Buffer, headers: Record<string, string> = own(), under = prefix): Promise<Answer> {
  return send('PUT', uploadPath(params, under), { 'content-length': String(body.length), ...headers }, body);
}

const staging = () => path.join(userDataDir, STAGING_FOLDER);

async function blobNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of containerClient.listBlobsFlat()) names.push(blob.name);
  return names.sort();
}

beforeAll(async () => {
  upload = await startUploadHost({ container, connectionString, endpoint });
  ({ services, host, userDataDir, workspaceId, containerClient } = upload);
  prefix = new URL(host.url).pathname;
});

afterAll(() => upload?.stop());

describe('PUT /upload', () => {
  it('uploads the bytes under the prefix, keeping the relative folders, and deletes the staged copy', async () => {
    const body = randomBytes(300_000);
    const answer = await put({ workspaceId, container, prefix: 'incoming/', name: 'photos/2024/a.bin' }, body);
    expect(answer.status, answer.body).toBe(200);
    const { jobIds } = JSON.parse(answer.body) as { jobIds: string[] };
    expect(jobIds).toHaveLength(1);
    await services.transfers.idle();
    expect(services.transfers.job(jobIds[0]).state).toBe('done');
    const stored = await containerClient.getBlobClient('incoming/photos/2024/a.bin').downloadToBuffer();
    expect(stored.equals(body)).toBe(true);
    await vi.waitFor(async () => expect(await readdir(staging())).toEqual([]));
  });

  it('deletes the staged copy of an upload skipped on a name conflict, and leaves the blob there alone', async () => {
    const first = Buffer.from('first version');
    expect((await put({ workspaceId, container, prefix: '', name: 'same.txt' }, first)).status).toBe(200);
    await services.transfers.idle();
    const second = await put({ workspaceId, container, prefix: '', name: 'same.txt' }, Buffer.from('second version'));
    expect(second.status).toBe(200);
    const [jobId] = (JSON.parse(second.body) as { jobIds: string[] }).jobIds;
    await services.transfers.idle();
    expect(services.transfers.job(jobId).state).toBe('conflict');
    expect(await readdir(staging())).toHaveLength(1);
    services.transfers.resolveConflict(jobId, 'skip', false);
    await vi.waitFor(async () => expect(await readdir(staging())).toEqual([]));
    expect((await containerClient.getBlobClient('same.txt').downloadToBuffer()).toString()).toBe('first version');
  });

  it('keeps the staged copy of a failed upload for Retry, and deletes it once the job is cleared from the list', async () => {
    const missing = `gone-${randomUUID().slice(0, 8)}`;
    const answer = await put({ workspaceId, container: missing, prefix: '', name: 'lost.txt' }, Buffer.from('no container'));
    expect(answer.status, answer.body).toBe(200);
    const [jobId] = (JSON.parse(answer.body) as { jobIds: string[] }).jobIds;
    await services.transfers.idle();
    expect(services.transfers.job(jobId).state).toBe('failed');
    expect(await readdir(staging())).toHaveLength(1);
    expect(await services.router.dispatch('transfer.clearFinished', { jobId })).toEqual({ ok: true, value: { affected: 1 } });
    await vi.waitFor(async () => expect(await readdir(staging())).toEqual([]));
  });

  it('answers 403 without the token, with a wrong one, to a foreign Host, and without or with a foreign Origin', async () => {
    const params = { workspaceId, container, prefix: '', name: 'refused.txt' };
    const body = Buffer.from('nope');
    const token = prefix.split('/')[1];
    const elsewhere: string[] = ['/', `/${token.slice(1)}x/`, `/x${prefix}`];
    for (const under of elsewhere) expect((await put(params, body, own(), under)).status, under).toBe(403);
    expect((await put(params, body, { ...own(), cookie: `stratus_token=${token}` }, '/')).status).toBe(403);
    const cases: Record<string, string>[] = [
      { ...own(), host: `evil.example:${host.port}` },
      { ...own(), host: 'localhost' },
      { host: own().host },
      { ...own(), origin: 'http://evil.example' },
      { ...own(), origin: 'null' },
    ];
    for (const headers of cases) expect((await put(params, body, headers)).status, JSON.stringify(headers)).toBe(403);
    expect(await blobNames()).not.toContain('refused.txt');
  });

  it.each([
    ['a parent segment in the name', { name: '../escape.txt' }],
    ['a parent segment inside the name', { name: 'a/../../escape.txt' }],
    ['an absolute name', { name: '/etc/passwd' }],
    ['a backslash in the name', { name: '..\\escape.txt' }],
    ['a control character in the name', { name: 'a\u0000b.txt' }],
    ['a folder for a name', { name: 'folder/' }],
    ['a parent segment in the prefix', { prefix: '../' }],
    ['an invalid container', { container: 'UPPER_case' }],
    ['a workspace id that is not a uuid', { workspaceId: '../../etc' }],
    ['an unknown parameter', { overwrite: 'true' }],
  ])('refuses %s with 400 and stores nothing', async (_what, change) => {
    const before = await blobNames();
    const answer = await put({ workspaceId, container, prefix: '', name: 'ok.txt', ...change }, Buffer.from('x'));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    expect(await readdir(staging())).toEqual([]);
    expect(await blobNames()).toEqual(before);
  });

  it('refuses a parameter given twice, a body without a Content-Length, other methods and an unopened workspace', async () => {
    const query = `${prefix}upload?workspaceId=${workspaceId}&container=${container}&prefix=&name=a.txt&name=../b.txt`;
    expect((await send('PUT', query, { ...own(), 'content-length': '1' }, Buffer.from('x'))).status).toBe(400);
    const chunked = await send('PUT', uploadPath({ workspaceId, container, prefix: '', name: 'a.txt' }), { ...own(), 'transfer-encoding': 'chunked' }, Buffer.from('x'));
    expect(chunked.status).toBe(411);
    expect((await send('POST', uploadPath({ workspaceId, container, prefix: '', name: 'a.txt' }), { ...own(), 'content-length': '0' })).status).toBe(405);
    const unknown = await put({ workspaceId: randomUUID(), container, prefix: '', name: 'a.txt' }, Buffer.from('x'));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: { code: 'NO_WORKSPACE' } });
    expect(await readdir(staging())).toEqual([]);
  });

  it('refuses a run target that climbs out of its artifacts, mixes in a container, or names no MLflow store', async () => {
    const run = 'a1b2c3d4e5f6';
    const refusedTargets: Record<string, string>[] = [
      { workspaceId, runId: run, path: '../other-run', name: 'a.txt' },
      { workspaceId, runId: run, path: '/abs', name: 'a.txt' },
      { workspaceId, runId: '../x', name: 'a.txt' },
      { workspaceId, runId: run, container, prefix: '', name: 'a.txt' },
    ];
    for (const params of refusedTargets) {
      const refused = await put(params, Buffer.from('x'));
      expect(refused.status, JSON.stringify(params)).toBe(400);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    }
    // This workspace has no MLflow tracking URI: the run cannot be found, and nothing is staged.
    const unconfigured = await put({ workspaceId, runId: run, name: 'a.txt' }, Buffer.from('x'));
    expect(unconfigured.status).toBe(404);
    expect(JSON.parse(unconfigured.body).error.message).toMatch(/MLflow/);
    expect(await readdir(staging())).toEqual([]);
  });
});

describe('staged files left by an earlier session', () => {
  it('are deleted when the host starts, unless they are recent (another host may be using them)', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'stratus-sweep-'));
    const dir = path.join(dataDir, STAGING_FOLDER);
    await mkdir(dir);
    await writeFile(path.join(dir, 'old'), 'left over');
    await writeFile(path.join(dir, 'recent'), 'in use');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
    await utimes(path.join(dir, 'old'), twoDaysAgo, twoDaysAgo);
    const other = createServices({ env: {}, userDataDir: dataDir });
    const second = await startWebHost({ services: other, staticDir: dataDir });
    try {
      expect(await readdir(dir)).toEqual(['recent']);
    } finally {
      await second.close();
      other.transfers.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
