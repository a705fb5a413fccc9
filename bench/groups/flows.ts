import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MetaflowIndex } from '../../electron/index/metaflow-index.js';
import { ArtifactReader } from '../../electron/metaflow/artifacts.js';
import { IndexedRuns } from '../../electron/metaflow/indexed-runs.js';
import { LocalMetadata } from '../../electron/metaflow/local-metadata.js';
import { MetaflowRuns } from '../../electron/metaflow/runs.js';
import { generateDatastore } from '../../electron/sample/metaflow-datastore.js';
import { LocalObjectStore } from '../../electron/storage/local-object-store.js';
import type { HierarchyListing, ListedObject, ObjectRange, ObjectStore } from '../../electron/storage/object-store.js';
import type { Report } from '../report.js';

// The flows list's run count and newest run (issue 20): what one flow's line costs in storage calls and time,
// against reading the flow's runs list (what showing its newest run's status would take without it). Each
// is cold (an empty index). A folder datastore: the calls, not the folder's speed, carry over to Azure.

const RUNS = 500;
const REPEATS = 3;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Counts the calls that would each be a request to Azure. */
class CountingStore implements ObjectStore {
  calls = 0;
  readonly description: string;
  constructor(private readonly inner: ObjectStore) {
    this.description = inner.description;
  }
  listHierarchy(prefix: string): Promise<HierarchyListing> {
    this.calls++;
    return this.inner.listHierarchy(prefix);
  }
  listAll(prefix: string): Promise<ListedObject[]> {
    this.calls++;
    return this.inner.listAll(prefix);
  }
  read(name: string): Promise<Buffer> {
    this.calls++;
    return this.inner.read(name);
  }
  readRange(name: string, offset: number, length: number): Promise<ObjectRange> {
    this.calls++;
    return this.inner.readRange(name, offset, length);
  }
}

async function cold(folder: string, dir: string, i: number, work: (runs: IndexedRuns) => Promise<unknown>): Promise<{ ms: number; calls: number }> {
  const store = new CountingStore(new LocalObjectStore(folder));
  const index = await MetaflowIndex.open(path.join(dir, `index-${i}-${Math.random().toString(36).slice(2)}.sqlite`));
  try {
    const metadata = new LocalMetadata(store, '');
    const runs = new IndexedRuns(new MetaflowRuns(store, '', new ArtifactReader(store, ''), metadata), metadata, Promise.resolve(index), () => undefined);
    const started = performance.now();
    await work(runs);
    return { ms: performance.now() - started, calls: store.calls };
  } finally {
    await index.close();
  }
}

export async function run(report: Report): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stratus-bench-flows-'));
  try {
    const folder = path.join(dir, 'datastore');
    await generateDatastore({ folder }, { flow: 'ManyRuns', runs: RUNS, stepsPerRun: 2, artifactsPerTask: 0, retryEvery: 0 });
    const line: { ms: number; calls: number }[] = [];
    const list: { ms: number; calls: number }[] = [];
    for (let i = 0; i < REPEATS; i++) {
      line.push(await cold(folder, dir, i, (runs) => runs.flowSummary('ManyRuns')));
      list.push(await cold(folder, dir, i, (runs) => runs.list('ManyRuns')));
    }
    const calls = (m: { calls: number }[]) => median(m.map((x) => x.calls));
    const ms = (m: { ms: number }[]) => Math.round(median(m.map((x) => x.ms)));
    report({ name: `flow line (${RUNS}-run flow, cold) storage calls`, value: calls(line), unit: 'calls', baseline: { name: 'its runs list', value: calls(list) } });
    report({ name: `flow line (${RUNS}-run flow, cold) time`, value: ms(line), unit: 'ms', baseline: { name: 'its runs list', value: ms(list) } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
