import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TransferEngine } from '../../electron/transfer/engine.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from '../harness/azurite.js';
import { startFaultProxy, type FaultProxy, type FaultRates } from '../harness/transfer-fault-proxy.js';
import { listFiles, sha256File, writeRandomFile, writeSmallFiles } from '../harness/transfer-files.js';

// Connections that go silent (no reset, no byte) are noticed by the engine's stall watchdog: the try
// is aborted and retried, the job says why it is slow, and a link that stays silent fails the job
// with that reason instead of holding it for the pipeline's 10 minutes. A slow link that moves, and
// waits under the bandwidth cap, are not stalls. Without the watchdog the stalled tests hang, which
// their timeouts turn into failures.

const MiB = 1024 * 1024;
const KiB = 1024;
const CONTAINER = 'transfer-stall';
const STALLED = /No data moved for \d+(\.\d)? s; the connection looks stalled\./;
// Where a stall that is not injected would break the test (counts of retries, a single attempt), the
// watchdog waits longer than a loaded machine's Azurite may take to answer a request.
const PATIENT_MS = 3000;
const endpoint = inject('endpoint');
const direct = BlobServiceClient.fromConnectionString(inject('connectionString'));
const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY);

let work: string;
const proxies: FaultProxy[] = [];
const engines: TransferEngine[] = [];

async function through(rates: FaultRates) {
  const proxy = await startFaultProxy(endpoint, rates);
  proxies.push(proxy);
  const service = new BlobServiceClient(proxy.endpoint, credential);
  return { proxy, target: { workspaceId: 'stall', service, endpoint: proxy.endpoint, container: CONTAINER } };
}

function engineWith(options: ConstructorParameters<typeof TransferEngine>[0]): TransferEngine {
  const engine = new TransferEngine(options);
  engines.push(engine);
  return engine;
}

const exists = (file: string) => access(file).then(() => true, () => false);

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-stall-'));
  await direct.getContainerClient(CONTAINER).createIfNotExists();
});

afterAll(async () => {
  for (const engine of engines) engine.close();
  await Promise.all(proxies.map((p) => p.close()));
  await direct.getContainerClient(CONTAINER).deleteIfExists();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a stalled connection', () => {
  it('is aborted and retried: uploads and downloads complete identical, the stalls counted as retries', async () => {
    const { proxy, target } = await through({ throttle: Infinity, drop: Infinity, cut: Infinity, stall: 4 });
    const engine = engineWith({ stallTimeoutMs: PATIENT_MS, retry: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 200 } });
    const up = path.join(work, 'some-up');
    await writeRandomFile(path.join(up, 'big.bin'), 12 * MiB + 123);
    const names = ['big.bin', ...(await writeSmallFiles(up, 20, 10_000))];
    await Promise.all(names.map((name) => engine.enqueueUpload({ ...target, blobName: `some/${name}`, filePath: path.join(up, name) })));
    await engine.idle();
    const uploadStalls = proxy.faults.stalled;
    const down = path.join(work, 'some-down');
    for (const name of names) engine.enqueueDownload({ ...target, blobName: `some/${name}`, filePath: path.join(down, name) });
    await engine.idle();

    const jobs = engine.list().jobs;
    expect(jobs.filter((j) => j.state !== 'done').map((j) => [j.source, j.error?.message])).toEqual([]);
    expect(await listFiles(down)).toEqual([...names].sort());
    for (const name of names) expect(await sha256File(path.join(down, name)), name).toBe(await sha256File(path.join(up, name)));
    expect(uploadStalls).toBeGreaterThan(0);
    expect(proxy.faults.stalled).toBeGreaterThan(uploadStalls);
    expect(engine.stats.retries).toBe(proxy.faults.stalled);
    expect(jobs.reduce((sum, j) => sum + j.retries, 0)).toBe(engine.stats.retries);
    // Each retried job says why in its row.
    const retried = jobs.filter((j) => j.retries > 0);
    expect(retried.length).toBeGreaterThan(0);
    for (const job of retried) expect(job.retryReason).toMatch(STALLED);
    const props = await direct.getContainerClient(CONTAINER).getBlobClient('some/big.bin').getProperties();
    expect(props.contentLength).toBe(12 * MiB + 123);
  }, 90_000);

  it('that never answers fails the job with the stall as its reason after the last attempt, writing nothing', async () => {
    const { proxy, target } = await through({ throttle: Infinity, drop: Infinity, cut: Infinity, stall: 1 });
    const engine = engineWith({ stallTimeoutMs: 1000, retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 } });
    const up = path.join(work, 'all-up');
    await writeRandomFile(path.join(up, 'big.bin'), 6 * MiB);
    await writeRandomFile(path.join(up, 'small.bin'), 20_000);
    await direct.getContainerClient(CONTAINER).getBlockBlobClient('all/there.bin').uploadData(Buffer.alloc(300 * KiB, 7));
    const ids = [
      await engine.enqueueUpload({ ...target, blobName: 'all/big.bin', filePath: path.join(up, 'big.bin') }),
      await engine.enqueueUpload({ ...target, blobName: 'all/small.bin', filePath: path.join(up, 'small.bin') }),
      engine.enqueueDownload({ ...target, blobName: 'all/there.bin', filePath: path.join(work, 'all-down', 'there.bin') }),
    ];
    await engine.idle();

    const jobs = ids.map((id) => engine.job(id));
    expect(jobs.map((j) => [j.state, j.retries, j.error?.code])).toEqual(jobs.map(() => ['failed', 2, 'UNREACHABLE']));
    for (const job of jobs) {
      expect(job.error?.message).toMatch(STALLED);
      expect(job.retryReason).toMatch(STALLED);
    }
    expect(proxy.faults.stalled).toBe(9);
    const names: string[] = [];
    for await (const blob of direct.getContainerClient(CONTAINER).listBlobsFlat({ prefix: 'all/' })) names.push(blob.name);
    expect(names).toEqual(['all/there.bin']);
    expect(await exists(path.join(work, 'all-down', 'there.bin'))).toBe(false);
  }, 60_000);
});

describe('a slow transfer that moves', () => {
  it('is not aborted while it waits its turn under the bandwidth cap', async () => {
    const engine = engineWith({ stallTimeoutMs: PATIENT_MS, bandwidth: 64 * KiB });
    const service = new BlobServiceClient(endpoint, credential);
    const target = { workspaceId: 'stall', service, endpoint, container: CONTAINER };
    const up = path.join(work, 'capped-up');
    const names = await writeSmallFiles(up, 3, 64 * KiB);
    await Promise.all(names.map((name) => engine.enqueueUpload({ ...target, blobName: `capped/${name}`, filePath: path.join(up, name) })));
    await engine.idle();
    // A download waits for the cap between the chunks it reads, each longer than the stall timeout at this cap.
    engine.setLimits({ bandwidth: 16 * KiB });
    await writeRandomFile(path.join(up, 'range.bin'), 128 * KiB);
    await direct.getContainerClient(CONTAINER).getBlockBlobClient('capped/range.bin').uploadFile(path.join(up, 'range.bin'));
    engine.enqueueDownload({ ...target, blobName: 'capped/range.bin', filePath: path.join(work, 'capped-down', 'range.bin') });
    await engine.idle();

    const jobs = engine.list().jobs;
    expect(jobs.map((j) => [j.source, j.state, j.retries])).toEqual(jobs.map((j) => [j.source, 'done', 0]));
    expect(await sha256File(path.join(work, 'capped-down', 'range.bin'))).toBe(await sha256File(path.join(up, 'range.bin')));
  }, 60_000);

  it('is not aborted on a thin link whose bytes keep coming, however long the request takes', async () => {
    // 384 KiB at 48 KiB/s: 8 s in all, well past the watchdog's timeout.
    const { target } = await through({ throttle: Infinity, drop: Infinity, cut: Infinity, trickle: 48 * KiB });
    const engine = engineWith({ stallTimeoutMs: PATIENT_MS, retry: { maxAttempts: 1, baseDelayMs: 20, maxDelayMs: 100 } });
    const file = path.join(work, 'thin-up', 'thin.bin');
    await writeRandomFile(file, 384 * KiB);
    await direct.getContainerClient(CONTAINER).getBlockBlobClient('thin/thin.bin').uploadFile(file);
    const id = engine.enqueueDownload({ ...target, blobName: 'thin/thin.bin', filePath: path.join(work, 'thin-down', 'thin.bin') });
    await engine.idle();

    expect([engine.job(id).state, engine.job(id).error?.message]).toEqual(['done', undefined]);
    expect(await sha256File(path.join(work, 'thin-down', 'thin.bin'))).toBe(await sha256File(file));
  }, 60_000);
});
