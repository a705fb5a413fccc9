import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { TransferEngine } from '../../electron/transfer/engine.js';
import { startAzurite } from '../../test/harness/azurite.js';
import { sha256File, watchRss, writeRandomFile } from '../../test/harness/transfer-files.js';
import type { Report } from '../report.js';

// The transfer engine against the SDK's own helpers, on one Azurite persisting to disk: a 1 GiB
// upload and download (engine vs uploadFile / downloadToFile with default options, and vs a raw
// 8 MiB × 16 in-flight loop as the ceiling any client reached), and 2,000 files of 4 KiB (engine vs
// a sequential loop, and vs 32 raw uploads in flight). Times in seconds: the ratio is the speed-up.

const MiB = 1024 * 1024;
const BIG = 1024 * MiB;
const BLOCK = 8 * MiB;
const IN_FLIGHT = 16;
const SMALL = 2000;
const SMALL_SIZE = 4096;
const CONTAINER = 'bench-transfer';

/**
 * Every run starts with nothing left to write back: otherwise the kernel flushing the previous run's
 * gigabyte (or the test file just written) slows whichever client comes next.
 */
async function timed(fn: () => Promise<void>): Promise<number> {
  execFileSync('sync');
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** Raw Put Block of 8 MiB blocks read from the file, 16 in flight, then Put Block List. */
async function rawStaged(container: ContainerClient, name: string, file: string): Promise<void> {
  const blob = container.getBlockBlobClient(name);
  const handle = await open(file, 'r');
  const count = Math.ceil(BIG / BLOCK);
  const ids = Array.from({ length: count }, (_, i) => Buffer.from(`block-${String(i).padStart(6, '0')}`).toString('base64'));
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < count) {
          const i = next++;
          const length = Math.min(BLOCK, BIG - i * BLOCK);
          const data = Buffer.allocUnsafe(length);
          await handle.read(data, 0, length, i * BLOCK);
          await blob.stageBlock(ids[i], data, length);
        }
      }),
    );
  } finally {
    await handle.close();
  }
  await blob.commitBlockList(ids);
}

/** Raw ranged GETs of 8 MiB, 16 in flight, each written at its offset. */
async function rawRanged(container: ContainerClient, name: string, file: string): Promise<void> {
  const blob = container.getBlobClient(name);
  const handle = await open(file, 'w');
  const count = Math.ceil(BIG / BLOCK);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < count) {
          const i = next++;
          const response = await blob.download(i * BLOCK, BLOCK);
          let at = i * BLOCK;
          for await (const chunk of response.readableStreamBody ?? []) {
            const bytes = chunk as Buffer;
            await handle.write(bytes, 0, bytes.length, at);
            at += bytes.length;
          }
        }
      }),
    );
  } finally {
    await handle.close();
  }
}

function rate(bytes: number, seconds: number): string {
  return `${(bytes / MiB / seconds).toFixed(0)} MiB/s`;
}

export async function run(report: Report): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'stratus-bench-transfer-'));
  const azurite = await startAzurite({ inMemory: false, location: path.join(work, 'azurite') });
  const engine = new TransferEngine();
  try {
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient(CONTAINER);
    await container.create();
    const target = { workspaceId: 'bench', service, endpoint: azurite.endpoint, container: CONTAINER };
    const file = path.join(work, 'big.bin');
    await writeRandomFile(file, BIG);
    const digest = await sha256File(file);

    // Upload: engine first (so its memory is not mixed with what the SDK leaves behind), SDK default, raw ceiling.
    const rssBefore = process.memoryUsage.rss();
    const rssUp = watchRss();
    const engineUp = await timed(async () => {
      await engine.enqueueUpload({ ...target, blobName: 'engine.bin', filePath: file });
      await engine.idle();
    });
    const peakUp = rssUp.stop();
    const sdkUp = await timed(() => container.getBlockBlobClient('sdk.bin').uploadFile(file).then(() => undefined));
    const rawUp = await timed(() => rawStaged(container, 'raw.bin', file));
    await container.deleteBlob('raw.bin');
    const fastestUp = Math.min(sdkUp, engineUp, rawUp);
    report({ name: `upload 1 GiB, engine (${rate(BIG, engineUp)}; goal ≥ 1.5×)`, value: engineUp, unit: 's', baseline: { name: `uploadFile defaults (${rate(BIG, sdkUp)})`, value: sdkUp } });
    report({ name: 'upload 1 GiB, engine vs the fastest client (goal ≥ 0.91×)', value: engineUp, unit: 's', baseline: { name: `fastest: ${fastestUp === rawUp ? '8 MiB × 16 stageBlock' : fastestUp === sdkUp ? 'uploadFile' : 'engine'} (${rate(BIG, fastestUp)})`, value: fastestUp } });

    // Download the engine's blob (it carries Content-MD5, which the engine verifies).
    const blob = container.getBlobClient('engine.bin');
    const rssDown = watchRss();
    const engineFile = path.join(work, 'down', 'engine.bin');
    const engineDown = await timed(async () => {
      engine.enqueueDownload({ ...target, blobName: 'engine.bin', filePath: engineFile });
      await engine.idle();
    });
    const peakDown = rssDown.stop();
    const sdkFile = path.join(work, 'sdk-down.bin');
    const sdkDown = await timed(() => blob.downloadToFile(sdkFile).then(() => undefined));
    await rm(sdkFile);
    if ((await sha256File(engineFile)) !== digest) throw new Error('The engine downloaded different bytes.');
    await rm(engineFile);
    const rawFile = path.join(work, 'raw-down.bin');
    const rawDown = await timed(() => rawRanged(container, 'engine.bin', rawFile));
    await rm(rawFile);
    // The same engine on a blob without Content-MD5 (uploadFile sets none): transport alone, no check.
    const plainFile = path.join(work, 'down', 'sdk.bin');
    const enginePlain = await timed(async () => {
      engine.enqueueDownload({ ...target, blobName: 'sdk.bin', filePath: plainFile });
      await engine.idle();
    });
    await rm(plainFile);
    await container.deleteBlob('sdk.bin');
    const fastestDown = Math.min(sdkDown, engineDown, rawDown);
    report({ name: `download 1 GiB, engine with MD5 check (${rate(BIG, engineDown)}; goal ≥ 2×)`, value: engineDown, unit: 's', baseline: { name: `downloadToFile defaults (${rate(BIG, sdkDown)})`, value: sdkDown } });
    report({ name: 'download 1 GiB, engine vs the fastest client (goal ≥ 0.91×)', value: engineDown, unit: 's', baseline: { name: `fastest: ${fastestDown === rawDown ? '8 MiB × 16 ranged GETs' : fastestDown === sdkDown ? 'downloadToFile' : 'engine'} (${rate(BIG, fastestDown)})`, value: fastestDown } });
    report({ name: `download 1 GiB, engine, blob without Content-MD5 (${rate(BIG, enginePlain)})`, value: enginePlain, unit: 's', baseline: { name: `downloadToFile defaults (${rate(BIG, sdkDown)})`, value: sdkDown } });
    const peak = Math.max(peakUp, peakDown);
    report({ name: `peak RSS during the engine’s 1 GiB transfers (growth over the ${Math.round(rssBefore / MiB)} MiB before them)`, value: Math.round((peak - rssBefore) / MiB), unit: 'MiB', baseline: { name: 'limit', value: 300 } });
    report({ name: 'peak RSS of the whole bench process during them', value: Math.round(peak / MiB), unit: 'MiB', baseline: { name: 'limit', value: 300 } });
    await container.deleteBlob('engine.bin');
    await rm(file);

    // 2,000 files of 4 KiB: sequential loop, engine, 32 raw uploads in flight.
    const small = path.join(work, 'small');
    await mkdir(small);
    const names = Array.from({ length: SMALL }, (_, i) => `f${i}.bin`);
    for (const name of names) await writeFile(path.join(small, name), randomBytes(SMALL_SIZE));
    const sequential = await timed(async () => {
      for (const name of names) {
        const data = await readFile(path.join(small, name));
        await container.getBlockBlobClient(`seq/${name}`).upload(data, data.length);
      }
    });
    const engineSmall = await timed(async () => {
      await Promise.all(names.map((name) => engine.enqueueUpload({ ...target, blobName: `engine/${name}`, filePath: path.join(small, name) })));
      await engine.idle();
    });
    let next = 0;
    const raw32 = await timed(async () => {
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < names.length) {
            const name = names[next++];
            const data = await readFile(path.join(small, name));
            await container.getBlockBlobClient(`raw/${name}`).upload(data, data.length);
          }
        }),
      );
    });
    const filesPerSecond = (s: number) => `${(SMALL / s).toFixed(0)} files/s`;
    const fastestSmall = Math.min(sequential, engineSmall, raw32);
    report({ name: `2,000 × 4 KiB uploads, engine (${filesPerSecond(engineSmall)}; goal ≥ 2×)`, value: engineSmall, unit: 's', baseline: { name: `sequential loop (${filesPerSecond(sequential)})`, value: sequential } });
    report({ name: '2,000 × 4 KiB uploads, engine vs the fastest client (goal ≥ 0.91×)', value: engineSmall, unit: 's', baseline: { name: `fastest: ${fastestSmall === raw32 ? '32 raw uploads in flight' : fastestSmall === sequential ? 'sequential' : 'engine'} (${filesPerSecond(fastestSmall)})`, value: fastestSmall } });
    report({ name: 'engine retries during the bench', value: Math.max(engine.stats.retries, 0), unit: 'retries', baseline: { name: 'requests sent', value: engine.stats.putBlob + engine.stats.putBlock + engine.stats.rangeGet + engine.stats.commitBlockList } });
  } finally {
    engine.close();
    await azurite.stop();
    await rm(work, { recursive: true, force: true });
  }
}
