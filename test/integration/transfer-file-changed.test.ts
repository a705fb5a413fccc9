import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TransferEngine } from '../../electron/transfer/engine.js';
import { writeRandomFile } from '../harness/transfer-files.js';

// Blocks are hashed in a first pass and sent later by reading their range of the file again. A
// file rewritten in between must not become a blob: the service refuses the changed block against
// the MD5 read before, and the job fails saying why. A bandwidth cap holds the later blocks back
// until the file has been changed; lifting it lets them go.

const MiB = 1024 * 1024;
const SIZE = 40 * MiB;
const BLOCK = 4 * MiB;
const CONTAINER = 'transfer-file-changed';
const service = BlobServiceClient.fromConnectionString(inject('connectionString'));
const container = service.getContainerClient(CONTAINER);

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-file-changed-'));
  await container.createIfNotExists();
});

afterAll(async () => {
  await container.deleteIfExists();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a file rewritten while its blocks are being sent', () => {
  it('fails clearly and commits no blob', async () => {
    const file = path.join(work, 'data.bin');
    await writeRandomFile(file, SIZE);
    const engine = new TransferEngine({ bandwidth: 2 * MiB });
    try {
      await engine.enqueueUpload({ workspaceId: 'w', service, endpoint: inject('endpoint'), container: CONTAINER, blobName: 'data.bin', filePath: file });
      // Two blocks staged: the whole file has long been read and hashed, the last block not yet sent.
      while ((engine.list().jobs[0]?.bytesDone ?? 0) < 2 * BLOCK) await delay(50);
      const handle = await open(file, 'r+');
      await handle.write(randomBytes(1024), 0, 1024, SIZE - BLOCK + 100);
      await handle.close();
      engine.setLimits({ bandwidth: 0 });
      await engine.idle();
      const [job] = engine.list().jobs;
      expect(job.state).toBe('failed');
      expect(job.error?.message).toMatch(/changed while uploading/);
    } finally {
      engine.close();
    }
    expect(await container.getBlobClient('data.bin').exists()).toBe(false);
  }, 120_000);
});
