import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetaflowIndex } from '../../electron/index/metaflow-index.js';
import { generateDatastore, type GeneratedDatastore } from '../../electron/sample/metaflow-datastore.js';
import { LocalObjectStore } from '../../electron/storage/local-object-store.js';
import type { ObjectStore } from '../../electron/storage/object-store.js';
import { buildMetaflowUsage } from '../../electron/usage/metaflow/build-usage.js';
import { QUIET_MS } from '../../electron/usage/metaflow/run-usage.js';
import type { UsageProgress } from '../../shared/schemas/usage.js';

// A generated datastore of 10,000 small runs: the first usage build reports its progress and
// finishes; after 10 more runs, a second build reads only those (every request the store is asked
// is logged here, outside the code under test) and the sums include them.

const FLOW = 'ManyRunsFlow';
const RUNS = 10_000;
const ADDED = 10;
const DAY = 86_400_000;

interface Logged {
  op: 'listHierarchy' | 'listAll' | 'read' | 'readRange';
  name: string;
}

/** The store with every call written down. */
function logging(store: ObjectStore, log: Logged[]): ObjectStore {
  return {
    description: store.description,
    listHierarchy: (prefix, limit) => (log.push({ op: 'listHierarchy', name: prefix }), store.listHierarchy(prefix, limit)),
    listAll: (prefix) => (log.push({ op: 'listAll', name: prefix }), store.listAll(prefix)),
    read: (name) => (log.push({ op: 'read', name }), store.read(name)),
    readRange: (name, offset, length) => (log.push({ op: 'readRange', name }), store.readRange(name, offset, length)),
  };
}

let folder: string;
let index: MetaflowIndex;
let generated: GeneratedDatastore;

/**
 * A clock past every generated run: the generator stamps files with the runs' own times (the last of
 * 10,000 may lie hours ahead), and failed runs count as finished only after a quiet time.
 */
function clockAfter(data: GeneratedDatastore): number {
  return Math.max(Date.now(), ...data.runs.map((r) => r.startedAt)) + DAY + 2 * QUIET_MS;
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'stratus-usage-many-'));
  generated = await generateDatastore({ folder }, { flow: FLOW, runs: RUNS, stepsPerRun: 2, artifactsPerTask: 1, runningEvery: 0 });
  index = await MetaflowIndex.open(path.join(folder, '..', `${path.basename(folder)}-index.db`));
}, 300_000);

afterAll(async () => {
  await index?.close();
  await rm(folder, { recursive: true, force: true });
  await rm(`${folder}-index.db`, { force: true });
  for (const suffix of ['-wal', '-shm']) await rm(`${folder}-index.db${suffix}`, { force: true });
});

describe('usage of a datastore of 10,000 runs', () => {
  it('builds with progress, then reads only the runs added since', { timeout: 600_000 }, async () => {
    const store = new LocalObjectStore(folder);
    const now = clockAfter(generated);
    const progress: Omit<UsageProgress, 'workspaceId'>[] = [];
    const first = await buildMetaflowUsage({ store, root: '', cards: { store, prefix: 'mf.cards/' }, index, now, onProgress: (p) => progress.push(p) });
    expect(first).toMatchObject({ flows: 1, runs: RUNS, scanned: RUNS });
    const scanning = progress.filter((p) => p.phase === 'scanning');
    expect(scanning.length).toBeGreaterThan(10);
    expect(scanning.every((p) => p.runsToScan === RUNS)).toBe(true);
    expect(scanning.map((p) => p.runsScanned)).toEqual([...scanning.map((p) => p.runsScanned)].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ phase: 'done', runsScanned: RUNS, runsToScan: RUNS });
    const before = await index.usageFlows({});
    expect(before.rows[0]).toMatchObject({ name: FLOW, runs: RUNS });
    const unfinished = (await index.usageRuns(FLOW, {})).rows.filter((r) => r.running).map((r) => r.name);
    expect(unfinished).toEqual([]);

    const added = await generateDatastore({ folder }, { flow: FLOW, runs: ADDED, stepsPerRun: 2, artifactsPerTask: 1, runningEvery: 0, seed: 99, startTime: 1_900_000_000 });
    const newRuns = added.runs.map((r) => r.id);
    const log: Logged[] = [];
    const second = await buildMetaflowUsage({ store: logging(store, log), root: '', cards: { store, prefix: 'mf.cards/' }, index, now: clockAfter(added) });
    expect(second).toMatchObject({ runs: RUNS + ADDED, scanned: ADDED });
    const underRun = (name: string) => newRuns.some((run) => name.startsWith(`${FLOW}/${run}/`));
    const reads = log.filter((l) => l.op === 'read' || l.op === 'readRange');
    expect(reads.length).toBeGreaterThanOrEqual(ADDED);
    expect(reads.filter((l) => !underRun(l.name))).toEqual([]);
    const runListings = log.filter((l) => l.op === 'listAll' && !l.name.startsWith(`${FLOW}/data/`));
    expect(runListings.map((l) => l.name).sort()).toEqual(newRuns.map((run) => `${FLOW}/${run}/`).sort());

    const runs = await index.usageRuns(FLOW, { sort: 'name' });
    expect(runs.total).toBe(RUNS + ADDED);
    const after = await index.usageFlows({});
    const addedLogs = runs.rows.filter((r) => newRuns.includes(r.name)).reduce((sum, r) => sum + r.logBytes, 0);
    expect(addedLogs).toBeGreaterThan(0);
    expect(after.rows[0].logBytes).toBe(before.rows[0].logBytes + addedLogs);
  });
});
