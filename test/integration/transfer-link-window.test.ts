import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TransferEngine } from '../../electron/transfer/engine.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from '../harness/azurite.js';
import type { LinkProfile } from '../harness/link-sim/profiles.js';
import { startLinkProxy, type LinkProxy } from '../harness/link-sim/proxy.js';
import { sha256File, writeRandomFile } from '../harness/transfer-files.js';

// An upload over a long link whose connections are each far slower than the link (1.5 MB/s each,
// 9 MB/s in all, 20 ms round trip) starts with a few blocks on the wire and widens its window while
// each block keeps its speed, until the blocks in flight fill the link. Each block in flight holds a
// connection of its own (the pool's agent reuses an idle one first), so the proxy's count of
// connections is the most blocks that were on the wire at once.

const MiB = 1024 * 1024;
const SIZE = 48 * MiB;
const THIN: LinkProfile = { name: 'thin', rttMs: 20, perConnection: 1.5e6, total: 9e6, jitterMs: 1 };
const endpoint = inject('endpoint');
const CONTAINER = 'transfer-link-window';
const direct = BlobServiceClient.fromConnectionString(inject('connectionString')).getContainerClient(CONTAINER);

let link: LinkProxy;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-link-window-'));
  await direct.createIfNotExists();
  const url = new URL(endpoint);
  link = await startLinkProxy({ host: url.hostname, port: Number(url.port) }, THIN);
});

afterAll(async () => {
  await link?.close();
  await direct.deleteIfExists();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('an upload over a link of thin connections', () => {
  it('widens its window of blocks until they fill the link, and commits the file unchanged', async () => {
    const file = path.join(work, 'data.bin');
    await writeRandomFile(file, SIZE);
    const linked = link.through(endpoint);
    const service = new BlobServiceClient(linked, new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY));
    const engine = new TransferEngine();
    try {
      await engine.enqueueUpload({ workspaceId: 'w', service, endpoint: linked, container: CONTAINER, blobName: 'data.bin', filePath: file });
      await engine.idle();
      expect(engine.list().jobs.map((j) => [j.state, j.error])).toEqual([['done', null]]);
    } finally {
      engine.close();
    }
    // 4 blocks at first; filling 9 MB/s at 1.5 MB/s a connection takes 6.
    expect(link.connections).toBeGreaterThanOrEqual(THIN.total / THIN.perConnection);
    const copy = path.join(work, 'copy.bin');
    await direct.getBlobClient('data.bin').downloadToFile(copy);
    expect(await sha256File(copy)).toBe(await sha256File(file));
  }, 120_000);
});
