import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, type BlockBlobClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { azuriteConnectionString } from '../harness/azurite.js';
import { PROFILES } from '../harness/link-sim/profiles.js';
import { startLinkProxy, type LinkProxy } from '../harness/link-sim/proxy.js';
import { killMidway, lastLine, stagedInJournal, transferChild } from '../harness/transfer-kill.js';
import { sha256File, writeRandomFile } from '../harness/transfer-files.js';

// Over the home profile's link (40 ms round trip, 40 Mbit/s per connection, 200 Mbit/s in all), a
// 300 MiB upload is killed (SIGKILL) midway; a new process resumes it from the journal, sends only
// the blocks the service lacks, and the committed blob is identical to the file.

const MiB = 1024 * 1024;
const SIZE = 300 * MiB;
const BLOCK = 8 * MiB;
const BLOCKS = Math.ceil(SIZE / BLOCK);
const endpoint = inject('endpoint');
const container = BlobServiceClient.fromConnectionString(inject('connectionString')).getContainerClient('transfer-kill-link');

let work: string;

async function settledUncommitted(blob: BlockBlobClient): Promise<number> {
  let last = -1;
  for (;;) {
    const count = ((await blob.getBlockList('uncommitted')).uncommittedBlocks ?? []).length;
    if (count === last) return count;
    last = count;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
let link: LinkProxy;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-kill-link-'));
  await container.createIfNotExists();
  const url = new URL(endpoint);
  link = await startLinkProxy({ host: url.hostname, port: Number(url.port) }, PROFILES.home);
});

afterAll(async () => {
  await link?.close();
  await container.deleteIfExists();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('resume over a home link', () => {
  it('a 300 MiB upload killed midway resumes and commits a blob identical to the file', async () => {
    const linked = link.through(endpoint);
    const service = { connectionString: azuriteConnectionString(linked), endpoint: linked, container: 'transfer-kill-link' };
    const file = path.join(work, 'model.bin');
    const journal = path.join(work, 'transfers.db');
    await writeRandomFile(file, SIZE);
    await killMidway(service, file, 'models/model.bin', journal, 'start-link', Math.floor(BLOCKS / 3));
    const killedAt = stagedInJournal(journal);
    expect(killedAt).toBeLessThan(BLOCKS);
    const blob = container.getBlockBlobClient('models/model.bin');
    await expect(blob.getProperties()).rejects.toMatchObject({ statusCode: 404 });
    // A block whose bytes were on the wire when the process died still lands: count once the list holds still.
    const held = await settledUncommitted(blob);

    const second = transferChild(service, 'resume', file, 'models/model.bin', journal);
    expect((await second.exited).code, second.errors()).toBe(0);
    const result = lastLine(second.output());
    expect(result.jobs).toEqual([{ state: 'done', error: null, restartReason: null }]);
    expect(result.stats.putBlock).toBe(BLOCKS - held);
    expect(result.stats.commitBlockList).toBe(1);
    expect(link.carried.up).toBeGreaterThan(SIZE);

    const down = path.join(work, 'check.bin');
    await blob.downloadToFile(down);
    expect(await sha256File(down)).toBe(await sha256File(file));
  }, 240_000);
});
