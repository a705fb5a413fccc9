import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TransferEngine } from '../../electron/transfer/engine.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from '../harness/azurite.js';
import { startFaultProxy, type FaultProxy } from '../harness/transfer-fault-proxy.js';
import { listFiles, sha256File, writeRandomFile, writeSmallFiles } from '../harness/transfer-files.js';

// Transfers through a proxy that answers 503, drops connections and cuts responses short: every
// transfer still completes byte-identical, and the engine counts its retries.

const MiB = 1024 * 1024;
const endpoint = inject('endpoint');
const direct = BlobServiceClient.fromConnectionString(inject('connectionString'));

let work: string;
let proxy: FaultProxy;
let engine: TransferEngine;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-faults-'));
  await direct.getContainerClient('transfer-faults').createIfNotExists();
  proxy = await startFaultProxy(endpoint, { throttle: 7, drop: 11, cut: 5 });
  engine = new TransferEngine({ retry: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 200 } });
});

afterAll(async () => {
  engine?.close();
  await proxy?.close();
  await direct.getContainerClient('transfer-faults').deleteIfExists();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('transfers over a faulty network', () => {
  it('complete identical despite 503s, dropped connections and cut responses, counting retries', async () => {
    const service = new BlobServiceClient(proxy.endpoint, new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY));
    const target = { workspaceId: 'faults', service, endpoint: proxy.endpoint, container: 'transfer-faults' };
    const up = path.join(work, 'up');
    await writeRandomFile(path.join(up, 'big.bin'), 24 * MiB + 123);
    const names = ['big.bin', ...(await writeSmallFiles(up, 60, 10_000))];
    await Promise.all(names.map((name) => engine.enqueueUpload({ ...target, blobName: `f/${name}`, filePath: path.join(up, name) })));
    await engine.idle();
    const down = path.join(work, 'down');
    for (const name of names) engine.enqueueDownload({ ...target, blobName: `f/${name}`, filePath: path.join(down, name) });
    await engine.idle();

    const jobs = engine.list().jobs;
    expect(jobs.filter((j) => j.state !== 'done').map((j) => [j.source, j.error?.message])).toEqual([]);
    expect(await listFiles(down)).toEqual([...names].sort());
    for (const name of names) expect(await sha256File(path.join(down, name)), name).toBe(await sha256File(path.join(up, name)));

    expect(proxy.faults.throttled).toBeGreaterThan(0);
    expect(proxy.faults.dropped).toBeGreaterThan(0);
    expect(proxy.faults.cut).toBeGreaterThan(0);
    const injected = proxy.faults.throttled + proxy.faults.dropped + proxy.faults.cut;
    expect(engine.stats.retries).toBeGreaterThanOrEqual(injected);
    expect(engine.stats.throttled).toBe(proxy.faults.throttled);
    expect(jobs.reduce((sum, j) => sum + j.retries, 0)).toBe(engine.stats.retries);
    // The retried requests never stored a mixed or partial blob.
    const props = await direct.getContainerClient('transfer-faults').getBlobClient('f/big.bin').getProperties();
    expect(props.contentLength).toBe(24 * MiB + 123);
  }, 120_000);
});
