import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import type { TransferJob, TransferList } from '../../shared/schemas/transfer.js';
import { until, writeRandomFile } from '../harness/transfer-files.js';

// Transfer settings take effect the moment settings.set succeeds (and at startup from settings.json),
// not when the next transfer is queued: the Settings dialog's limits reach transfers already running.

const MiB = 1024 * 1024;
const connectionString = inject('connectionString');
const endpoint = inject('endpoint');
const CONTAINER = 'transfer-settings-live';
const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(CONTAINER);

let work: string;
const opened: Services[] = [];

async function servicesIn(userDataDir: string): Promise<Services> {
  const services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString }, userDataDir });
  opened.push(services);
  // The user chose the work folder (in the app: an open dialog in main, or a drop).
  await services.localAccess.grant(work);
  return services;
}

async function call<T>(services: Services, channel: string, args: unknown): Promise<T> {
  const reply = await services.router.dispatch(channel as never, args as never);
  if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as T;
}


beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-settings-live-'));
  await container.createIfNotExists();
});

afterEach(() => {
  for (const services of opened.splice(0)) services.transfers.close();
});

afterAll(async () => {
  await container.deleteIfExists();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('transfer settings applied live', () => {
  it('bounds the requests in flight as soon as settings.set succeeds, and again at the next startup', async () => {
    const userData = path.join(work, 'bound');
    const services = await servicesIn(userData);
    expect(services.transfers.concurrency).toBeGreaterThan(8);

    await call(services, 'settings.set', { debugLogging: false, transferMaxConcurrency: 8 });
    expect(services.transfers.concurrency).toBe(8);
    expect((await call<TransferList>(services, 'transfer.list', {})).totals.concurrency).toBe(8);

    // The next launch reads settings.json once at startup.
    const next = await servicesIn(userData);
    expect(next.transfers.concurrency).toBeGreaterThan(8);
    await next.settings.apply();
    expect(next.transfers.concurrency).toBe(8);
  });

  it('clearing the fields gives the engine back its default bound and no cap', async () => {
    const services = await servicesIn(path.join(work, 'cleared'));
    await call(services, 'settings.set', { debugLogging: false, transferMaxConcurrency: 8, transferBandwidthMiBps: 2 });
    const limits = vi.spyOn(services.transfers, 'setLimits');
    await call(services, 'settings.set', { debugLogging: false });
    expect(limits).toHaveBeenLastCalledWith({ maxConcurrency: 256, bandwidth: 0 });
  });

  it('a bandwidth cap set through settings.set holds a running upload back, and lifting it lets it go on at once', async () => {
    const services = await servicesIn(path.join(work, 'cap'));
    const workspaceId = (await call<{ id: string }>(services, 'workspace.open', { sysroot: CONTAINER, endpoint, credential: { kind: 'environment' } })).id;
    const files = path.join(work, 'files');
    for (const name of ['one.bin', 'two.bin']) await writeRandomFile(path.join(files, name), MiB);
    await writeFile(path.join(files, 'three.txt'), 'after the cap');

    // About 10 KiB/s: the first MiB goes through, the second then waits about 100 s for its share.
    await call(services, 'settings.set', { debugLogging: false, transferBandwidthMiBps: 0.01 });
    const capped = await call<{ jobIds: string[] }>(services, 'transfer.upload', {
      workspaceId,
      container: CONTAINER,
      prefix: 'capped/',
      files: [
        { path: path.join(files, 'one.bin'), name: 'one.bin' },
        { path: path.join(files, 'two.bin'), name: 'two.bin' },
      ],
    });
    const states = () => capped.jobIds.map((id) => services.transfers.job(id));
    await until(() => states().some((j) => j.state === 'done'), 'the first upload under the cap');
    const held = states().find((j) => j.state !== 'done') as TransferJob;
    expect(held.state).toBe('running');
    expect(held.bytesDone).toBe(0);

    // No cap any more: the held upload goes on at once, and a new one does not queue behind it.
    await call(services, 'settings.set', { debugLogging: false });
    const free = await call<{ jobIds: string[] }>(services, 'transfer.upload', {
      workspaceId,
      container: CONTAINER,
      prefix: 'free/',
      files: [{ path: path.join(files, 'three.txt'), name: 'three.txt' }],
    });
    await services.transfers.idle();
    expect([...capped.jobIds, ...free.jobIds].map((id) => services.transfers.job(id).state)).toEqual(['done', 'done', 'done']);
    expect((await container.getBlobClient('free/three.txt').downloadToBuffer()).toString()).toBe('after the cap');
    await expect(container.getBlobClient(held.blobName).exists()).resolves.toBe(true);
  }, 60_000);

  it('lowering the cap while an upload runs holds it back at once, and lifting it lets it finish', async () => {
    const services = await servicesIn(path.join(work, 'lowered'));
    const workspaceId = (await call<{ id: string }>(services, 'workspace.open', { sysroot: CONTAINER, endpoint, credential: { kind: 'environment' } })).id;
    const big = path.join(work, 'files', 'big.bin');
    await writeRandomFile(big, 64 * MiB);
    // 4 MiB/s: one 4 MiB block a second, about 16 s for the whole file left alone — slack enough that a
    // loaded machine still lowers the cap long before the last block has had its turn.
    await call(services, 'settings.set', { debugLogging: false, transferBandwidthMiBps: 4 });
    const { jobIds } = await call<{ jobIds: string[] }>(services, 'transfer.upload', { workspaceId, container: CONTAINER, prefix: '', files: [{ path: big, name: 'big.bin' }] });
    const job = () => services.transfers.job(jobIds[0]);
    await until(() => job().bytesDone > 0, 'the first block');

    await call(services, 'settings.set', { debugLogging: false, transferBandwidthMiBps: 0.01 });
    // Each block still to go now waits about 400 s for its turn: well after the upload would have ended
    // under the old cap, it is still running.
    await new Promise((r) => setTimeout(r, 3000));
    expect(job().state).toBe('running');
    expect(job().bytesDone).toBeLessThan(64 * MiB);

    await call(services, 'settings.set', { debugLogging: false });
    await services.transfers.idle();
    expect(job().state).toBe('done');
    expect((await container.getBlobClient('big.bin').getProperties()).contentLength).toBe(64 * MiB);
  }, 60_000);
});
