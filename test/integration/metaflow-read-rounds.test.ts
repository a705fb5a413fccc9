import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AzureObjectStore } from '../../electron/azure/azure-object-store.js';
import { PIPELINE_OPTIONS } from '../../electron/azure/blob-client.js';
import { ArtifactReader } from '../../electron/metaflow/artifacts.js';
import { LocalMetadata } from '../../electron/metaflow/local-metadata.js';
import { MetaflowRuns } from '../../electron/metaflow/runs.js';
import type { HierarchyListing, ListedObject, ObjectRange, ObjectStore } from '../../electron/storage/object-store.js';
import type { RunSummary } from '../../shared/contract.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from '../harness/azurite.js';
import { readFixtureBlobs, readManifest } from '../harness/metaflow-fixture.js';
import { datastorePrefix, fixtureRuns, runTasks, type FixtureRun, type FixtureTask } from '../harness/metaflow-tree.js';
import { RoundStore } from '../harness/round-store.js';

// The round trips and requests a run's status, a run view and a task take over the shared fixture in Azurite, with
// every request held into rounds (test/harness/round-store.ts: no timing). The answers must be what the fixture's
// records say, and be the same whether success comes from `N.runtime` (the local runtime, as the fixture was written)
// or from the `_task_ok` artifact (a copy of the fixture without its `N.runtime` files, as remote tasks write it).

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
/** The fixture as Metaflow's remote tasks would have left it: no `N.runtime` files. */
const NO_RUNTIME = 'metaflow-no-runtime';

/** Every blob read (whole, or a range), in order. */
class ReadLog implements ObjectStore {
  readonly description: string;
  reads: string[] = [];

  constructor(private readonly inner: ObjectStore) {
    this.description = inner.description;
  }

  listHierarchy(prefix: string, limit?: number): Promise<HierarchyListing> {
    return this.inner.listHierarchy(prefix, limit);
  }

  listAll(prefix: string): Promise<ListedObject[]> {
    return this.inner.listAll(prefix);
  }

  read(name: string): Promise<Buffer> {
    this.reads.push(name);
    return this.inner.read(name);
  }

  readRange(name: string, offset: number, length: number): Promise<ObjectRange> {
    this.reads.push(`${name} [${offset}, +${length}]`);
    return this.inner.readRange(name, offset, length);
  }

  /** Reads asked for more than once since `from`. */
  repeated(from = 0): string[] {
    const seen = this.reads.slice(from);
    return seen.filter((name, i) => seen.indexOf(name) !== i);
  }
}

interface Reader {
  runs: MetaflowRuns;
  store: RoundStore;
  log: ReadLog;
}

function readerOf(container: string, root: string): Reader {
  const client = new BlobServiceClient(endpoint, new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY), PIPELINE_OPTIONS);
  const log = new ReadLog(new AzureObjectStore(client.getContainerClient(container), endpoint, { method: 'shared key', kind: 'sharedKey' }));
  const store = new RoundStore(log);
  return { runs: new MetaflowRuns(store, root, new ArtifactReader(store, root), new LocalMetadata(store, root)), store, log };
}

/**
 * Runs `work` one round at a time: `rounds` is how many it took to answer; requests it left running (reads ahead)
 * are then let through, and `requests` and `repeated` count them too.
 */
async function inRounds<T>({ store, log }: Reader, work: () => Promise<T>): Promise<{ value: T; rounds: number; requests: number; repeated: string[] }> {
  const [firstRound, firstRequest, firstRead] = [store.rounds, store.requests, log.reads.length];
  let settled = false;
  const answer = work().finally(() => (settled = true));
  answer.catch(() => undefined);
  await store.quiet();
  while (!settled && store.waiting > 0) await store.round();
  const value = await answer;
  const rounds = store.rounds - firstRound;
  while (store.waiting > 0) await store.round();
  return { value, rounds, requests: store.requests - firstRequest, repeated: log.repeated(firstRead) };
}

describe('Metaflow run statuses and tasks in few round trips, each blob read once (shared fixture in Azurite)', () => {
  let blobs: Map<string, Buffer>;
  let prefix: string;
  let runs: FixtureRun[];
  let local: Reader;
  let remote: Reader;

  /** An attempt's success as the local runtime recorded it (`N.runtime`). */
  const succeeded = (task: FixtureTask, attempt: number) => {
    const body = blobs.get(`${prefix}${task.flow}/${task.run}/${task.step}/${task.id}/${attempt}.runtime`);
    if (body === undefined) throw new Error(`no runtime file for ${task.flow}/${task.run}/${task.step}/${task.id} attempt ${attempt}`);
    return (JSON.parse(body.toString('utf8')) as { success: boolean }).success;
  };
  const taskOk = (task: FixtureTask) => succeeded(task, task.attempts.at(-1) ?? 0);
  /** A run's status and failing task as its records say: it succeeded when its end task did; else the first failed task by id. */
  const expectedRun = (run: FixtureRun) => {
    const failing = runTasks(run).filter((t) => !taskOk(t)).sort((a, b) => Number(a.id) - Number(b.id))[0];
    const ended = (run.steps.get('end') ?? []).some(taskOk);
    return { status: ended ? 'succeeded' : 'failed', failure: ended || !failing ? null : { step: failing.step, task: failing.id } };
  };
  const failureOf = (summary: RunSummary | undefined) => (summary?.failure ? { step: summary.failure.step, task: summary.failure.task } : null);

  beforeAll(async () => {
    const manifest = await readManifest();
    blobs = await readFixtureBlobs();
    prefix = datastorePrefix(manifest);
    runs = [...fixtureRuns(manifest).values()].flatMap((byId) => [...byId.values()]);
    local = readerOf(inject('container'), prefix);
    // The copy: every blob of the fixture but the local runtime's success records.
    const copy = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(NO_RUNTIME);
    await copy.createIfNotExists();
    const kept = [...blobs].filter(([name]) => !name.endsWith('.runtime'));
    for (let i = 0; i < kept.length; i += 16) {
      await Promise.all(kept.slice(i, i + 16).map(([name, body]) => copy.getBlockBlobClient(name).uploadData(body)));
    }
    remote = readerOf(NO_RUNTIME, prefix);
  }, 120_000);

  afterAll(async () => {
    await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(NO_RUNTIME).deleteIfExists();
  });

  it('knows every run status as its records say; a failed run with its exception in 3 round trips, not 4 or 5, each blob read once', async () => {
    const failedRuns = runs.filter((r) => expectedRun(r).status === 'failed');
    expect(failedRuns.length).toBeGreaterThan(0);
    for (const run of runs) {
      const at = `${run.flow}/${run.id}`;
      const fromRuntime = await inRounds(local, () => local.runs.summaryOf(run.flow, run.id, false));
      const fromArtifacts = await inRounds(remote, () => remote.runs.summaryOf(run.flow, run.id, false));
      const expected = expectedRun(run);
      expect({ status: fromRuntime.value?.status, failure: failureOf(fromRuntime.value) }, at).toEqual(expected);
      // Success read from `_task_ok` instead: the same summary, exception and times included.
      expect(recordedTimes(fromArtifacts.value), at).toEqual(recordedTimes(fromRuntime.value));
      if (expected.status === 'failed') expect(fromRuntime.value?.failure?.exception, at).not.toBeNull();
      // The run's listing, then its records (times, success, and the likely failure's index), then the exception.
      // Over `_task_ok`: the listing, the indexes, then `_task_ok` and `_exception` together. Before: the failed
      // task's index only after its status (4), over `_task_ok` its index read twice (5).
      expect(fromRuntime.rounds, at).toBeLessThanOrEqual(expected.status === 'failed' ? 3 : 2);
      expect(fromArtifacts.rounds, at).toBeLessThanOrEqual(3);
      expect(fromRuntime.repeated, at).toEqual([]);
      expect(fromArtifacts.repeated, at).toEqual([]);
    }
  }, 300_000);

  it('reads a `_task_ok` or None `_exception` blob once per run, not once per task', async () => {
    for (const run of runs.filter((r) => runTasks(r).length > 2)) {
      const before = remote.log.reads.length;
      const { value } = await inRounds(remote, () => remote.runs.detail(run.flow, run.id, false));
      // The blobs the tasks' `_task_ok` and `_exception` name: True, False, None and the exceptions raised.
      const shas = new Set(
        runTasks(run).flatMap((t) => t.attempts.flatMap((n) => {
          const index = JSON.parse(blobs.get(`${prefix}${t.flow}/${t.run}/${t.step}/${t.id}/${n}.data.json`)?.toString('utf8') ?? '{}') as { objects?: Record<string, string> };
          return [index.objects?._task_ok, index.objects?._exception].filter((sha): sha is string => sha !== undefined);
        })),
      );
      const statusReads = remote.log.reads.slice(before).filter((read) => [...shas].some((sha) => read.includes(`/data/${sha.slice(0, 2)}/${sha}`)));
      // Before, every task read its own `_task_ok`: the True blob as many times as tasks succeeded.
      expect(statusReads.length, `${run.flow}/${run.id}`).toBeGreaterThan(0);
      expect(new Set(statusReads).size, `${run.flow}/${run.id}`).toBe(statusReads.length);
      expect(value.tasks.map((t) => t.status)).toEqual(value.tasks.map((t) => (taskOk(taskOf(run, t.step, t.id)) ? 'succeeded' : 'failed')));
    }
  }, 300_000);

  it('reads each blob of a run view once, its rows and its summary together', async () => {
    for (const run of runs) {
      for (const reader of [local, remote]) {
        const { value, repeated } = await inRounds(reader, () => reader.runs.detail(run.flow, run.id, false));
        expect(repeated, `${run.flow}/${run.id}`).toEqual([]);
        expect(value.summary.status).toBe(expectedRun(run).status);
        for (const task of value.tasks) {
          const fixture = taskOf(run, task.step, task.id);
          expect(task.status, `${run.flow}/${run.id}/${task.step}/${task.id}`).toBe(taskOk(fixture) ? 'succeeded' : 'failed');
          expect(task.attempts.map((a) => a.status)).toEqual(fixture.attempts.map((n) => (succeeded(fixture, n) ? 'succeeded' : 'failed')));
        }
      }
    }
  }, 300_000);

  it('answers a task in 2 round trips (3 with a failed retry), not 4 (6), each blob read once, as its records say', async () => {
    let retried = 0;
    for (const run of runs) {
      for (const task of runTasks(run)) {
        const ref = { flow: run.flow, run: run.id, step: task.step, task: task.id };
        const at = `${run.flow}/${run.id}/${task.step}/${task.id}`;
        const fromRuntime = await inRounds(local, () => local.runs.task(ref));
        const fromArtifacts = await inRounds(remote, () => remote.runs.task(ref));
        expect(recordedTimes(fromArtifacts.value), at).toEqual(recordedTimes(fromRuntime.value));
        const { task: shown, artifacts } = fromRuntime.value;
        expect(shown.status, at).toBe(taskOk(task) ? 'succeeded' : 'failed');
        expect(shown.attempts.map((a) => a.status), at).toEqual(task.attempts.map((n) => (succeeded(task, n) ? 'succeeded' : 'failed')));
        for (const attempt of shown.attempts) expect(attempt.exception === null, `${at} attempt ${attempt.attempt}`).toBe(attempt.status !== 'failed');
        const index = JSON.parse(blobs.get(`${prefix}${at}/${task.attempts.at(-1)}.data.json`)?.toString('utf8') ?? '{}') as { objects: Record<string, string> };
        expect(artifacts.map((a) => a.name), at).toEqual(Object.keys(index.objects).sort());
        // The task's listing; its records and index together; the exception of a failed attempt (read beside its
        // status where a retry followed it).
        const most = task.attempts.some((n) => !succeeded(task, n)) ? 3 : 2;
        if (task.attempts.length > 1) retried++;
        expect(fromRuntime.rounds, at).toBeLessThanOrEqual(most);
        expect(fromRuntime.repeated, at).toEqual([]);
        expect(fromArtifacts.repeated, at).toEqual([]);
      }
    }
    expect(retried).toBeGreaterThan(0);
  }, 300_000);

  it('previews an artifact from the task listing, its index and the artifact alone: no status, times or logs', async () => {
    for (const run of runs) {
      const task = runTasks(run)[0];
      const at = `${run.flow}/${run.id}/${task.step}/${task.id}`;
      const latest = task.attempts.at(-1) ?? 0;
      const index = JSON.parse(blobs.get(`${prefix}${at}/${latest}.data.json`)?.toString('utf8') ?? '{}') as { objects: Record<string, string> };
      // Every task holds `name`, the flow's name: a few bytes of pickle.
      const sha = index.objects.name;
      const before = local.log.reads.length;
      const { value, rounds } = await inRounds(local, () => local.runs.actions.preview({ flow: run.flow, run: run.id, step: task.step, task: task.id }, 'name', false));
      expect(value.value, at).toMatchObject({ kind: 'str', value: run.flow });
      const read = local.log.reads.slice(before).map((name) => name.replace(/ \[.*$/, ''));
      expect([...new Set(read)], at).toEqual([`${prefix}${at}/${latest}.data.json`, `${prefix}${run.flow}/data/${sha.slice(0, 2)}/${sha}`]);
      expect(rounds, at).toBe(3);
    }
  }, 120_000);
});

/**
 * The answer without the times that came from blob times (`approximate` says so): the copy's blobs were written
 * now, so those differ from the fixture's; every time Metaflow recorded must be the same.
 */
function recordedTimes<T>(value: T): T {
  if (Array.isArray(value)) return value.map(recordedTimes) as T;
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([key, inner]) => [key, recordedTimes(inner)] as const);
  const fromBlobs = 'approximate' in value && value.approximate !== null;
  return Object.fromEntries(fromBlobs ? entries.filter(([key]) => !['startedAt', 'finishedAt', 'lastActivityAt', 'durationMs'].includes(key)) : entries) as T;
}

function taskOf(run: FixtureRun, step: string, id: string): FixtureTask {
  const task = run.steps.get(step)?.find((t) => t.id === id);
  if (!task) throw new Error(`${run.flow}/${run.id} has no task ${step}/${id} in the fixture`);
  return task;
}
