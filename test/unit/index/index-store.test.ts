import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IndexStore } from '../../../electron/index/index-store.js';
import type { StoredRunPage } from '../../../electron/index/index-types.js';
import { compareIds } from '../../../electron/metaflow/layout.js';
import { FLOW, manyRuns, run, runDetail, T0, taskDetail, tempDir } from './fixtures.js';

// The index's queries, called in-process: what the worker runs for MetaflowIndex, which validates
// what they return (corrupt rows are tested there).

let remove: () => Promise<void>;
let file: string;
let store: IndexStore;

beforeEach(async () => {
  let dir: string;
  ({ dir, remove } = await tempDir());
  file = path.join(dir, 'index', 'ws.sqlite');
  store = IndexStore.open(file);
});
afterEach(async () => {
  store.close();
  await remove();
});

const ids = (page: StoredRunPage) => page.runs.map((r) => r.key);
const values = (page: StoredRunPage) => page.runs.map((r) => r.value);

describe('runs', () => {
  it('round-trips summaries, with null metadata and empty tags', () => {
    const runs = [
      run('1'),
      run('2', { user: null, tags: null, systemTags: null, status: 'running', finishedAt: null, durationMs: null }),
      run('3', { tags: [], startedAt: null, status: 'failed' }),
    ];
    store.putRuns(FLOW, runs, 100);
    const page = store.getRuns(FLOW);
    expect(page.total).toBe(3);
    expect(values(page)).toEqual([runs[1], runs[0], runs[2]]);
    expect(ids(page)).toEqual(['2', '1', '3']);
    expect(store.getRuns('OtherFlow')).toEqual({ runs: [], total: 0 });
    expect(store.getFlows()).toEqual([FLOW]);
  });

  it('never replaces a finished run with an older listing, but refreshes running ones', () => {
    store.putRuns(FLOW, [run('1', { status: 'succeeded' }), run('2', { status: 'running', finishedAt: null, durationMs: null })], 2000);
    // A refresh that listed before the one above finishes last: its 'running' is stale.
    store.putRuns(FLOW, [run('1', { status: 'running', finishedAt: null, durationMs: null })], 1000);
    expect(values(store.getRuns(FLOW, { sort: 'id', order: 'asc' }))[0]).toEqual(run('1', { status: 'succeeded' }));

    // A running entry is always replaced.
    store.putRuns(FLOW, [run('2', { status: 'failed', durationMs: 5 })], 1500);
    expect(values(store.getRuns(FLOW, { sort: 'id', order: 'asc' }))[1]).toEqual(run('2', { status: 'failed', durationMs: 5 }));
    expect(store.unfinishedRuns(FLOW)).toEqual([]);

    // A newer listing may say a failed run runs again (Metaflow retried its last task).
    store.putRuns(FLOW, [run('2', { status: 'running', finishedAt: null, durationMs: null })], 3000);
    expect(store.unfinishedRuns(FLOW)).toEqual(['2']);
  });

  it('lists the unfinished runs a refresh must read again, newest id first', () => {
    store.putRuns(FLOW, manyRuns(30), 1);
    expect(store.unfinishedRuns(FLOW)).toEqual(['30', '20', '10']);
  });

  it('filters by status, tag (user or system), user and start time, counting all matches', () => {
    store.putRuns(FLOW, manyRuns(100), 1);
    const running = store.getRuns(FLOW, { status: ['running'] });
    expect(running.total).toBe(10);
    expect(ids(running)).toEqual(['100', '90', '80', '70', '60', '50', '40', '30', '20', '10']);
    expect(store.getRuns(FLOW, { status: ['running', 'failed'] }).total).toBe(10 + 14 - 1);
    expect(store.getRuns(FLOW, { status: [] }).total).toBe(0);

    expect(ids(store.getRuns(FLOW, { tag: 't3', sort: 'id', order: 'asc' }))).toEqual(['3', '13', '23', '33', '43', '53', '63', '73', '83', '93']);
    expect(store.getRuns(FLOW, { tag: 'user:user2' }).total).toBe(20);
    expect(store.getRuns(FLOW, { tag: 'runtime:dev' }).total).toBe(100);
    expect(store.getRuns(FLOW, { tag: 'nope' }).total).toBe(0);
    expect(store.getRuns(FLOW, { user: 'user1' }).total).toBe(20);

    const window = store.getRuns(FLOW, { from: T0 + 10 * 60_000, to: T0 + 19 * 60_000 });
    expect(ids(window)).toEqual(['19', '18', '17', '16', '15', '14', '13', '12', '11', '10']);

    const combined = store.getRuns(FLOW, { status: ['succeeded'], user: 'user0', tag: 't5', limit: 2 });
    expect(combined.total).toBe(9);
    expect(ids(combined)).toEqual(['95', '85']);
  });

  it('pages: limit and offset over the whole order, total over all pages', () => {
    store.putRuns(FLOW, manyRuns(250), 1);
    const first = store.getRuns(FLOW, { limit: 100 });
    const third = store.getRuns(FLOW, { limit: 100, offset: 200 });
    expect(first.total).toBe(250);
    expect(ids(first).slice(0, 3)).toEqual(['250', '249', '248']);
    expect(ids(third)).toHaveLength(50);
    expect(ids(third).at(-1)).toBe('1');
    expect(ids(store.getRuns(FLOW, { offset: 245 }))).toEqual(['5', '4', '3', '2', '1']);
  });

  it('sorts newest first by default, runs without a start last, ties by id', () => {
    store.putRuns(
      FLOW,
      [run('1', { startedAt: T0 }), run('2', { startedAt: null }), run('3', { startedAt: T0 + 5 }), run('4', { startedAt: T0 + 5 }), run('5', { startedAt: null })],
      1,
    );
    expect(ids(store.getRuns(FLOW))).toEqual(['4', '3', '1', '5', '2']);
    expect(ids(store.getRuns(FLOW, { order: 'asc' }))).toEqual(['1', '3', '4', '2', '5']);
  });

  it('sorts numeric ids as numbers, beyond 2^53 too, like compareIds; other ids after them', () => {
    const runIds = ['9', '10', '100', '18446744073709551617', '9007199254740993', '9007199254740992', 'argo-abc', 'argo-Abc', '007', '1e3'];
    store.putRuns(FLOW, runIds.map((id) => run(id)), 1);
    const expected = [...runIds].sort(compareIds);
    expect(expected.slice(0, 7)).toEqual(['9', '10', '007', '100', '9007199254740992', '9007199254740993', '18446744073709551617']);
    expect(ids(store.getRuns(FLOW, { sort: 'id', order: 'asc' }))).toEqual(expected);
    expect(ids(store.getRuns(FLOW, { sort: 'id', order: 'desc' }))).toEqual([...expected].reverse());
    expect(store.unfinishedRuns(FLOW)).toEqual([]);
    // Equal start times: the id breaks the tie.
    expect(ids(store.getRuns(FLOW, { limit: 3 }))).toEqual(['argo-abc', 'argo-Abc', '1e3']);
  });

  it('sorts by duration and by status, nulls last', () => {
    store.putRuns(
      FLOW,
      [
        run('1', { durationMs: 50 }),
        run('2', { durationMs: null, status: 'running' }),
        run('3', { durationMs: 10, status: 'failed' }),
        run('4', { durationMs: 50 }),
      ],
      1,
    );
    expect(ids(store.getRuns(FLOW, { sort: 'duration' }))).toEqual(['4', '1', '3', '2']);
    expect(ids(store.getRuns(FLOW, { sort: 'duration', order: 'asc' }))).toEqual(['3', '1', '4', '2']);
    expect(ids(store.getRuns(FLOW, { sort: 'status', order: 'asc' }))).toEqual(['3', '2', '1', '4']);
  });

  it('the first page of 10,000 runs in-process (timing reported)', () => {
    store.putRuns(FLOW, manyRuns(10_000), 1);
    store.close();
    const opened = performance.now();
    store = IndexStore.open(file);
    const started = performance.now();
    const page = store.getRuns(FLOW, { limit: 100 });
    const done = performance.now();
    expect(page.total).toBe(10_000);
    expect(ids(page).slice(0, 2)).toEqual(['10000', '9999']);
    const filtered = performance.now();
    store.getRuns(FLOW, { tag: 't3', sort: 'duration', limit: 100 });
    const filteredDone = performance.now();
    console.info(
      `[index] in-process, 10,000 runs: open ${(started - opened).toFixed(1)} ms, first page ${(done - started).toFixed(1)} ms, ` +
        `tag filter sorted by duration ${(filteredDone - filtered).toFixed(1)} ms`,
    );
    expect(done - started).toBeLessThan(100);
  });
});

describe('run views', () => {
  it('round-trips a run view: steps, tasks in their order with attempts, parameters', () => {
    const detail = runDetail('5');
    store.putRunDetail(FLOW, '5', detail, true, 10);
    expect(store.getRunDetail(FLOW, '5')).toEqual(detail);
    expect(store.getRunDetail(FLOW, '6')).toBeUndefined();
    // The run's row in the list follows the view's summary.
    expect(values(store.getRuns(FLOW))).toEqual([detail.summary]);
  });

  it('keeps a finished view against an older read, replaces an unfinished one', () => {
    store.putRunDetail(FLOW, '5', runDetail('5', 'running'), false, 10);
    store.putRunDetail(FLOW, '5', runDetail('5', 'succeeded'), true, 30);
    store.putRunDetail(FLOW, '5', runDetail('5', 'running'), false, 20);
    expect(store.getRunDetail(FLOW, '5')).toEqual(runDetail('5', 'succeeded'));
    expect(values(store.getRuns(FLOW))).toEqual([runDetail('5', 'succeeded').summary]);

    store.putRunDetail(FLOW, '6', runDetail('6', 'running'), false, 50);
    store.putRunDetail(FLOW, '6', runDetail('6', 'succeeded'), true, 40);
    expect(store.getRunDetail(FLOW, '6')).toEqual(runDetail('6', 'succeeded'));
  });

  it('replaces the tasks of a rewritten view rather than merging them', () => {
    store.putRunDetail(FLOW, '5', runDetail('5', 'running'), false, 10);
    const fewer = { ...runDetail('5'), tasks: runDetail('5').tasks.slice(0, 1) };
    store.putRunDetail(FLOW, '5', fewer, true, 20);
    expect(store.getRunDetail(FLOW, '5')).toEqual(fewer);
  });
});

describe('task views', () => {
  const key = { flow: FLOW, run: '5', step: 'train', task: '2' };

  it('round-trips a task view by attempt, artifacts in data.json order; the highest attempt by default', () => {
    store.putTaskDetail(key, taskDetail(0), true, 10);
    store.putTaskDetail(key, taskDetail(1), true, 10);
    expect(store.getTaskDetail({ ...key, attempt: 0 })).toEqual({ key: 0, value: taskDetail(0) });
    expect(store.getTaskDetail(key)).toEqual({ key: 1, value: taskDetail(1) });
    expect(store.getTaskDetail({ ...key, attempt: 2 })).toBeUndefined();
    expect(store.getTaskDetail({ ...key, task: '3' })).toBeUndefined();
  });

  it('keeps a finished attempt against an older read', () => {
    const running = { ...taskDetail(0), artifacts: [], artifactProblem: 'Attempt 0 is still running' };
    store.putTaskDetail(key, taskDetail(0), true, 20);
    store.putTaskDetail(key, running, false, 10);
    expect(store.getTaskDetail(key)).toEqual({ key: 0, value: taskDetail(0) });
  });
});

describe('objects', () => {
  it('records the blob versions entries were read at', () => {
    const attemptJson = 'TrainFlow/5/_parameters/0/0.attempt.json';
    store.recordObjects([{ name: attemptJson, etag: '"0x1"', lastModified: T0 }, { name: 'TrainFlow/5/end/9/0.DONE.lock' }], 99);
    store.recordObjects([{ name: attemptJson, etag: '"0x2"', lastModified: T0 + 1 }], 100);
    const found = store.getObjects([attemptJson, 'TrainFlow/5/end/9/0.DONE.lock', 'unknown']);
    expect(found).toHaveLength(2);
    expect(found).toEqual(
      expect.arrayContaining([
        { name: attemptJson, etag: '"0x2"', lastModified: T0 + 1, readAt: 100 },
        { name: 'TrainFlow/5/end/9/0.DONE.lock', etag: null, lastModified: null, readAt: 99 },
      ]),
    );
    const many = Array.from({ length: 1200 }, (_, i) => ({ name: `o/${i}`, etag: `e${i}` }));
    store.recordObjects(many, 1);
    expect(store.getObjects(many.map((o) => o.name))).toHaveLength(1200);
  });
});
