import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices } from '../../electron/services.js';
import { TransferEngine } from '../../electron/transfer/engine.js';
import type { TransferProgress, TransferState } from '../../shared/schemas/transfer.js';
import { until } from '../harness/transfer-files.js';

// "Clear finished" in the activity panel: done, failed and cancelled jobs leave the list; jobs still
// running, queued, paused or waiting on a name conflict stay; the next progress event names what left.

const connectionString = inject('connectionString');
const endpoint = inject('endpoint');
const service = BlobServiceClient.fromConnectionString(connectionString);
const CONTAINER = 'transfer-clear';
const container = service.getContainerClient(CONTAINER);
const target = { workspaceId: 'clear', service, endpoint, container: CONTAINER };

let work: string;


beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-clear-'));
  await container.createIfNotExists();
  await container.getBlockBlobClient('taken.txt').upload('already here', 12);
});

afterAll(async () => {
  await container.deleteIfExists();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('clearing finished transfers', () => {
  it('drops done, failed and cancelled jobs, keeps the others, and names what it dropped in the next event', async () => {
    const events: TransferProgress[] = [];
    // One job at a time, so the later ones stay queued behind the one held by the bandwidth cap.
    const engine = new TransferEngine({ maxActiveJobs: 1, progressIntervalMs: 20, onProgress: (p) => events.push(p) });
    try {
      const file = async (name: string, bytes: number) => {
        const at = path.join(work, name);
        await writeFile(at, Buffer.alloc(bytes, 1));
        return { ...target, blobName: name, filePath: at };
      };
      const done = await engine.enqueueUpload(await file('done.txt', 10));
      await engine.idle();
      const failed = engine.addRefused({ ...target, blobName: '../outside.txt', filePath: path.join(work, 'outside.txt') }, 'The name leaves the folder.');
      const conflict = await engine.enqueueUpload({ ...(await file('mine.txt', 5)), blobName: 'taken.txt' });
      await engine.idle();

      // 1 KiB/s: the first 64 KiB go through, and the next upload then waits about a minute for its turn.
      engine.setLimits({ bandwidth: 1024 });
      const alsoDone = await engine.enqueueUpload(await file('burst.bin', 64 * 1024));
      await until(() => engine.job(alsoDone).state === 'done', 'the first upload under the cap');
      const running = await engine.enqueueUpload(await file('held.bin', 1024));
      await until(() => engine.job(running).state === 'running', 'the held upload to start');
      const paused = await engine.enqueueUpload(await file('paused.bin', 10));
      expect(engine.pause({ jobId: paused })).toBe(1);
      const cancelled = await engine.enqueueUpload(await file('cancelled.bin', 10));
      expect(engine.cancel({ jobId: cancelled })).toBe(1);
      const queued = await engine.enqueueUpload(await file('queued.bin', 10));

      const stateOf = () => Object.fromEntries(engine.list().jobs.map((j) => [j.id, j.state])) as Record<string, TransferState>;
      expect(stateOf()).toEqual({
        [done]: 'done',
        [failed]: 'failed',
        [conflict]: 'conflict',
        [alsoDone]: 'done',
        [running]: 'running',
        [paused]: 'paused',
        [cancelled]: 'cancelled',
        [queued]: 'queued',
      });

      // One job: only a finished one is dropped.
      expect(engine.clearFinished({ jobId: running })).toBe(0);
      expect(engine.clearFinished({ jobId: failed })).toBe(1);
      expect(events.at(-1)?.removed).toEqual([failed]);

      expect(engine.clearFinished()).toBe(3);
      const last = events.at(-1) as TransferProgress;
      expect(new Set(last.removed)).toEqual(new Set([done, alsoDone, cancelled]));
      expect(stateOf()).toEqual({ [conflict]: 'conflict', [running]: 'running', [paused]: 'paused', [queued]: 'queued' });
      expect(last.totals).toMatchObject({ jobs: 4, done: 0, failed: 0, cancelled: 0, running: 1, paused: 1, queued: 1, conflicts: 1 });

      // Nothing finished is left: a second clear drops nothing and sends no removal.
      const before = events.length;
      expect(engine.clearFinished()).toBe(0);
      expect(events.slice(before).some((e) => e.removed !== undefined)).toBe(false);
    } finally {
      engine.cancel({ all: true });
      await engine.idle();
      engine.close();
    }
  }, 60_000);
});

describe('clearing a failed transfer through the contract', () => {
  it('forgets it for good: it does not come back as unfinished from last time', async () => {
    const userDataDir = path.join(work, 'user');
    const services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString }, userDataDir, localIndex: true });
    try {
      // The user chose the work folder (in the app: a drop onto the window).
      await services.localAccess.grant(work);
      const call = async <T>(channel: string, args: unknown): Promise<T> => {
        const reply = await services.router.dispatch(channel as never, args as never);
        if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
        return reply.value as T;
      };
      const workspaceId = (await call<{ id: string }>('workspace.open', { sysroot: CONTAINER, endpoint, credential: { kind: 'environment' } })).id;
      const file = path.join(work, 'lost.txt');
      await writeFile(file, 'nowhere to go');
      const { jobIds } = await call<{ jobIds: string[] }>('transfer.upload', { workspaceId, container: 'no-such-container', prefix: '', files: [{ path: file, name: 'lost.txt' }] });
      await services.transfers.idle();
      expect(services.transfers.job(jobIds[0]).state).toBe('failed');

      expect(await call('transfer.clearFinished', { all: true })).toEqual({ affected: 1 });
      expect((await call<{ jobs: unknown[] }>('transfer.list', {})).jobs).toEqual([]);
      expect(await call('transfer.unfinished', {})).toEqual({ jobs: [] });
    } finally {
      services.transfers.close();
    }
  });
});
