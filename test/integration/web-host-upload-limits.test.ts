import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Services } from '../../electron/services.js';
import { STAGING_FOLDER } from '../../electron/web/upload-route.js';
import type { WebHost } from '../../electron/web/web-host.js';
import { startUploadHost, type UploadHost } from '../harness/upload-host.js';

// Browser mode's upload route against clients that never finish: uploads that send a byte now and
// then, and headers that never end. With short timeouts (the host's options) each is cut off in
// seconds and its staged file removed; an upload whose bytes keep moving is never cut off. An
// absurd Content-Length is too large (413), not missing (411).

const container = `slow-${randomUUID().slice(0, 8)}`;
const TIMEOUTS = { headersMs: 1000, idleMs: 1000 };

let services: Services;
let host: WebHost;
let userDataDir: string;
let workspaceId: string;
let containerClient: ContainerClient;
let upload: UploadHost | undefined;

const staging = () => path.join(userDataDir, STAGING_FOLDER);
const stagedFiles = () => readdir(staging()).catch(() => []);
const own = () => `Host: 127.0.0.1:${host.port}\r\nOrigin: http://127.0.0.1:${host.port}\r\n`;
const uploadTarget = (name: string) => `${new URL(host.url).pathname}upload?${new URLSearchParams({ workspaceId, container, prefix: '', name }).toString()}`;

beforeAll(async () => {
  upload = await startUploadHost({ container, connectionString: inject('connectionString'), endpoint: inject('endpoint'), timeouts: TIMEOUTS });
  ({ services, host, userDataDir, workspaceId, containerClient } = upload);
});

afterAll(() => upload?.stop());

interface SlowClient {
  socket: Socket;
  closed: Promise<void>;
  stop(): void;
}

/** A raw connection that writes `first`, then `drip()` every `everyMs`, until the host closes it. */
function slowClient(first: string, drip: () => string, everyMs: number): SlowClient {
  const socket = connect(host.port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.resume();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(first);
  const timer = setInterval(() => socket.write(drip()), everyMs);
  void closed.then(() => clearInterval(timer));
  return {
    socket,
    closed,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

async function closedWithin(clients: SlowClient[], ms: number): Promise<number> {
  const open = () => clients.filter((c) => !c.socket.closed).length;
  await Promise.race([Promise.all(clients.map((c) => c.closed)), new Promise((resolve) => setTimeout(resolve, ms))]);
  return clients.length - open();
}

describe('slow clients of the browser-mode host', () => {
  it('cuts off 100 uploads that send a byte every 5 s, and removes every file they staged', async () => {
    const clients = Array.from({ length: 100 }, (_, i) =>
      slowClient(`PUT ${uploadTarget(`slow-${i}.bin`)} HTTP/1.1\r\n${own()}Content-Length: 1000\r\n\r\nx`, () => 'x', 5000),
    );
    try {
      // Each got as far as staging a file: the cut-off below is what ends them.
      await vi.waitFor(async () => expect((await stagedFiles()).length).toBeGreaterThan(0), { timeout: 5000 });
      expect(await closedWithin(clients, 4 * TIMEOUTS.idleMs)).toBe(100);
      await vi.waitFor(async () => expect(await stagedFiles()).toEqual([]), { timeout: 5000 });
      expect(services.transfers.list().jobs).toEqual([]);
    } finally {
      for (const client of clients) client.stop();
    }
  });

  it('cuts off requests whose headers never end, even while they keep sending', async () => {
    let line = 0;
    const clients = Array.from({ length: 10 }, () => slowClient(`GET ${new URL(host.url).pathname} HTTP/1.1\r\n${own()}`, () => `X-Slow-${line++}: 1\r\n`, 200));
    try {
      expect(await closedWithin(clients, 4 * TIMEOUTS.headersMs)).toBe(10);
    } finally {
      for (const client of clients) client.stop();
    }
  });

  it('never cuts off an upload whose bytes keep moving, however long it takes', async () => {
    const chunks = 12;
    const chunk = Buffer.alloc(1000, 7);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: host.port, method: 'PUT', path: uploadTarget('steady.bin'), headers: { origin: `http://127.0.0.1:${host.port}`, 'content-length': String(chunks * chunk.length) } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      let sent = 0;
      const timer = setInterval(() => {
        req.write(chunk);
        if (++sent === chunks) {
          clearInterval(timer);
          req.end();
        }
      }, TIMEOUTS.idleMs / 4);
    });
    expect(answer.status, answer.body).toBe(200);
    await services.transfers.idle();
    expect((await containerClient.getBlobClient('steady.bin').getProperties()).contentLength).toBe(chunks * chunk.length);
    await vi.waitFor(async () => expect(await stagedFiles()).toEqual([]));
  });

  it('answers 413, not 411, to a Content-Length too large to be a number it accepts', async () => {
    for (const length of ['10000000000000000', String(1024 ** 4 + 1)]) {
      const answer = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: host.port, method: 'PUT', path: uploadTarget('huge.bin'), headers: { origin: `http://127.0.0.1:${host.port}`, 'content-length': length } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
        req.flushHeaders();
      });
      expect(answer, length).toBe(413);
    }
    expect(await stagedFiles()).toEqual([]);
  });
});
