import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { TransferEngine } from '../../electron/transfer/engine.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from '../../test/harness/azurite.js';
import { startLinkProcess } from '../../test/harness/link-sim/process.js';
import { PROFILES, type ProfileName } from '../../test/harness/link-sim/profiles.js';
import { sha256File, writeRandomFile } from '../../test/harness/transfer-files.js';
import type { Report } from '../report.js';
import { CLIENT_LABELS, downloadBig, downloadSmall, sameFiles, uploadBig, uploadSmall, type ClientName, type Place } from './clients.js';
import { timed, type Run } from './measure.js';

// Each profile in turn, through the link simulator (its own process) in front of one Azurite: the
// engine, the SDK's defaults and the SDK tuned move the same big file and the same small files both
// ways. Every line names profile, direction, size and client, with one ratio against the link's
// capacity (the profile's total cap; for small files files × RTT / the engine's request limit) and
// one against the SDK defaults, so runs compare by grep.

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const CLIENTS: ClientName[] = ['engine', 'sdk', 'tuned'];

export interface LinkBenchData {
  azurite: { port: number; pid: number; endpoint: string; connectionString: string };
  work: string;
  bigFile: string;
  bigBytes: number;
  bigDigest: string;
  smallDir: string;
  smallNames: string[];
}

const sizeLabel = (bytes: number) => (bytes === GiB ? '1 GiB' : `${Math.round(bytes / MiB)} MiB`);

function figures(line: string, run: Run, bytes: number, capacitySeconds: number, files?: number): void {
  const rate = files ? `${(files / run.seconds).toFixed(0)} files/s` : `${(bytes / MiB / run.seconds).toFixed(1)} MiB/s`;
  const perGiB = files ? `${run.cpu.toFixed(1)} s` : `${(run.cpu / (bytes / GiB)).toFixed(1)} s/GiB`;
  // Small files: the service's CPU per file says how fast it could go with a core to itself.
  const service = files ? `, Azurite CPU ${((run.serviceCpu / files) * 1000).toFixed(2)} ms per file` : `, Azurite CPU ${(run.serviceCpu / (bytes / GiB)).toFixed(1)} s/GiB`;
  const simulator = files ? `${run.linkCpu.toFixed(1)} s` : `${(run.linkCpu / (bytes / GiB)).toFixed(1)} s/GiB`;
  const rss = `peak RSS ${(run.peakRss / MiB).toFixed(0)} MiB (${(run.startRss / MiB).toFixed(0)} MiB at its start)`;
  console.log(
    `${line} figures: ${rate}, ${((capacitySeconds / run.seconds) * 100).toFixed(0)}% of link capacity, ${rss}, client CPU ${perGiB}${service}, simulator CPU ${simulator}, machine CPU ${(run.machineBusy * 100).toFixed(0)}% busy`,
  );
}

function reportClients(report: Report, what: string, runs: Record<ClientName, Run>, capacity: number, bytes: number, files?: number): void {
  // Small files' ideal can be milliseconds: their lines count in milliseconds.
  const [unit, scale] = files ? ['ms', 1000] : ['s', 1];
  const value = (seconds: number) => Number((seconds * scale).toFixed(2));
  for (const client of CLIENTS) {
    const line = `${what}, ${CLIENT_LABELS[client]}`;
    report({ name: line, value: value(runs[client].seconds), unit, baseline: { name: 'link capacity', value: value(capacity) } });
    if (client !== 'sdk') report({ name: line, value: value(runs[client].seconds), unit, baseline: { name: 'SDK defaults', value: value(runs.sdk.seconds) } });
    figures(line, runs[client], bytes, capacity, files);
  }
}

async function eachClient(pids: { service: number; link: number }, run: (client: ClientName) => Promise<void>, check?: (client: ClientName) => Promise<void>): Promise<Record<ClientName, Run>> {
  const runs = {} as Record<ClientName, Run>;
  for (const client of CLIENTS) {
    runs[client] = await timed(() => run(client), pids.service, pids.link);
    await check?.(client);
  }
  return runs;
}

/**
 * The engine runs from source here, and its hashing threads start through tsx's loader: 0.5 s on a
 * quiet machine, 2.4 s at a load of 18, against 42 ms built (as the app runs them). One small
 * upload before timing starts them, so the figures are the app's.
 */
async function warmUp(place: Place, work: string, direct: ContainerClient): Promise<void> {
  const file = path.join(work, 'warm-up.bin');
  await writeRandomFile(file, 5 * MiB);
  await place.engine.enqueueUpload({ ...place.target, blobName: 'warm-up.bin', filePath: file });
  await place.engine.idle();
  place.engine.clearFinished();
  await direct.deleteBlob('warm-up.bin');
}

async function profileRun(report: Report, name: ProfileName, data: LinkBenchData): Promise<void> {
  const profile = PROFILES[name];
  const link = await startLinkProcess({ host: '127.0.0.1', port: data.azurite.port }, name);
  const endpoint = link.through(data.azurite.endpoint);
  const service = new BlobServiceClient(endpoint, new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY));
  const containerName = `link-${name}`;
  const direct = BlobServiceClient.fromConnectionString(data.azurite.connectionString).getContainerClient(containerName);
  await direct.create();
  const engine = new TransferEngine();
  const place: Place = { engine, container: service.getContainerClient(containerName), target: { workspaceId: 'bench', service, endpoint, container: containerName } };
  const down = path.join(data.work, `down-${name}`);
  const pids = { service: data.azurite.pid, link: link.pid };
  try {
    const big = sizeLabel(data.bigBytes);
    const capacity = data.bigBytes / profile.total;
    await warmUp(place, data.work, direct);
    const up = await eachClient(
      pids,
      (client) => uploadBig(place, client, data.bigFile, `${client}.bin`),
      async (client) => {
        const failed = engine.list().jobs.filter((j) => j.state !== 'done');
        if (client === 'engine' && failed.length > 0) throw new Error(`The engine's upload failed: ${failed[0].error?.message}`);
      },
    );
    reportClients(report, `${name} upload ${big}`, up, capacity, data.bigBytes);
    if ((await direct.getBlobClient('engine.bin').getProperties()).contentMD5 === undefined) throw new Error('The engine committed no Content-MD5.');
    await mkdir(down, { recursive: true });
    const dl = await eachClient(
      pids,
      (client) => downloadBig(place, client, 'engine.bin', path.join(down, `${client}.bin`)),
      async (client) => {
        const file = path.join(down, `${client}.bin`);
        if ((await sha256File(file)) !== data.bigDigest) throw new Error(`${CLIENT_LABELS[client]} downloaded different bytes.`);
        await rm(file);
      },
    );
    reportClients(report, `${name} download ${big}`, dl, capacity, data.bigBytes);
    for (const client of CLIENTS) await direct.deleteBlob(`${client}.bin`);

    const count = data.smallNames.length;
    const small = `${count.toLocaleString('en')} × 4 KiB`;
    let limit = 0;
    const watch = setInterval(() => (limit = Math.max(limit, engine.concurrency)), 50);
    const upSmall = await eachClient(pids, (client) => uploadSmall(place, client, data.smallDir, data.smallNames, client));
    const downSmall = await eachClient(pids, async (client) => {
      const folder = path.join(down, `small-${client}`);
      await downloadSmall(place, client, 'engine', data.smallNames, folder);
      if (!(await sameFiles(data.smallDir, folder, data.smallNames))) throw new Error(`${CLIENT_LABELS[client]} downloaded different small files.`);
    });
    clearInterval(watch);
    limit = Math.max(limit, engine.concurrency);
    const ideal = (count * profile.rttMs) / 1000 / limit;
    console.log(`(${name}: small files' link capacity = ${count} files × ${profile.rttMs} ms / ${limit} requests in flight, the engine's highest request limit)`);
    reportClients(report, `${name} upload ${small}`, upSmall, ideal, count * 4096, count);
    reportClients(report, `${name} download ${small}`, downSmall, ideal, count * 4096, count);
  } finally {
    engine.close();
    await link.stop();
    await direct.deleteIfExists();
    await rm(down, { recursive: true, force: true });
  }
}

export async function linkTransfers(report: Report, profiles: readonly ProfileName[], data: LinkBenchData): Promise<void> {
  for (const name of profiles) await profileRun(report, name, data);
}
