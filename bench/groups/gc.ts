import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { AzureObjectStore } from '../../electron/azure/azure-object-store.js';
import { Limiter } from '../../electron/core/limit.js';
import { countingStore, planMetaflow, SCAN_CONCURRENCY } from '../../electron/gc/metaflow/plan.js';
import { LocalObjectStore } from '../../electron/storage/local-object-store.js';
import type { ObjectStore } from '../../electron/storage/object-store.js';
import { startAzurite } from '../../test/harness/azurite.js';
import type { Report } from '../report.js';

// gc plan time for a big content-addressed store, against the time to merely list the same blobs
// and read the same indexes with the same parallelism (what any plan must at least do):
// 200,000 CAS blobs named by 20,000 task indexes in a local folder, and 20,000 in Azurite.
// Every task names 10 artifacts of its own; 0.5% of the store is unreferenced garbage.

const FLOW = 'BenchFlow';
const ARTIFACTS_PER_TASK = 10;
const TASKS_PER_RUN = 100;
const GARBAGE_EVERY = 200;
const REPEATS = 3;
const WRITE_IN_FLIGHT = 32;
const GRACE_HOURS = 168;
/** Plans run on a clock past the grace period, so the just-written garbage counts as old. */
const LATER = 8 * 86_400_000;

type Write = (name: string, body: Buffer) => Promise<void>;

function sha(): string {
  return randomBytes(20).toString('hex');
}

/** Writes the datastore: `tasks` task indexes with their own artifacts, plus garbage. Returns the blob count in data/. */
async function generate(tasks: number, write: Write): Promise<number> {
  const limiter = new Limiter(WRITE_IN_FLIGHT);
  const pending: Promise<void>[] = [];
  let cas = 0;
  const put = (name: string, body: Buffer) => pending.push(limiter.run(() => write(name, body)));
  for (let t = 0; t < tasks; t++) {
    const run = String(1_800_000_000_000_000 + Math.floor(t / TASKS_PER_RUN));
    const objects: Record<string, string> = {};
    for (let a = 0; a < ARTIFACTS_PER_TASK; a++) {
      const key = sha();
      objects[`artifact_${a}`] = key;
      put(`${FLOW}/data/${key.slice(0, 2)}/${key}`, randomBytes(32));
      cas++;
      if (cas % GARBAGE_EVERY === 0) {
        const junk = sha();
        put(`${FLOW}/data/${junk.slice(0, 2)}/${junk}`, randomBytes(32));
        cas++;
      }
    }
    const body = Buffer.from(JSON.stringify({ datastore: 'azure', version: '1.0', attempt: 0, objects, info: {} }));
    put(`${FLOW}/${run}/work/${(t % TASKS_PER_RUN) + 1}/0.data.json`, body);
    // Keep the queue bounded in memory.
    if (pending.length >= 4096) {
      await Promise.all(pending.splice(0));
      process.stderr.write(`gc bench: ${cas} CAS blobs written\n`);
    }
  }
  await Promise.all(pending);
  return cas;
}

/** The baseline: list data/ and every run tree, read every index; no parsing, no sets, no journal. */
async function listAndRead(source: ObjectStore): Promise<number> {
  const { store, requests } = countingStore(source);
  const limiter = new Limiter(SCAN_CONCURRENCY);
  const listData = async () => {
    const top = await limiter.run(() => store.listHierarchy(`${FLOW}/data/`));
    await Promise.all(top.prefixes.map((p) => limiter.run(() => store.listAll(p))));
  };
  const readIndexes = async () => {
    const top = await limiter.run(() => store.listHierarchy(`${FLOW}/`));
    await Promise.all(
      top.prefixes
        .filter((p) => p !== `${FLOW}/data/`)
        .map(async (run) => {
          const tree = await limiter.run(() => store.listAll(run));
          await Promise.all(tree.filter((o) => o.name.endsWith('.data.json')).map((o) => limiter.run(() => store.read(o.name))));
        }),
    );
  };
  await Promise.all([listData(), readIndexes()]);
  return requests();
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function compare(report: Report, label: string, store: ObjectStore, expectedCas: number): Promise<void> {
  const planMs: number[] = [];
  const baseMs: number[] = [];
  let planRequests = 0;
  let baseRequests = 0;
  for (let i = 0; i < REPEATS; i++) {
    process.stderr.write(`gc bench: ${label} round ${i + 1} of ${REPEATS}\n`);
    // Alternate the order so neither side always runs on a warmer cache.
    const runPlan = async () => {
      const { ms, value } = await timed(() => planMetaflow(store, '', { flows: [FLOW], graceHours: GRACE_HOURS, now: Date.now() + LATER }));
      const flow = value.flows[0];
      if (flow.objects !== expectedCas || flow.candidates !== Math.floor(expectedCas / GARBAGE_EVERY)) {
        throw new Error(`${label}: the plan saw ${flow.objects} blobs and ${flow.candidates} candidates; expected ${expectedCas} and ${Math.floor(expectedCas / GARBAGE_EVERY)}.`);
      }
      planMs.push(ms);
      planRequests = value.requests;
    };
    const runBase = async () => {
      const { ms, value } = await timed(() => listAndRead(store));
      baseMs.push(ms);
      baseRequests = value;
    };
    if (i % 2 === 0) {
      await runBase();
      await runPlan();
    } else {
      await runPlan();
      await runBase();
    }
  }
  report({ name: `${label} gc plan time`, value: median(planMs), unit: 'ms', baseline: { name: 'list + read indexes', value: median(baseMs) } });
  report({ name: `${label} gc plan list+read requests`, value: planRequests, unit: 'requests', baseline: { name: 'list + read indexes', value: baseRequests } });
}

async function localFolder(report: Report): Promise<void> {
  const folder = await mkdtemp(path.join(tmpdir(), 'stratus-bench-gc-'));
  try {
    const made = new Map<string, Promise<unknown>>();
    const cas = await generate(20_000, async (name, body) => {
      const file = path.join(folder, name);
      const dir = path.dirname(file);
      let ready = made.get(dir);
      if (!ready) {
        ready = mkdir(dir, { recursive: true });
        made.set(dir, ready);
      }
      await ready;
      await writeFile(file, body);
    });
    await compare(report, `local folder, ${cas} CAS blobs / 20000 tasks:`, new LocalObjectStore(folder), cas);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function azurite(report: Report): Promise<void> {
  const instance = await startAzurite({ inMemory: true });
  try {
    const container: ContainerClient = BlobServiceClient.fromConnectionString(instance.connectionString).getContainerClient('bench-gc');
    await container.create();
    // 1,990 tasks × 10 artifacts + garbage ≈ 20,000 CAS blobs.
    const cas = await generate(1_990, async (name, body) => {
      await container.getBlockBlobClient(name).uploadData(body);
    });
    const store = new AzureObjectStore(container, instance.endpoint, { kind: 'sharedKey', method: 'bench' });
    await compare(report, `Azurite, ${cas} CAS blobs / 1990 tasks:`, store, cas);
  } finally {
    await instance.stop();
  }
}

export async function run(report: Report): Promise<void> {
  await localFolder(report);
  await azurite(report);
}
