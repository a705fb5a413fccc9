import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TransferEngine } from '../../electron/transfer/engine.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from '../harness/azurite.js';
import { sha256File, writeRandomFile } from '../harness/transfer-files.js';

// A download learns the blob's size from its first range's headers and asks for the other ranges
// then, while that range's body still arrives: on a thin link one range alone takes seconds that
// the link could spend on several. A proxy holds the first range's body until another range is
// asked for (or, should none be, for a few seconds so the download still ends), and says which.

const MiB = 1024 * 1024;
const endpoint = inject('endpoint');
const CONTAINER = 'transfer-first-range';
const direct = BlobServiceClient.fromConnectionString(inject('connectionString')).getContainerClient(CONTAINER);
/** Only a download that never asks for another range meanwhile waits this long. */
const FALLBACK_MS = 5000;

interface HoldingProxy {
  endpoint: string;
  /** Whether another range was asked for while the first one's body was held. */
  othersWhileHeld: boolean | undefined;
  close(): Promise<void>;
}

async function startHoldingProxy(upstreamEndpoint: string): Promise<HoldingProxy> {
  const upstream = new URL(upstreamEndpoint);
  let release: (() => void) | undefined;
  const state: HoldingProxy = { endpoint: '', othersWhileHeld: undefined, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const range = String(req.headers['x-ms-range'] ?? req.headers.range ?? '');
    const first = req.method === 'GET' && range.startsWith('bytes=0-') && state.othersWhileHeld === undefined;
    if (req.method === 'GET' && range !== '' && !range.startsWith('bytes=0-') && release) {
      state.othersWhileHeld = true;
      release();
    }
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (!first) {
        answer.pipe(res);
        return;
      }
      answer.once('data', (chunk: Buffer) => {
        res.write(chunk);
        answer.pause();
        const timer = setTimeout(() => {
          state.othersWhileHeld ??= false;
          release?.();
        }, FALLBACK_MS);
        release = () => {
          release = undefined;
          clearTimeout(timer);
          answer.pipe(res);
          answer.resume();
        };
      });
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(upstreamEndpoint);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.endpoint = url.toString().replace(/\/$/, '');
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

let proxy: HoldingProxy;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-first-range-'));
  await direct.createIfNotExists();
  proxy = await startHoldingProxy(endpoint);
});

afterAll(async () => {
  await proxy?.close();
  await direct.deleteIfExists();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a download of several ranges', () => {
  it('asks for the other ranges while the first one is still arriving, and writes the blob unchanged', async () => {
    const source = path.join(work, 'source.bin');
    await writeRandomFile(source, 20 * MiB);
    await direct.getBlockBlobClient('data.bin').uploadFile(source);
    const service = new BlobServiceClient(proxy.endpoint, new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY));
    const engine = new TransferEngine();
    const target = path.join(work, 'down', 'data.bin');
    try {
      engine.enqueueDownload({ workspaceId: 'w', service, endpoint: proxy.endpoint, container: CONTAINER, blobName: 'data.bin', filePath: target });
      await engine.idle();
      expect(engine.list().jobs.map((j) => [j.state, j.error])).toEqual([['done', null]]);
    } finally {
      engine.close();
    }
    expect(proxy.othersWhileHeld).toBe(true);
    expect(await sha256File(target)).toBe(await sha256File(source));
  }, 60_000);
});
