import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AzureObjectStore } from '../../electron/azure/azure-object-store.js';
import { PIPELINE_OPTIONS } from '../../electron/azure/blob-client.js';
import { IndexStore } from '../../electron/index/index-store.js';
import { MetaflowIndex } from '../../electron/index/metaflow-index.js';
import { ArtifactReader, PREVIEW_BYTES, PREVIEW_ITEMS, type JsonPreview } from '../../electron/metaflow/artifacts.js';
import { parseDataJson } from '../../electron/metaflow/data-json.js';
import { IndexedRuns } from '../../electron/metaflow/indexed-runs.js';
import { LocalMetadata } from '../../electron/metaflow/local-metadata.js';
import { blobPreview } from '../../electron/metaflow/pickle/decode-pool.js';
import { MetaflowRuns } from '../../electron/metaflow/runs.js';
import { LocalObjectStore } from '../../electron/storage/local-object-store.js';
import type { HierarchyListing, ListedObject, ObjectRange, ObjectStore } from '../../electron/storage/object-store.js';
import { startAzurite } from '../../test/harness/azurite.js';
import { readFixtureBlobs } from '../../test/harness/metaflow-fixture.js';
import { generateDatastore, type GenerateOptions } from '../../electron/sample/metaflow-datastore.js';
import { storeLargeNdarray } from '../../electron/sample/large-ndarray.js';
import { NDARRAY_TYPE } from '../../electron/sample/python-values.js';
import { startCountingProxy } from '../../test/harness/counting-proxy.js';
import { RequestCounter } from '../../test/harness/request-counter.js';
import { RunSummary } from '../../shared/schemas/metaflow.js';
import type { Report } from '../report.js';
import { coldBrowsingOverOffice } from '../link/cold-browsing.js';
import { cachedColdFlow } from '../cold-flow-cache.js';

// The Metaflow browser's three promises (issue 4):
// 1. Cold open of a 1,000-run flow in Azurite, as `metaflow.runs` does it with an empty index: one
//    hierarchical listing of the flow, then one listing per run folder (never the flow's `data/`
//    CAS), then the reads that give each run its status and start. Baseline: the same code and reads
//    over one flat listing of every blob of the flow (CAS included), the naive way to get a tree.
// 2. Warm reopen of a 10,000-run flow (folder datastore) from the index after the app restarted:
//    time to the rows, against the cold open that filled the index; and the main thread's longest
//    event-loop stall meanwhile, against the same query run on the main thread.
// 3. Preview of the fixture's 8 MiB artifact against decoding it whole.
// 4. Preview of a 1 GiB artifact in Azurite, end to end (ranged reads, gunzip, decode), against
//    downloading its whole blob: time to the first rows, and bytes the service sent (a counting proxy).
// 5. The same cold 1,000-run flow over the office link (bench/link/cold-browsing.ts): time to the first rows and
//    to the first screen's statuses of the window's progressive list, against reading every status first.
//
// METAFLOW_BENCH_PARTS (comma-separated: service, preview, large, cold, office, warm) runs only those parts.

/** Runs of the cold-open flow; METAFLOW_BENCH_COLD_RUNS lowers it where Azurite writes only a few dozen blobs/s (a loaded machine). */
const COLD_RUNS = runCount('METAFLOW_BENCH_COLD_RUNS', 1_000);
const WARM_RUNS = runCount('METAFLOW_BENCH_WARM_RUNS', 10_000);
const CONTAINER = 'bench-metaflow';
// Few blobs per run (≈18: start → end, no user artifacts): Azurite creates only a few hundred per second.
const SHAPE: Omit<GenerateOptions, 'flow' | 'runs'> = { stepsPerRun: 2, artifactsPerTask: 0, retryEvery: 0 };
const REPEATS = 3;
const WARM_REPEATS = 5;
const BIG_ARTIFACT_MIN_BYTES = 8_000_000;
/** float64 elements of the large artifact: 1 GiB of pickle. */
const LARGE_ELEMENTS = 2 ** 27;

function runCount(variable: string, fallback: number): number {
  const value = process.env[variable];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${variable} must be a whole number of runs, not "${value}".`);
  return n;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const since = (started: number) => Math.round(performance.now() - started);
const log = (line: string) => process.stderr.write(`metaflow bench: ${line}\n`);

/**
 * The baseline's store: the first listing under the flow fetches every blob of the flow with one
 * flat listing (CAS included); every later listing under it is answered from that.
 */
class FlatListingStore implements ObjectStore {
  private all: Promise<ListedObject[]> | undefined;
  readonly description: string;

  constructor(
    private readonly inner: ObjectStore,
    private readonly flowPrefix: string,
  ) {
    this.description = `${inner.description}, listed flat`;
  }

  private objects(): Promise<ListedObject[]> {
    this.all ??= this.inner.listAll(this.flowPrefix);
    return this.all;
  }

  async listHierarchy(prefix: string): Promise<HierarchyListing> {
    if (!prefix.startsWith(this.flowPrefix)) return this.inner.listHierarchy(prefix);
    const listing: HierarchyListing = { prefixes: [], objects: [] };
    const seen = new Set<string>();
    for (const object of await this.objects()) {
      if (!object.name.startsWith(prefix)) continue;
      const slash = object.name.indexOf('/', prefix.length);
      if (slash < 0) listing.objects.push(object);
      else {
        const child = object.name.slice(0, slash + 1);
        if (!seen.has(child)) listing.prefixes.push(child);
        seen.add(child);
      }
    }
    return listing;
  }

  async listAll(prefix: string): Promise<ListedObject[]> {
    if (!prefix.startsWith(this.flowPrefix)) return this.inner.listAll(prefix);
    return (await this.objects()).filter((o) => o.name.startsWith(prefix));
  }

  read(name: string): Promise<Buffer> {
    return this.inner.read(name);
  }

  readRange(name: string, offset: number, length: number): Promise<ObjectRange> {
    return this.inner.readRange(name, offset, length);
  }
}

function runsOver(store: ObjectStore, index: Promise<MetaflowIndex | undefined>): IndexedRuns {
  const metadata = new LocalMetadata(store, '');
  return new IndexedRuns(new MetaflowRuns(store, '', new ArtifactReader(store, ''), metadata), metadata, index, () => undefined);
}

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stratus-bench-metaflow-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Cold open with an empty index, as the app does it; the index is thrown away after. */
async function coldOpen(store: ObjectStore, flow: string, dir: string, name: string): Promise<{ ms: number; runs: number }> {
  const index = await MetaflowIndex.open(path.join(dir, `${name}.sqlite`));
  try {
    const started = performance.now();
    const list = await runsOver(store, Promise.resolve(index)).list(flow);
    if (list.fromIndex) throw new Error('A cold open was answered from the index.');
    return { ms: since(started), runs: list.runs.length };
  } finally {
    await index.close();
  }
}

async function coldOpenInAzurite(report: Report, measure: { loopback: boolean; office: boolean }): Promise<void> {
  const flow = 'ColdFlow';
  const cached = await cachedColdFlow(CONTAINER, { flow, runs: COLD_RUNS, ...SHAPE });
  const { azurite } = cached;
  try {
    const credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    log(
      cached.generatedInS === null
        ? `setup: the cached ${COLD_RUNS}-run flow (${cached.blobs} blobs, ${cached.casBlobs} in the CAS) in Azurite`
        : `setup: ${cached.blobs} blobs (${cached.casBlobs} in the CAS) of ${COLD_RUNS} runs written to Azurite, 32 in flight, in ${cached.generatedInS.toFixed(1)} s (kept for the next runs)`,
    );

    if (measure.office) await coldBrowsingOverOffice(report, { ...azurite, container: CONTAINER, flow, runs: COLD_RUNS });
    if (!measure.loopback) return;
    const counter = new RequestCounter().start();
    const client = new BlobServiceClient(azurite.endpoint, credential, PIPELINE_OPTIONS);
    const auth = { method: 'shared key', kind: 'sharedKey' as const };
    const store = new AzureObjectStore(client.getContainerClient(CONTAINER), azurite.endpoint, auth);
    const sides = {
      app: () => store,
      flat: () => new FlatListingStore(store, `${flow}/`),
    };
    await withTempDir(async (dir) => {
      // No warm-up: a thousand runs warm connections and JIT within the first run's worth; the sides alternate.
      const runs = { app: [] as { ms: number; lists: number; total: number }[], flat: [] as { ms: number; lists: number; total: number }[] };
      for (let i = 0; i < REPEATS; i++) {
        const order = i % 2 === 0 ? (['app', 'flat'] as const) : (['flat', 'app'] as const);
        for (const side of order) {
          const [lists, total] = [counter.lists, counter.total];
          const opened = await coldOpen(sides[side](), flow, dir, `${side}-${i}`);
          if (opened.runs !== COLD_RUNS) throw new Error(`The ${side} cold open found ${opened.runs} runs, not ${COLD_RUNS}.`);
          runs[side].push({ ms: opened.ms, lists: counter.lists - lists, total: counter.total - total });
        }
      }
      const pick = (side: keyof typeof runs, key: 'ms' | 'lists' | 'total') => median(runs[side].map((r) => r[key]));
      const baseline = 'one flat listing of every blob of the flow + the same reads';
      const label = `metaflow cold open ${COLD_RUNS} runs (Azurite, ${cached.blobs} blobs)`;
      report({ name: `${label} list requests`, value: pick('app', 'lists'), unit: 'requests', baseline: { name: baseline, value: pick('flat', 'lists') } });
      report({ name: `${label} all requests`, value: pick('app', 'total'), unit: 'requests', baseline: { name: baseline, value: pick('flat', 'total') } });
      report({ name: `${label} wall time to runs list`, value: pick('app', 'ms'), unit: 'ms', baseline: { name: baseline, value: pick('flat', 'ms') } });
    });
    counter.stop();
  } finally {
    await azurite.stop();
  }
}

/** `work`'s wall time and the main thread's longest event-loop stall while it ran. */
async function watched<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; stallMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
  try {
    // The monitor's first sample only sets its clock: a stall before it would go unrecorded.
    await tick();
    const started = performance.now();
    const value = await work();
    const ms = performance.now() - started;
    // A stall at the very end is recorded only when the sampling timer runs again.
    await tick();
    return { value, ms, stallMs: delay.max / 1e6 };
  } finally {
    delay.disable();
  }
}

async function warmReopen(report: Report): Promise<void> {
  const flow = 'WarmFlow';
  await withTempDir(async (dir) => {
    const folder = path.join(dir, 'datastore');
    const started = performance.now();
    const generated = await generateDatastore({ folder }, { flow, runs: WARM_RUNS, ...SHAPE });
    log(`setup: ${generated.blobs} files of ${WARM_RUNS} runs written to a folder in ${(since(started) / 1000).toFixed(1)} s`);
    const store = new LocalObjectStore(folder);
    const file = path.join(dir, 'index.sqlite');

    const first = await MetaflowIndex.open(file);
    const cold = await watched(() => runsOver(store, Promise.resolve(first)).list(flow));
    if (cold.value.fromIndex || cold.value.runs.length !== WARM_RUNS) throw new Error('The cold open did not read every run from the datastore.');
    await first.close();

    const warm: { ms: number; stallMs: number }[] = [];
    for (let i = 0; i < WARM_REPEATS; i++) {
      // As after a restart: the index file reopened by the workspace, then the flow opened.
      const index = await MetaflowIndex.open(file);
      const runs = runsOver(store, Promise.resolve(index));
      const opened = await watched(() => runs.list(flow));
      if (!opened.value.fromIndex || opened.value.runs.length !== WARM_RUNS) throw new Error('The warm reopen was not answered from the index.');
      warm.push(opened);
      await runs.settled();
      await index.close();
    }

    // The same query with sqlite on the main thread, to show what the worker spares the event loop.
    const inline: number[] = [];
    for (let i = 0; i < WARM_REPEATS; i++) {
      const storeInline = IndexStore.open(file);
      try {
        // Validated as MetaflowIndex validates what the worker sends, so only where the query runs differs.
        const query = async () => storeInline.getRuns(flow, {}).runs.filter((row) => RunSummary.safeParse(row.value).success);
        inline.push((await watched(query)).stallMs);
      } finally {
        storeInline.close();
      }
    }

    const label = `metaflow warm reopen ${WARM_RUNS} runs (index)`;
    report({
      name: `${label} time to first rows`,
      value: Math.round(median(warm.map((w) => w.ms))),
      unit: 'ms',
      baseline: { name: 'cold open of the same flow (fills the index)', value: Math.round(cold.ms) },
    });
    report({
      name: `${label} longest main-thread event-loop stall`,
      value: Number(median(warm.map((w) => w.stallMs)).toFixed(1)),
      unit: 'ms',
      baseline: { name: 'the same query and validation with sqlite on the main thread', value: Number(median(inline).toFixed(1)) },
    });
  });
}

/** The encoding a task's data.json records for the CAS blob `blobName`, as the app passes it. */
function artifactEncoding(blobs: Map<string, Buffer>, blobName: string): string | undefined {
  const sha = blobName.slice(blobName.lastIndexOf('/') + 1);
  const flowPrefix = blobName.slice(0, blobName.lastIndexOf('/data/') + 1);
  for (const [name, bytes] of blobs) {
    if (!name.startsWith(flowPrefix) || !/\/\d+\.data\.json$/.test(name)) continue;
    const entry = parseDataJson(bytes, name).find((a) => a.sha === sha);
    if (entry) return entry.encoding;
  }
  return undefined;
}

async function bigArtifactPreview(report: Report): Promise<void> {
  const blobs = await readFixtureBlobs();
  // The fixture's largest artifact (LAYOUT.md: ArtifactTypesFlow's 8 MiB `big_blob`).
  const artifacts = [...blobs].filter(([n]) => n.includes('/data/')).sort(([, a], [, b]) => b.length - a.length);
  const [blobName, blob] = artifacts[0] ?? [];
  if (!blobName || !blob || blob.length < BIG_ARTIFACT_MIN_BYTES) throw new Error('The fixture has no artifact of 8 MiB or more.');
  const encoding = artifactEncoding(blobs, blobName);
  const preview = { encoding, maxBytes: PREVIEW_BYTES, maxItems: PREVIEW_ITEMS };
  const full = { encoding, maxBytes: Infinity, maxItems: 100_000 };
  const times = { preview: [] as number[], full: [] as number[] };
  await blobPreview(blob, preview);
  await blobPreview(blob, full);
  for (let i = 0; i < REPEATS * 2; i++) {
    for (const side of i % 2 === 0 ? (['preview', 'full'] as const) : (['full', 'preview'] as const)) {
      const started = performance.now();
      await blobPreview(blob, side === 'preview' ? preview : full);
      times[side].push(performance.now() - started);
    }
  }
  report({
    name: `metaflow preview of the ${(blob.length / 2 ** 20).toFixed(1)} MiB artifact (${PREVIEW_BYTES / 2 ** 20} MiB cap)`,
    value: Number(median(times.preview).toFixed(1)),
    unit: 'ms',
    baseline: { name: 'full decode of the same artifact', value: Number(median(times.full).toFixed(1)) },
  });
}

/** Time and bytes from the service of `work`, through the proxy counting them. */
async function measured(proxy: { readonly received: number }, work: () => Promise<unknown>): Promise<{ ms: number; bytes: number }> {
  const [started, before] = [performance.now(), proxy.received];
  await work();
  return { ms: performance.now() - started, bytes: proxy.received - before };
}

async function largeArtifactPreviewInAzurite(report: Report): Promise<void> {
  const azurite = await startAzurite({ inMemory: false });
  const proxy = await startCountingProxy(azurite.endpoint);
  try {
    const credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    const admin = new BlobServiceClient(azurite.endpoint, credential).getContainerClient(CONTAINER);
    await admin.create();
    const started = performance.now();
    const big = await storeLargeNdarray({ container: admin }, 'BigFlow/', LARGE_ELEMENTS);
    const blobBytes = (await admin.getBlobClient(big.name).getProperties()).contentLength ?? 0;
    log(`setup: a ${(big.pickleBytes / 2 ** 30).toFixed(1)} GiB ndarray artifact (${(blobBytes / 2 ** 20).toFixed(1)} MiB of gzip) written to Azurite in ${(since(started) / 1000).toFixed(1)} s`);

    const client = new BlobServiceClient(proxy.endpoint, credential, PIPELINE_OPTIONS).getContainerClient(CONTAINER);
    const store = new AzureObjectStore(client, proxy.endpoint, { method: 'shared key', kind: 'sharedKey' });
    const reader = new ArtifactReader(store, '');
    const entry = { name: 'big', sha: big.sha, size: big.pickleBytes, type: NDARRAY_TYPE, encoding: 'gzip+pickle-v4' };
    const preview = async () => {
      const result: JsonPreview = await reader.preview('BigFlow', entry, false);
      if ((result.value as { kind?: unknown }).kind !== 'ndarray') throw new Error('The large artifact did not preview as an ndarray.');
    };
    const download = () => store.read(big.name);
    await measured(proxy, preview);
    const runs = { preview: [] as { ms: number; bytes: number }[], download: [] as { ms: number; bytes: number }[] };
    for (let i = 0; i < REPEATS; i++) {
      for (const side of i % 2 === 0 ? (['preview', 'download'] as const) : (['download', 'preview'] as const)) {
        runs[side].push(await measured(proxy, side === 'preview' ? preview : download));
      }
    }
    const pick = (side: keyof typeof runs, key: 'ms' | 'bytes') => median(runs[side].map((r) => r[key]));
    const label = 'metaflow preview of a 1 GiB artifact in Azurite';
    const baseline = `download of the whole blob (${(blobBytes / 2 ** 20).toFixed(1)} MiB)`;
    report({ name: `${label} time to first rows`, value: Number(pick('preview', 'ms').toFixed(1)), unit: 'ms', baseline: { name: baseline, value: Number(pick('download', 'ms').toFixed(1)) } });
    report({ name: `${label} bytes read`, value: pick('preview', 'bytes'), unit: 'bytes', baseline: { name: baseline, value: pick('download', 'bytes') } });
  } finally {
    await proxy.close();
    await azurite.stop();
  }
}

type Part = 'service' | 'preview' | 'large' | 'cold' | 'office' | 'warm';

const PARTS: Record<Part, (report: Report, chosen: Part[]) => Promise<void>> = {
  service: async (report) => (await import('./metaflow-service.js')).run(report),
  preview: bigArtifactPreview,
  large: largeArtifactPreviewInAzurite,
  // The office figures are taken on the loopback cold open's flow when both run: one 1,000-run setup.
  cold: (report, chosen) => coldOpenInAzurite(report, { loopback: true, office: chosen.includes('office') }),
  office: (report, chosen) => (chosen.includes('cold') ? Promise.resolve() : coldOpenInAzurite(report, { loopback: false, office: true })),
  warm: warmReopen,
};

function parts(): Part[] {
  const all = Object.keys(PARTS) as Part[];
  const asked = process.env.METAFLOW_BENCH_PARTS;
  if (asked === undefined || asked.trim() === '') return all;
  const names = asked.split(',').map((p) => p.trim());
  const unknown = names.filter((n) => !Object.hasOwn(PARTS, n));
  if (unknown.length > 0) throw new Error(`METAFLOW_BENCH_PARTS names no part ${unknown.join(', ')}: the parts are ${all.join(', ')}.`);
  return all.filter((p) => names.includes(p));
}

export async function run(report: Report): Promise<void> {
  const chosen = parts();
  for (const part of chosen) await PARTS[part](report, chosen);
}
