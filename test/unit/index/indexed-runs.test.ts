import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MetaflowIndex } from '../../../electron/index/metaflow-index.js';
import { ArtifactReader } from '../../../electron/metaflow/artifacts.js';
import { IndexedRuns } from '../../../electron/metaflow/indexed-runs.js';
import { LocalMetadata } from '../../../electron/metaflow/local-metadata.js';
import { MetaflowRuns } from '../../../electron/metaflow/runs.js';
import { LocalObjectStore } from '../../../electron/storage/local-object-store.js';
import { generateDatastore } from '../../../electron/sample/metaflow-datastore.js';
import { tempDir } from './fixtures.js';

// IndexedRuns over a generated folder datastore and a real index: a warm list paints from the index
// and refreshes behind it, but the renderer's re-read after `runsChanged` must not start the refresh
// that reports a change again (the loop this guards against), and a refresh that changed nothing
// reports nothing.

const FLOW = 'LoopFlow';
const INTERVAL_MS = 10_000;

let dir: string;
let remove: () => Promise<void>;
let index: MetaflowIndex;
let clock: number;

function generate(runs: number) {
  return generateDatastore({ folder: `${dir}/datastore` }, { flow: FLOW, runs, stepsPerRun: 2, artifactsPerTask: 0, retryEvery: 0 });
}

function indexed(onRefreshed: (flow: string) => void) {
  const store = new LocalObjectStore(`${dir}/datastore`);
  const metadata = new LocalMetadata(store, '');
  const runs = new MetaflowRuns(store, '', new ArtifactReader(store, ''), metadata);
  const runIds = vi.spyOn(runs, 'runIds');
  const view = new IndexedRuns(runs, metadata, Promise.resolve(index), onRefreshed, { minRefreshIntervalMs: INTERVAL_MS, now: () => clock });
  return { view, runIds };
}

beforeEach(async () => {
  ({ dir, remove } = await tempDir());
  index = await MetaflowIndex.open(`${dir}/index/ws.sqlite`);
  clock = 1_000_000;
});
afterEach(async () => {
  await index.close();
  await remove();
});

describe('IndexedRuns', () => {
  it('a re-read after runsChanged does not start another refresh: the list settles', async () => {
    await generate(4);
    const rereads: Promise<unknown>[] = [];
    // The renderer's behaviour: every runsChanged re-reads the list.
    const { view, runIds } = indexed(() => rereads.push(view.list(FLOW)));
    const cold = await view.list(FLOW);
    expect(cold).toMatchObject({ fromIndex: false });
    expect(cold.runs).toHaveLength(4);

    clock += INTERVAL_MS;
    await generate(5);
    const warm = await view.list(FLOW);
    expect(warm.fromIndex).toBe(true);
    expect(warm.runs).toHaveLength(4);
    await view.settled();
    // The refresh found the new run and said so once; the re-read it caused did not refresh again.
    expect(rereads).toHaveLength(1);
    const reread = (await rereads[0]) as Awaited<ReturnType<IndexedRuns['list']>>;
    expect(reread.fromIndex).toBe(false);
    expect(reread.runs).toHaveLength(5);
    await view.settled();
    expect(rereads).toHaveLength(1);
    expect(runIds).toHaveBeenCalledTimes(2);
    const after = await view.list(FLOW);
    expect(after).toMatchObject({ fromIndex: false });
    expect(after.runs).toHaveLength(5);
    expect(runIds).toHaveBeenCalledTimes(2);
  });

  it('reports nothing when a refresh changed nothing', async () => {
    await generate(3);
    const onRefreshed = vi.fn();
    const { view, runIds } = indexed(onRefreshed);
    await view.list(FLOW);
    clock += INTERVAL_MS;
    expect((await view.list(FLOW)).fromIndex).toBe(true);
    await view.settled();
    expect(runIds).toHaveBeenCalledTimes(2);
    expect(onRefreshed).not.toHaveBeenCalled();
  });

  it('runs one refresh per flow at a time, and none again within the interval', async () => {
    await generate(3);
    const { view, runIds } = indexed(() => undefined);
    await view.list(FLOW);
    clock += INTERVAL_MS;
    const lists = await Promise.all(Array.from({ length: 5 }, () => view.list(FLOW)));
    expect(lists.every((l) => l.fromIndex)).toBe(true);
    await view.settled();
    expect(runIds).toHaveBeenCalledTimes(2);

    clock += INTERVAL_MS - 1;
    expect((await view.list(FLOW)).fromIndex).toBe(false);
    expect(runIds).toHaveBeenCalledTimes(2);
    clock += 1;
    expect((await view.list(FLOW)).fromIndex).toBe(true);
    await view.settled();
    expect(runIds).toHaveBeenCalledTimes(3);
  });

  it('shows what the index holds when the datastore is gone, and reports no change', async () => {
    const generated = await generate(3);
    const onRefreshed = vi.fn();
    const { view, runIds } = indexed(onRefreshed);
    await view.list(FLOW);
    const finished = generated.runs.find((r) => r.status !== 'running');
    if (!finished) throw new Error('the generator made no finished run');
    const detail = await view.detail(FLOW, finished.id);
    await rm(`${dir}/datastore`, { recursive: true });

    clock += INTERVAL_MS;
    const offline = await view.list(FLOW);
    expect(offline.runs.map((r) => r.id).sort()).toEqual(generated.runs.map((r) => r.id).sort());
    await view.settled();
    expect(onRefreshed).not.toHaveBeenCalled();
    // Offline is not retried on every re-read: the next list within the interval stays on the index.
    expect((await view.list(FLOW)).fromIndex).toBe(false);
    expect(runIds).toHaveBeenCalledTimes(2);
    expect(await view.detail(FLOW, finished.id)).toEqual(detail);
  });
});
