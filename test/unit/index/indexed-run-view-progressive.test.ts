import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactReader } from '../../../electron/metaflow/artifacts.js';
import { IndexedRuns } from '../../../electron/metaflow/indexed-runs.js';
import { LocalMetadata } from '../../../electron/metaflow/local-metadata.js';
import { MetaflowRuns } from '../../../electron/metaflow/runs.js';
import { LocalObjectStore } from '../../../electron/storage/local-object-store.js';
import { generateDatastore, type GeneratedRun } from '../../../electron/sample/metaflow-datastore.js';
import { tempDir } from './fixtures.js';

// The window's progressive run view over a generated folder datastore (no index, a run still running): tasks from
// the listing first, the complete view answered once when reading ends, and a view nobody asked for since it ended
// (the window closed) not taken for the run much later.

const FLOW = 'ProgressiveRunFlow';
const INTERVAL_MS = 10_000;

let dir: string;
let remove: () => Promise<void>;
let run: GeneratedRun;
let clock = 0;

function view(): IndexedRuns {
  const store = new LocalObjectStore(`${dir}/datastore`);
  const metadata = new LocalMetadata(store, '');
  const runs = new MetaflowRuns(store, '', new ArtifactReader(store, ''), metadata);
  return new IndexedRuns(runs, metadata, Promise.resolve(undefined), () => undefined, { minRefreshIntervalMs: INTERVAL_MS, now: () => clock });
}

beforeEach(async () => {
  ({ dir, remove } = await tempDir());
  const generated = await generateDatastore(
    { folder: `${dir}/datastore` },
    { flow: FLOW, runs: 1, stepsPerRun: 4, foreachWidth: 40, artifactsPerTask: 0, retryEvery: 0, runningEvery: 1 },
  );
  run = generated.runs[0];
});
afterEach(() => remove());

describe('a progressive run view', () => {
  it('answers from the listing, then the complete view once, and reads again a view that ended long ago', async () => {
    expect(run.status).toBe('running');
    const runs = view();
    const first = await runs.detail(FLOW, run.id, true);
    expect(first.taskStatuses).toEqual({ known: 0, total: run.tasks.length });
    expect(first.tasks.map((t) => `${t.step}/${t.id}`).sort()).toEqual(run.tasks.map((t) => `${t.step}/${t.id}`).sort());

    await runs.settled();
    const complete = await runs.detail(FLOW, run.id, true);
    expect(complete.taskStatuses).toBeUndefined();
    expect(complete).toEqual(await view().detail(FLOW, run.id));

    // Answered once: the next open reads the run again.
    expect((await runs.detail(FLOW, run.id, true)).taskStatuses?.known).toBe(0);

    // Left unasked until long after it ended: not answered as the run now.
    await runs.settled();
    clock += INTERVAL_MS;
    expect((await runs.detail(FLOW, run.id, true)).taskStatuses?.known).toBe(0);
  });
});
