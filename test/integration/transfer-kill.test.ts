import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { killMidway as killAt, lastLine, stagedInJournal, transferChild, type ChildResult } from '../harness/transfer-kill.js';
import { sha256File, writeRandomFile } from '../harness/transfer-files.js';

// The app is killed (SIGKILL) in the middle of a large upload; a new process finds the job in the
// journal, asks the service which blocks it holds, sends only the others and commits. A download
// killed midway continues the same way from the ranges its temporary file holds.

const MiB = 1024 * 1024;
const SIZE = 48 * MiB; // 12 blocks of 4 MiB
const BLOCKS = 12;
const RANGE = 8 * MiB;
const DOWNLOAD_RANGES = 8;
const DOWNLOAD_SIZE = DOWNLOAD_RANGES * RANGE;
const service = { connectionString: inject('connectionString'), endpoint: inject('endpoint'), container: 'transfer-kill' };

let work: string;
const container = BlobServiceClient.fromConnectionString(service.connectionString).getContainerClient(service.container);
const child = (mode: string, file: string, blob: string, journal: string) => transferChild(service, mode, file, blob, journal);
const killMidway = (file: string, blob: string, journal: string, mode?: string, staged?: number) => killAt(service, file, blob, journal, mode, staged);

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-kill-'));
  await container.createIfNotExists();
});

afterAll(async () => {
  await container.deleteIfExists();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('resume after the app is killed', () => {
  it('sends only the blocks the service does not hold, then commits an identical blob', async () => {
    const file = path.join(work, 'weights.bin');
    const journal = path.join(work, 'a', 'transfers.db');
    await writeRandomFile(file, SIZE);
    await killMidway(file, 'models/weights.bin', journal);

    const blob = container.getBlockBlobClient('models/weights.bin');
    const held = (await blob.getBlockList('uncommitted')).uncommittedBlocks ?? [];
    expect(held.length).toBeGreaterThanOrEqual(3);
    expect(held.length).toBeLessThan(BLOCKS);
    await expect(blob.getProperties()).rejects.toMatchObject({ statusCode: 404 });

    const second = child('resume', file, 'models/weights.bin', journal);
    const exit = await second.exited;
    expect(exit.code, second.errors()).toBe(0);
    const lines = second.output().trim().split('\n');
    const offered = JSON.parse(lines[0]) as ChildResult;
    expect(offered.unfinished).toHaveLength(1);
    expect(offered.unfinished?.[0].restartReason).toBeNull();
    expect(offered.unfinished?.[0].bytesStaged).toBeGreaterThan(0);
    const result = lastLine(second.output());
    expect(result.jobs).toEqual([{ state: 'done', error: null, restartReason: null }]);
    expect(result.stats.putBlock).toBe(BLOCKS - held.length);
    expect(result.stats.commitBlockList).toBe(1);

    const down = path.join(work, 'check.bin');
    await blob.downloadToFile(down);
    expect(await sha256File(down)).toBe(await sha256File(file));
    expect(stagedInJournal(journal)).toBe(0);
  }, 120_000);

  it('a source file changed since the crash starts again from zero and says why', async () => {
    const file = path.join(work, 'data.bin');
    const journal = path.join(work, 'b', 'transfers.db');
    await writeRandomFile(file, SIZE);
    await killMidway(file, 'data/data.bin', journal);
    const later = new Date(Date.now() + 60_000);
    await utimes(file, later, later);

    const second = child('resume', file, 'data/data.bin', journal);
    expect((await second.exited).code, second.errors()).toBe(0);
    const offered = JSON.parse(second.output().trim().split('\n')[0]) as ChildResult;
    expect(offered.unfinished?.[0].restartReason).toMatch(/modified since the upload started/);
    const result = lastLine(second.output());
    expect(result.jobs[0].state).toBe('done');
    expect(result.jobs[0].restartReason).toMatch(/sent again from the start/);
    expect(result.stats.putBlock).toBe(BLOCKS);
    const down = path.join(work, 'check2.bin');
    await container.getBlockBlobClient('data/data.bin').downloadToFile(down);
    expect(await sha256File(down)).toBe(await sha256File(file));
  }, 120_000);

  it('a download killed midway fetches only the ranges its temporary file lacks, and the file is identical', async () => {
    const source = path.join(work, 'source.bin');
    await writeRandomFile(source, DOWNLOAD_SIZE);
    const data = await readFile(source);
    const blob = container.getBlockBlobClient('out/model.bin');
    await blob.uploadData(data, { blobHTTPHeaders: { blobContentMD5: createHash('md5').update(data).digest() } });
    const target = path.join(work, 'downloads', 'model.bin');
    await mkdir(path.dirname(target), { recursive: true });
    const journal = path.join(work, 'c', 'transfers.db');
    await killMidway(target, 'out/model.bin', journal, 'download', 1);
    const kept = stagedInJournal(journal);
    expect(kept).toBeLessThan(DOWNLOAD_RANGES);
    await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });

    const second = child('resume', target, 'out/model.bin', journal);
    expect((await second.exited).code, second.errors()).toBe(0);
    const offered = JSON.parse(second.output().trim().split('\n')[0]) as ChildResult;
    expect(offered.unfinished?.[0].restartReason).toBeNull();
    expect(offered.unfinished?.[0].bytesStaged).toBe(kept * RANGE);
    const result = lastLine(second.output());
    expect(result.jobs).toEqual([{ state: 'done', error: null, restartReason: null }]);
    expect(result.stats.rangeGet).toBe(DOWNLOAD_RANGES - kept);
    expect(await sha256File(target)).toBe(await sha256File(source));
    expect((await readdir(path.dirname(target))).sort()).toEqual(['model.bin']);
  }, 120_000);
});
