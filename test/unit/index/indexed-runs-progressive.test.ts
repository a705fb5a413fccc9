import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetaflowIndex } from '../../../electron/index/metaflow-index.js';
import { ArtifactReader } from '../../../electron/metaflow/artifacts.js';
import { IndexedRuns } from '../../../electron/metaflow/indexed-runs.js';
import { LocalMetadata } from '../../../electron/metaflow/local-metadata.js';
import { MetaflowRuns } from '../../../electron/metaflow/runs.js';
import { LocalObjectStore } from '../../../electron/storage/local-object-store.js';
import { generateDatastore } from '../../../electron/sample/metaflow-datastore.js';
import type { RunList } from '../../../shared/contract.js';
import { tempDir } from './fixtures.js';

// The window's progressive runs list over a generated folder datastore, with and without an index: rows from the
// listing first, then every status, ending as the list the full read gives.

const FLOW = 'ProgressiveFlow';
const RUNS = 40;

let dir: string;
let remove: () => Promise<void>;
let index: MetaflowIndex;

function view(withIndex: boolean): IndexedRuns {
  const store = new LocalObjectStore(`${dir}/datastore`);
  const metadata = new LocalMetadata(store, '');
  const runs = new MetaflowRuns(store, '', new ArtifactReader(store, ''), metadata);
  return new IndexedRuns(runs, metadata, Promise.resolve(withIndex ? index : undefined), () => undefined);
}

beforeEach(async () => {
  ({ dir, remove } = await tempDir());
  index = await MetaflowIndex.open(`${dir}/index/ws.sqlite`);
  await generateDatastore({ folder: `${dir}/datastore` }, { flow: FLOW, runs: RUNS, stepsPerRun: 2, artifactsPerTask: 0, retryEvery: 0 });
});
afterEach(async () => {
  await index.close();
  await remove();
});

const byId = (list: RunList) => [...list.runs].sort((a, b) => a.id.localeCompare(b.id));

describe.each([true, false])('a progressive runs list (index: %s)', (withIndex) => {
  it('answers with every listed run before their statuses, then ends as the full read', async () => {
    const runs = view(withIndex);
    const first = await runs.list(FLOW, true);
    expect(first.runs).toHaveLength(RUNS);
    expect(first.statuses).toMatchObject({ total: RUNS });
    expect(first.runs.filter((r) => r.listedOnly)).toHaveLength(RUNS - (first.statuses?.known ?? RUNS));
    expect(first.statuses?.known).toBeLessThan(RUNS);
    await runs.settled();
    const last = await runs.list(FLOW, true);
    expect(last.statuses).toBeUndefined();
    expect(last.fromIndex).toBe(false);
    expect(byId(last)).toEqual(byId(await view(withIndex).list(FLOW)));
  });
});
