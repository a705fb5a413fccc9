import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { mapLimited } from '../../electron/core/limit.js';
import { TransferEngine } from '../../electron/transfer/engine.js';
import { startAzurite } from '../../test/harness/azurite.js';
import { repoRoot } from '../../test/harness/repo.js';
import { sha256File, writeRandomFile } from '../../test/harness/transfer-files.js';
import { LINK_PROFILES, profileNamed, type ProfileName } from '../../test/harness/link-sim/profiles.js';
import { cpuSecondsOf } from '../link/measure.js';
import { simulatorFigures } from '../link/simulator.js';
import { linkTransfers } from '../link/transfers.js';
import type { Report } from '../report.js';

// The transfer engine against the SDK's own helpers, on one Azurite persisting to disk: a 1 GiB
// upload and download (engine vs uploadFile / downloadToFile with default options, and vs a raw
// 8 MiB × 16 in-flight loop as the ceiling any client reached), and 2,000 files of 4 KiB (engine vs
// a sequential loop, and vs 32 raw uploads in flight). Times in seconds: the ratio is the speed-up.
// CPU seconds of this process and of Azurite show where the time went: on two cores the engine's
// MD5 work (each block, and the whole file, as the issue asks) competes with Azurite's own.

const execFileAsync = promisify(execFile);
const MiB = 1024 * 1024;
// TRANSFER_BENCH_BIG_MIB and TRANSFER_BENCH_SMALL_FILES scale the data down for quick runs;
// TRANSFER_BENCH_PROFILES picks link profiles ('' for none), TRANSFER_BENCH_LOOPBACK=0 skips loopback.
const BIG = Math.round(Number(process.env.TRANSFER_BENCH_BIG_MIB ?? 1024) * MiB);
const BIG_LABEL = BIG === 1024 * MiB ? '1 GiB' : `${BIG / MiB} MiB`;
const BLOCK = 8 * MiB;
const IN_FLIGHT = 16;
const SMALL = Number(process.env.TRANSFER_BENCH_SMALL_FILES ?? 2000);
const SMALL_LABEL = `${SMALL.toLocaleString('en')} × 4 KiB`;
const PROFILES_RUN = (process.env.TRANSFER_BENCH_PROFILES ?? LINK_PROFILES.join(',')).split(',').filter((p) => p !== '').map((p) => profileNamed(p).name as ProfileName);
const LOOPBACK = process.env.TRANSFER_BENCH_LOOPBACK !== '0';
const SMALL_SIZE = 4096;
const CONTAINER = 'bench-transfer';

const BLOCKS = Math.ceil(BIG / BLOCK);
const indexes = Array.from({ length: BLOCKS }, (_, i) => i);

/** Raw Put Block of 8 MiB blocks read from the file, 16 in flight, then Put Block List. */
async function rawStaged(container: ContainerClient, name: string, file: string): Promise<void> {
  const blob = container.getBlockBlobClient(name);
  const handle = await open(file, 'r');
  const ids = indexes.map((i) => Buffer.from(`block-${String(i).padStart(6, '0')}`).toString('base64'));
  try {
    await mapLimited(indexes, IN_FLIGHT, async (i) => {
      const length = Math.min(BLOCK, BIG - i * BLOCK);
      const data = Buffer.allocUnsafe(length);
      await handle.read(data, 0, length, i * BLOCK);
      await blob.stageBlock(ids[i], data, length);
    });
  } finally {
    await handle.close();
  }
  await blob.commitBlockList(ids);
}

/** Raw ranged GETs of 8 MiB, 16 in flight, each written at its offset. */
async function rawRanged(container: ContainerClient, name: string, file: string): Promise<void> {
  const blob = container.getBlobClient(name);
  const handle = await open(file, 'w');
  try {
    await mapLimited(indexes, IN_FLIGHT, async (i) => {
      const response = await blob.download(i * BLOCK, BLOCK);
      let at = i * BLOCK;
      for await (const chunk of response.readableStreamBody ?? []) {
        const bytes = chunk as Buffer;
        await handle.write(bytes, 0, bytes.length, at);
        at += bytes.length;
      }
    });
  } finally {
    await handle.close();
  }
}

function rate(bytes: number, seconds: number): string {
  return `${(bytes / MiB / seconds).toFixed(0)} MiB/s`;
}

const ROUNDS = Math.max(1, Number(process.env.STRATUS_BENCH_ROUNDS ?? 3));

interface Run {
  seconds: number;
  /** CPU seconds of this process (every thread) and of Azurite during the run. */
  clientCpu: number;
  serverCpu: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Each client runs once per round, in an order that rotates between rounds, and its median run
 * counts: on two cores shared with the emulator one run says little, and whichever client goes
 * right after a gigabyte was written pays for the kernel flushing it.
 */
async function rounds<K extends string>(clients: Record<K, () => Promise<void>>, azuritePid: number, after?: (client: K) => Promise<void>): Promise<Record<K, Run>> {
  const names = Object.keys(clients) as K[];
  const runs = Object.fromEntries(names.map((n) => [n, [] as Run[]])) as Record<K, Run[]>;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      execFileSync('sync');
      const cpu = process.cpuUsage();
      const server = cpuSecondsOf(azuritePid);
      const start = performance.now();
      await clients[name]();
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      runs[name].push({ seconds, clientCpu: (used.user + used.system) / 1e6, serverCpu: cpuSecondsOf(azuritePid) - server });
      await after?.(name);
    }
  }
  return Object.fromEntries(
    names.map((n) => [n, { seconds: median(runs[n].map((r) => r.seconds)), clientCpu: median(runs[n].map((r) => r.clientCpu)), serverCpu: median(runs[n].map((r) => r.serverCpu)) }]),
  ) as Record<K, Run>;
}

const cpuNote = (run: Run) => (Number.isNaN(run.serverCpu) ? `CPU ${run.clientCpu.toFixed(1)} s` : `CPU ${run.clientCpu.toFixed(1)} s + Azurite ${run.serverCpu.toFixed(1)} s`);

function fastest<K extends string>(runs: Record<K, Run>, labels: Record<K, string>): { name: string; run: Run } {
  const [name, run] = (Object.entries(runs) as [K, Run][]).reduce((a, b) => (b[1].seconds < a[1].seconds ? b : a));
  return { name: labels[name], run };
}

/** The engine's memory, measured in a process of its own running the compiled engine (see bench/children/engine-memory.ts). */
async function engineMemory(connectionString: string, endpoint: string, file: string, downloadPath: string): Promise<{ before: number; afterUpload: number; peak: number }> {
  // Compiled under node_modules so that its imports resolve as the app's do.
  const out = path.join(repoRoot, 'node_modules/.cache/stratus-bench');
  await execFileAsync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', path.join(repoRoot, 'tsconfig.build.json'), '--outDir', out], { cwd: repoRoot });
  const child = path.join(repoRoot, 'bench/children/engine-memory.ts');
  const engineJs = path.join(out, 'electron/transfer/engine.js');
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', child, engineJs, connectionString, endpoint, CONTAINER, file, 'memory.bin', downloadPath], { cwd: repoRoot, maxBuffer: 1024 * 1024 });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { before: number; afterUpload: number; peak: number; failed: string[] };
  if (result.failed.length > 0) throw new Error(`The engine's transfers failed in the memory run: ${result.failed.join('; ')}`);
  if ((await sha256File(downloadPath)) !== (await sha256File(file))) throw new Error('The memory run downloaded different bytes.');
  await rm(downloadPath);
  return result;
}

interface Loopback {
  azurite: Awaited<ReturnType<typeof startAzurite>>;
  engine: TransferEngine;
  container: ContainerClient;
  target: { workspaceId: string; service: BlobServiceClient; endpoint: string; container: string };
  work: string;
}

/** The 1 GiB upload and download straight to Azurite, against the fastest client doing the same integrity work. */
async function loopbackBig(report: Report, { azurite, engine, container, target, work }: Loopback, file: string, digest: string): Promise<void> {
  console.log(`(${ROUNDS} rounds per client, median shown; STRATUS_BENCH_ROUNDS sets it)`);

  // Upload: the engine, the SDK's default, and the raw 8 MiB × 16 loop.
  let uploadsDone = 0;
  const up = await rounds(
    {
      engine: async () => {
        await engine.enqueueUpload({ ...target, blobName: 'engine.bin', filePath: file });
        await engine.idle();
      },
      sdk: () => container.getBlockBlobClient('sdk.bin').uploadFile(file).then(() => undefined),
      raw: () => rawStaged(container, 'raw.bin', file),
    },
    azurite.pid,
    // The engine uploads create-only: its blob goes before the next round (the last one stays, to download).
    async (client) => {
      if (client === 'engine' && (await container.getBlobClient('engine.bin').getProperties()).contentMD5 === undefined) throw new Error('The engine committed no Content-MD5.');
      if (client === 'engine') uploadsDone++;
      if (client === 'engine' && uploadsDone < ROUNDS) await container.deleteBlob('engine.bin');
    },
  );
  const upLabels = { engine: 'engine', sdk: 'uploadFile', raw: '8 MiB × 16 stageBlock' };
  const upBest = fastest(up, upLabels);
  report({ name: `upload ${BIG_LABEL}, engine (${rate(BIG, up.engine.seconds)}, ${cpuNote(up.engine)}; goal ≥ 1.5×)`, value: up.engine.seconds, unit: 's', baseline: { name: `uploadFile defaults (${rate(BIG, up.sdk.seconds)}, ${cpuNote(up.sdk)})`, value: up.sdk.seconds } });
  report({ name: `upload ${BIG_LABEL}, engine vs the fastest client (goal ≥ 0.91×)`, value: up.engine.seconds, unit: 's', baseline: { name: `fastest: ${upBest.name} (${rate(BIG, upBest.run.seconds)}, ${cpuNote(upBest.run)})`, value: upBest.run.seconds } });
  await container.deleteBlob('raw.bin');

  // Download the engine's blob (it carries Content-MD5, which the engine verifies) and, for the
  // transport alone, the SDK's blob, which has none.
  const down = path.join(work, 'down');
  const engineFile = path.join(down, 'engine.bin');
  const plainFile = path.join(down, 'sdk.bin');
  const otherFile = path.join(work, 'other.bin');
  const dl = await rounds(
    {
      engine: async () => {
        engine.enqueueDownload({ ...target, blobName: 'engine.bin', filePath: engineFile });
        await engine.idle();
      },
      sdk: () => container.getBlobClient('engine.bin').downloadToFile(otherFile).then(() => undefined),
      raw: () => rawRanged(container, 'engine.bin', otherFile),
      plain: async () => {
        engine.enqueueDownload({ ...target, blobName: 'sdk.bin', filePath: plainFile });
        await engine.idle();
      },
    },
    azurite.pid,
    async (client) => {
      if (client === 'engine' && (await sha256File(engineFile)) !== digest) throw new Error('The engine downloaded different bytes.');
      await rm(client === 'engine' ? engineFile : client === 'plain' ? plainFile : otherFile);
    },
  );
  // The engine without MD5 moves the same bytes but checks nothing: not a client the goal compares with.
  const dlBest = fastest({ engine: dl.engine, sdk: dl.sdk, raw: dl.raw }, { engine: 'engine', sdk: 'downloadToFile', raw: '8 MiB × 16 ranged GETs' });
  report({ name: `download ${BIG_LABEL}, engine with MD5 check (${rate(BIG, dl.engine.seconds)}, ${cpuNote(dl.engine)}; goal ≥ 2×)`, value: dl.engine.seconds, unit: 's', baseline: { name: `downloadToFile defaults (${rate(BIG, dl.sdk.seconds)}, ${cpuNote(dl.sdk)})`, value: dl.sdk.seconds } });
  report({ name: `download ${BIG_LABEL}, engine vs the fastest client (goal ≥ 0.91×)`, value: dl.engine.seconds, unit: 's', baseline: { name: `fastest: ${dlBest.name} (${rate(BIG, dlBest.run.seconds)}, ${cpuNote(dlBest.run)})`, value: dlBest.run.seconds } });
  report({ name: `download ${BIG_LABEL}, engine, blob without Content-MD5 (${rate(BIG, dl.plain.seconds)}, ${cpuNote(dl.plain)})`, value: dl.plain.seconds, unit: 's', baseline: { name: `downloadToFile defaults (${rate(BIG, dl.sdk.seconds)})`, value: dl.sdk.seconds } });
  const memory = await engineMemory(azurite.connectionString, azurite.endpoint, file, path.join(work, 'memory.bin'));
  report({ name: `peak RSS of a process running only the engine’s ${BIG_LABEL} upload and download (${Math.round(memory.before / MiB)} MiB before them, ${Math.round(memory.afterUpload / MiB)} MiB at the upload’s peak)`, value: Math.round(memory.peak / MiB), unit: 'MiB', baseline: { name: 'limit', value: 300 } });
  await container.deleteBlob('engine.bin');
  await container.deleteBlob('sdk.bin');
}

/** The small files straight to Azurite. */
async function loopbackSmall(report: Report, { azurite, engine, container, target }: Loopback, small: string, names: string[]): Promise<void> {
  let batch = 0;
  const files = await rounds(
    {
      sequential: async () => {
        const prefix = `seq${batch++}`;
        for (const name of names) {
          const data = await readFile(path.join(small, name));
          await container.getBlockBlobClient(`${prefix}/${name}`).upload(data, data.length);
        }
      },
      engine: async () => {
        const prefix = `engine${batch++}`;
        await Promise.all(names.map((name) => engine.enqueueUpload({ ...target, blobName: `${prefix}/${name}`, filePath: path.join(small, name) })));
        await engine.idle();
      },
      raw: async () => {
        const prefix = `raw${batch++}`;
        await mapLimited(names, 32, async (name) => {
          const data = await readFile(path.join(small, name));
          await container.getBlockBlobClient(`${prefix}/${name}`).upload(data, data.length);
        });
      },
    },
    azurite.pid,
  );
  const filesPerSecond = (r: Run) => `${(SMALL / r.seconds).toFixed(0)} files/s, ${cpuNote(r)}`;
  const smallBest = fastest(files, { sequential: 'sequential', engine: 'engine', raw: '32 raw uploads in flight' });
  report({ name: `${SMALL_LABEL} uploads, engine (${filesPerSecond(files.engine)}; goal ≥ 2×)`, value: files.engine.seconds, unit: 's', baseline: { name: `sequential loop (${filesPerSecond(files.sequential)})`, value: files.sequential.seconds } });
  report({ name: `${SMALL_LABEL} uploads, engine vs the fastest client (goal ≥ 0.91×)`, value: files.engine.seconds, unit: 's', baseline: { name: `fastest: ${smallBest.name} (${filesPerSecond(smallBest.run)})`, value: smallBest.run.seconds } });
  const sent = engine.stats.putBlob + engine.stats.putBlock + engine.stats.rangeGet + engine.stats.commitBlockList;
  report({ name: `engine requests during the bench (${engine.stats.retries} retried)`, value: sent, unit: 'requests', baseline: { name: 'the same without retries', value: sent - engine.stats.retries } });
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
    const loopback: Loopback = { azurite, engine, container, target, work };
    if (LOOPBACK) await loopbackBig(report, loopback, file, digest);

    // 2,000 files of 4 KiB, written once for every client and profile.
    const small = path.join(work, 'small');
    await mkdir(small);
    const names = Array.from({ length: SMALL }, (_, i) => `f${i}.bin`);
    for (const name of names) await writeFile(path.join(small, name), randomBytes(SMALL_SIZE));
    if (LOOPBACK) await loopbackSmall(report, loopback, small, names);

    if (PROFILES_RUN.length > 0) {
      console.log(`(link profiles: ${PROFILES_RUN.join(', ')}; one run per client, on a machine shared with other work)`);
      await simulatorFigures(report, PROFILES_RUN);
      await linkTransfers(report, PROFILES_RUN, { azurite, work, bigFile: file, bigBytes: BIG, bigDigest: digest, smallDir: small, smallNames: names });
    }
  } finally {
    engine.close();
    await azurite.stop();
    await rm(work, { recursive: true, force: true });
  }
}
