import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { startAzurite, type AzuriteInstance } from '../harness/azurite.js';
import { listFiles, sha256File, watchRss, writeRandomFile, writeSmallFiles } from '../harness/transfer-files.js';

// Uploads and downloads through the IPC router and the engine against an Azurite that persists to
// disk (a 300 MiB blob in memory would cost the emulator far more than the test).

const MiB = 1024 * 1024;
const BIG = 300 * MiB;
const SMALL_COUNT = 2000;

let azurite: AzuriteInstance;
let services: Services;
let work: string;
let workspaceId: string;

async function call<T>(channel: string, args: unknown): Promise<T> {
  const reply = await services.router.dispatch(channel as never, args as never);
  if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as T;
}

interface Job {
  id: string;
  state: string;
  error: { message: string } | null;
  conflict: { etag: string } | null;
  target: string;
  blobName: string;
  bytes: number;
}

async function jobs(): Promise<Job[]> {
  return (await call<{ jobs: Job[] }>('transfer.list', {})).jobs;
}

async function settle(): Promise<void> {
  await services.transfers.idle();
}

beforeAll(async () => {
  azurite = await startAzurite({ inMemory: false });
  work = await mkdtemp(path.join(tmpdir(), 'stratus-transfer-'));
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  await service.createContainer('drop');
  services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString }, userDataDir: path.join(work, 'user') });
  // The user chose the work folder (in the app: an open dialog in main, or a drop).
  await services.localAccess.grant(work);
  workspaceId = (await call<{ id: string }>('workspace.open', { sysroot: 'drop', endpoint: azurite.endpoint, credential: { kind: 'environment' } })).id;
}, 60_000);

afterAll(async () => {
  services?.transfers.close();
  await azurite?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('transfer round trips', () => {
  it('a 300 MiB file goes up in blocks and comes back byte-identical, in bounded memory', async () => {
    const source = path.join(work, 'big', 'model.bin');
    await writeRandomFile(source, BIG);
    const before = process.memoryUsage.rss();
    const rss = watchRss();
    const { jobIds } = await call<{ jobIds: string[] }>('transfer.upload', { workspaceId, container: 'drop', prefix: 'models/', files: [{ path: source, name: 'model.bin' }] });
    await settle();
    const down = path.join(work, 'down-big');
    await call('transfer.download', { workspaceId, container: 'drop', blobs: ['models/model.bin'], targetFolder: down });
    await settle();
    const peak = rss.stop();
    const all = await jobs();
    expect(all.map((j) => [j.state, j.error?.message ?? null])).toEqual([['done', null], ['done', null]]);
    expect(all[0].id).toBe(jobIds[0]);
    const blob = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('drop').getBlockBlobClient('models/model.bin');
    const props = await blob.getProperties();
    expect(props.contentLength).toBe(BIG);
    expect(props.contentMD5?.length).toBe(16);
    expect((await blob.getBlockList('committed')).committedBlocks?.length).toBe(Math.ceil(BIG / (8 * MiB)));
    expect(await sha256File(path.join(down, 'model.bin'))).toBe(await sha256File(source));
    expect(await listFiles(down)).toEqual(['model.bin']);
    expect(peak - before).toBeLessThan(300 * MiB);
    await rm(path.join(work, 'big'), { recursive: true });
    await rm(down, { recursive: true });
  }, 240_000);

  it('2,000 small files in nested folders go up and come back identical', async () => {
    const root = path.join(work, 'many', 'dataset');
    const names = await writeSmallFiles(root, SMALL_COUNT, 4096);
    const { jobIds } = await call<{ jobIds: string[] }>('transfer.upload', { workspaceId, container: 'drop', prefix: 'sets', files: [{ path: root, name: 'dataset' }] });
    expect(jobIds).toHaveLength(SMALL_COUNT);
    await settle();
    const down = path.join(work, 'down-many');
    await call('transfer.download', { workspaceId, container: 'drop', prefix: 'sets/dataset/', targetFolder: down });
    await settle();
    const failed = (await jobs()).filter((j) => j.state !== 'done');
    expect(failed).toEqual([]);
    expect(await listFiles(path.join(down, 'dataset'))).toEqual([...names].sort());
    for (const name of names.filter((_, i) => i % 97 === 0)) {
      expect(await sha256File(path.join(down, 'dataset', name))).toBe(await sha256File(path.join(root, name)));
    }
  }, 180_000);

  it('a name already taken waits for a choice: skip, overwrite or keep both', async () => {
    const dir = path.join(work, 'conflict');
    const first = path.join(dir, 'v1', 'report.csv');
    const second = path.join(dir, 'v2', 'report.csv');
    await writeRandomFile(first, 1000);
    await writeRandomFile(second, 2000);
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('drop');
    const upload = async (file: string) => (await call<{ jobIds: string[] }>('transfer.upload', { workspaceId, container: 'drop', prefix: 'c/', files: [{ path: file, name: 'report.csv' }] })).jobIds[0];

    await upload(first);
    await settle();
    const original = await container.getBlobClient('c/report.csv').getProperties();

    // Skip: the blob stays as it was.
    const skipped = await upload(second);
    await settle();
    let job = (await jobs()).find((j) => j.id === skipped);
    expect(job?.state).toBe('conflict');
    expect(job?.conflict?.etag).toBe(original.etag);
    await call('transfer.resolveConflict', { jobId: skipped, choice: 'skip', applyToAll: false });
    await settle();
    expect((await container.getBlobClient('c/report.csv').getProperties()).contentLength).toBe(1000);

    // Keep both: a renamed copy beside it.
    const kept = await upload(second);
    await settle();
    await call('transfer.resolveConflict', { jobId: kept, choice: 'keepBoth', applyToAll: false });
    await settle();
    job = (await jobs()).find((j) => j.id === kept);
    expect(job?.state).toBe('done');
    expect(job?.blobName).toBe('c/report (1).csv');
    expect((await container.getBlobClient('c/report (1).csv').getProperties()).contentLength).toBe(2000);
    expect((await container.getBlobClient('c/report.csv').getProperties()).contentLength).toBe(1000);

    // Overwrite: replaces the blob whose etag the conflict showed.
    const replaced = await upload(second);
    await settle();
    await call('transfer.resolveConflict', { jobId: replaced, choice: 'overwrite', applyToAll: false });
    await settle();
    expect((await jobs()).find((j) => j.id === replaced)?.state).toBe('done');
    expect((await container.getBlobClient('c/report.csv').getProperties()).contentLength).toBe(2000);

    // Keep both again: "(1)" is taken now, so the copy moves on to "(2)" without asking twice.
    const again = await upload(second);
    await settle();
    await call('transfer.resolveConflict', { jobId: again, choice: 'keepBoth', applyToAll: false });
    await settle();
    expect((await jobs()).find((j) => j.id === again)).toMatchObject({ state: 'done', blobName: 'c/report (2).csv' });

    // One answer for all: every waiting conflict is settled by it.
    const waiting = [await upload(first), await upload(second)];
    await settle();
    expect((await jobs()).filter((j) => waiting.includes(j.id)).map((j) => j.state)).toEqual(['conflict', 'conflict']);
    expect(await call('transfer.resolveConflict', { jobId: waiting[0], choice: 'skip', applyToAll: true })).toEqual({ affected: 2 });
    await settle();
    expect((await jobs()).filter((j) => waiting.includes(j.id)).map((j) => j.state)).toEqual(['done', 'done']);

    // A download never replaces a local file either: it lands beside it.
    const down = path.join(work, 'down-conflict');
    await call('transfer.download', { workspaceId, container: 'drop', blobs: ['c/report.csv'], targetFolder: down });
    await settle();
    await call('transfer.download', { workspaceId, container: 'drop', blobs: ['c/report.csv'], targetFolder: down });
    await settle();
    expect(await listFiles(down)).toEqual(['report (1).csv', 'report.csv']);
    expect((await stat(path.join(down, 'report (1).csv'))).size).toBe(2000);
  }, 60_000);
});
