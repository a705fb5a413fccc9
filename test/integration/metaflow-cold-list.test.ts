import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AzureObjectStore } from '../../electron/azure/azure-object-store.js';
import { PIPELINE_OPTIONS } from '../../electron/azure/blob-client.js';
import { MetaflowIndex } from '../../electron/index/metaflow-index.js';
import { ArtifactReader } from '../../electron/metaflow/artifacts.js';
import { IndexedRuns } from '../../electron/metaflow/indexed-runs.js';
import { LocalMetadata } from '../../electron/metaflow/local-metadata.js';
import { CONCURRENCY, MetaflowRuns } from '../../electron/metaflow/runs.js';
import { generateDatastore, type GeneratedDatastore } from '../../electron/sample/metaflow-datastore.js';
import type { RunList, RunSummary } from '../../shared/contract.js';
import { callChannel as call, EnvironmentWorkspaces } from '../harness/environment-workspace.js';
import { PROFILES } from '../harness/link-sim/profiles.js';
import { startLinkProxy, type LinkProxy } from '../harness/link-sim/proxy.js';
import { RequestCounter } from '../harness/request-counter.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from '../harness/azurite.js';
import { RoundStore } from '../harness/round-store.js';

// A cold runs list over the office link (20 ms round trip), as the window asks for it (`progressive`): the rows
// come from the flow's one listing before any run is read, the runs the window says it shows are read next, the
// statuses stream in, and the list they end as is the one the full read (the CLI's) gives.

const endpoint = inject('endpoint');
const CONTAINER = 'metaflow-cold-list';
const FLOW = 'ColdListFlow';
const RUNS = 80;
/** The runs the window says are on screen: the oldest, which the fill would otherwise read last. */
const VISIBLE = 12;

let link: LinkProxy;
let generated: GeneratedDatastore;
const workspaces = new EnvironmentWorkspaces();

const open = (through: string) => workspaces.open(CONTAINER, through);

const byId = (runs: RunSummary[]) => [...runs].sort((a, b) => a.id.localeCompare(b.id));
const pause = () => new Promise((resolve) => setTimeout(resolve, 10));

beforeAll(async () => {
  const admin = BlobServiceClient.fromConnectionString(inject('connectionString')).getContainerClient(CONTAINER);
  await admin.createIfNotExists();
  generated = await generateDatastore({ container: admin }, { flow: FLOW, runs: RUNS, stepsPerRun: 2, artifactsPerTask: 0, retryEvery: 0 });
  const url = new URL(endpoint);
  link = await startLinkProxy({ host: url.hostname, port: Number(url.port) }, PROFILES.office);
}, 300_000);

afterAll(async () => {
  await workspaces.close();
  await link?.close();
  await BlobServiceClient.fromConnectionString(inject('connectionString')).getContainerClient(CONTAINER).deleteIfExists();
});

describe('a cold runs list over an office link', () => {
  it('shows rows from one listing, reads the visible runs first, and ends as the full read', async () => {
    const { services, workspaceId } = await open(link.through(endpoint));
    const counter = new RequestCounter().start();
    let first: RunList;
    let atFirst: { lists: number; total: number };
    try {
      first = await call(services, 'metaflow.runs', { workspaceId, flow: FLOW, progressive: true });
      atFirst = { lists: counter.lists, total: counter.total };
    } finally {
      counter.stop();
    }

    // Every run is a row at once; no status is known yet, and only listings went out: the flow's, and the first
    // run folders' the status reading had just sent.
    expect(byId(first.runs).map((r) => r.id)).toEqual(generated.runs.map((r) => r.id).sort());
    expect(first.statuses?.total).toBe(RUNS);
    expect(first.statuses?.known).toBeLessThan(RUNS);
    expect(first.runs.filter((r) => r.listedOnly).length).toBe(RUNS - (first.statuses?.known ?? 0));
    expect(atFirst.total).toBe(atFirst.lists);
    expect(atFirst.total).toBeLessThanOrEqual(1 + CONCURRENCY);
    // Local runtime ids are their start in microseconds: an unread row is dated (approximately) from its id.
    for (const row of first.runs.filter((r) => r.listedOnly)) {
      const run = generated.runs.find((g) => g.id === row.id);
      expect(Math.abs((row.startedAt ?? 0) - (run?.startedAt ?? -1))).toBeLessThan(60_000);
    }

    // The window shows the oldest runs (sorted so): theirs are read next, while most others still wait.
    const visible = first.runs.slice(-VISIBLE).map((r) => r.id);
    await call(services, 'metaflow.runsVisible', { workspaceId, flow: FLOW, ids: visible });
    let list = first;
    const shown = () => list.runs.filter((r) => visible.includes(r.id));
    while (shown().some((r) => r.listedOnly)) {
      await pause();
      list = await call(services, 'metaflow.runs', { workspaceId, flow: FLOW, progressive: true });
    }
    expect(list.statuses?.known ?? RUNS).toBeLessThan(RUNS / 2);

    while (list.statuses !== undefined) {
      await pause();
      list = await call(services, 'metaflow.runs', { workspaceId, flow: FLOW, progressive: true });
    }
    expect(list.runs.some((r) => r.listedOnly)).toBe(false);

    // The CLI's way, from a cold index of its own: every status before the answer, the same rows.
    const full = await open(endpoint);
    const complete = await call(full.services, 'metaflow.runs', { workspaceId: full.workspaceId, flow: FLOW });
    expect(complete.statuses).toBeUndefined();
    expect(byId(list.runs)).toEqual(byId(complete.runs));
    const statuses = new Map(generated.runs.map((r) => [r.id, r.status === 'running' ? ['running', 'stale'] : [r.status]]));
    for (const run of list.runs) expect(statuses.get(run.id), run.id).toContain(run.status);
  }, 300_000);

  it('knows the statuses of the rows on screen after the fewest round trips: their folders listed at once, then their records read at once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stratus-cold-rounds-'));
    const index = await MetaflowIndex.open(path.join(dir, 'index.sqlite'));
    try {
      const through = link.through(endpoint);
      const client = new BlobServiceClient(through, new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY), PIPELINE_OPTIONS);
      const store = new RoundStore(new AzureObjectStore(client.getContainerClient(CONTAINER), through, { method: 'shared key', kind: 'sharedKey' }));
      const metadata = new LocalMetadata(store, '');
      const runs = new IndexedRuns(new MetaflowRuns(store, '', new ArtifactReader(store, ''), metadata), metadata, Promise.resolve(index), () => undefined);

      // The rows need the flow's one listing and nothing else.
      const answer = runs.list(FLOW, true);
      await store.quiet();
      expect(store.waiting).toBe(1);
      await store.round();
      const first = await answer;
      expect(first.runs.length).toBe(RUNS);
      expect(first.statuses?.known).toBe(0);

      // The window shows the oldest runs, which the fill would read last; it is already reading the newest.
      const visible = first.runs.slice(-VISIBLE).map((r) => r.id);
      const succeeded = generated.runs.filter((r) => visible.includes(r.id) && r.status === 'succeeded').map((r) => r.id);
      runs.prefer(FLOW, visible);
      const unread = async (ids: string[]) => (await runs.list(FLOW, true)).runs.filter((r) => ids.includes(r.id) && r.listedOnly).length;
      const at = { succeeded: 0, all: 0 };
      for (let round = 1; round <= 10 && (await unread(visible)) > 0; round++) {
        await store.round();
        if (at.succeeded === 0 && (await unread(succeeded)) === 0) at.succeeded = round;
        at.all = round;
      }
      // A succeeded run: its folder's listing, then its end task's record and times together. A failed one: its
      // failing task's artifact index with them (its stderr says it may have failed), then the exception in it.
      expect(at.succeeded).toBe(2);
      expect(at.all).toBeLessThanOrEqual(3);
      expect(await unread(visible)).toBe(0);
      // Beside the runs already being read, not after the others.
      expect((await runs.list(FLOW, true)).statuses?.known ?? RUNS).toBeLessThan(RUNS / 2);

      while (store.waiting > 0) await store.round();
      await runs.settled();
    } finally {
      await index.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
