import { access, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TransferEngine } from '../../electron/transfer/engine.js';
import { sha256File, until, writeRandomFile } from '../harness/transfer-files.js';

// Pause, resume and cancel (one job or all), and the Content-MD5 check on download.

const MiB = 1024 * 1024;
const connectionString = inject('connectionString');
const endpoint = inject('endpoint');
const service = BlobServiceClient.fromConnectionString(connectionString);
const CONTAINER = 'transfer-control';
const container = service.getContainerClient(CONTAINER);
const target = { workspaceId: 'control', service, endpoint, container: CONTAINER };

let work: string;


beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-control-'));
  await container.createIfNotExists();
});

afterAll(async () => {
  await container.deleteIfExists();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('controlling transfers', () => {
  it('pauses and resumes one job without resending what was staged, and cancels another', async () => {
    // A bandwidth cap slows the engine enough to act midway.
    const engine = new TransferEngine({ fixedConcurrency: 2, bandwidth: 16 * MiB });
    try {
      const a = path.join(work, 'a.bin');
      const b = path.join(work, 'b.bin');
      await writeRandomFile(a, 40 * MiB);
      await writeRandomFile(b, 40 * MiB);
      const first = await engine.enqueueUpload({ ...target, blobName: 'a.bin', filePath: a });
      const second = await engine.enqueueUpload({ ...target, blobName: 'b.bin', filePath: b });
      await until(() => engine.job(first).bytesDone >= 8 * MiB, 'progress');
      expect(engine.pause({ jobId: first })).toBe(1);
      expect(engine.job(first).state).toBe('paused');
      expect(engine.cancel({ jobId: second })).toBe(1);
      await engine.idle();
      expect(engine.job(second).state).toBe('cancelled');
      await expect(container.getBlobClient('b.bin').exists()).resolves.toBe(false);
      expect(engine.job(first).state).toBe('paused');
      await expect(container.getBlobClient('a.bin').exists()).resolves.toBe(false);
      const sentBeforePause = engine.stats.putBlock;

      expect(engine.resume({ all: true })).toBe(1);
      await engine.idle();
      expect(engine.job(first).state).toBe('done');
      // 40 MiB in 4 MiB blocks is 10; the second job staged some before it was cancelled.
      const staged = (await container.getBlockBlobClient('a.bin').getBlockList('committed')).committedBlocks ?? [];
      expect(staged).toHaveLength(10);
      expect(engine.stats.putBlock - sentBeforePause).toBeLessThan(10);
      const down = path.join(work, 'check.bin');
      await container.getBlobClient('a.bin').downloadToFile(down);
      expect(await sha256File(down)).toBe(await sha256File(a));
    } finally {
      engine.close();
    }
  }, 60_000);

  it('pauses all, cancels a paused download, and leaves no temporary file behind', async () => {
    const engine = new TransferEngine({ fixedConcurrency: 2, bandwidth: 16 * MiB });
    try {
      await container.getBlockBlobClient('big.bin').uploadData(Buffer.alloc(24 * MiB, 7));
      const folder = path.join(work, 'dl');
      const id = engine.enqueueDownload({ ...target, blobName: 'big.bin', filePath: path.join(folder, 'big.bin') });
      await until(() => engine.job(id).bytesDone > 4 * MiB, 'download progress');
      expect(engine.pause({ all: true })).toBe(1);
      await engine.idle();
      expect(engine.job(id).state).toBe('paused');
      expect(engine.cancel({ all: true })).toBe(1);
      expect(engine.job(id).state).toBe('cancelled');
      await new Promise((r) => setTimeout(r, 100));
      expect(await readdir(folder)).toEqual([]);
    } finally {
      engine.close();
    }
  }, 60_000);

  it('refuses a download whose bytes do not match the blob’s Content-MD5, writing nothing', async () => {
    const engine = new TransferEngine();
    try {
      const blob = container.getBlockBlobClient('tampered.bin');
      await blob.uploadData(Buffer.alloc(1000, 1));
      await blob.setHTTPHeaders({ blobContentMD5: new Uint8Array(16).fill(9) });
      const folder = path.join(work, 'md5');
      const id = engine.enqueueDownload({ ...target, blobName: 'tampered.bin', filePath: path.join(folder, 'tampered.bin') });
      await engine.idle();
      expect(engine.job(id), JSON.stringify(engine.job(id).error)).toMatchObject({ state: 'failed', error: { code: 'CORRUPT_DATA' } });
      expect(engine.job(id).error?.message).toMatch(/did not match its Content-MD5/);
      await expect(access(path.join(folder, 'tampered.bin'))).rejects.toThrow();
      expect(await readdir(folder)).toEqual([]);
    } finally {
      engine.close();
    }
  });
});
