import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { readFixtureBlobs, readManifest, type Manifest } from '../harness/metaflow-fixture.js';
import { datastorePrefix, fixtureRuns, runTasks, type FixtureRun, type FixtureTask } from '../harness/metaflow-tree.js';

// Corrupt inputs next to good ones: one real ArtifactTypesFlow run copied into a container of its
// own (the shared fixture stays exactly what Metaflow wrote), then broken in four places. Each
// problem must show as a clear message where it belongs, and everything around it keep working.

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');

const FLOW = 'ArtifactTypesFlow';
/** A sysroot with a deeper prefix than the shared one, so nothing relies on `ds/`. */
const NEW_PREFIX = 'broken/ds/';
/** Pickle protocol 4 header, then 0xfe, which is no pickle opcode, then STOP. */
const UNKNOWN_OPCODE_PICKLE = Buffer.from([0x80, 0x04, 0xfe, 0x2e]);
/** The artifacts broken in the CAS: (a) a truncated gzip, (b) a gzip of a pickle with an unknown opcode. */
const TRUNCATED = 'a_unicode';
const BAD_OPCODE = 'nested_dict';
/** A run id of the local runtime's kind, older than the fixture's. */
const ABANDONED_RUN = '1700000000000001';
const abandonedAt = Date.now() - 3 * 24 * 3_600_000;

interface DataJson {
  objects: Record<string, string>;
}

describe('corrupt Metaflow data shows where it belongs, and the rest keeps working', () => {
  const container = `corrupt-runs-${randomUUID().slice(0, 8)}`;
  const client = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  let services: Services;
  let workspaceId: string;
  let userDataDir: string;
  let run: FixtureRun;
  let start: FixtureTask;
  let malformed: FixtureTask;
  let emptyLog: FixtureTask;
  let startObjects: Record<string, string>;

  async function call<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
    const reply = await services.router.dispatch(channel, args);
    if (!reply.ok) throw new Error(`${channel} ${JSON.stringify(args)} failed: ${reply.error.code} ${reply.error.message}`);
    return contract[channel].result.parse(reply.value) as ResultOf<C>;
  }

  async function fail<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<StratusErrorShape> {
    const reply = await services.router.dispatch(channel, args);
    if (reply.ok) throw new Error(`${channel} succeeded: ${JSON.stringify(reply.value).slice(0, 300)}`);
    return reply.error;
  }

  const ref = (task: FixtureTask) => ({ workspaceId, flow: task.flow, run: task.run, step: task.step, task: task.id });

  function onlyTask(step: string): FixtureTask {
    const tasks = run.steps.get(step) ?? [];
    if (tasks.length !== 1) throw new Error(`${FLOW}/${run.id}/${step} has ${tasks.length} tasks`);
    return tasks[0];
  }

  /** Copies the run tree and every CAS blob its data.json files name, then breaks four blobs. */
  async function buildCorruptDatastore(manifest: Manifest, blobs: Map<string, Buffer>): Promise<void> {
    const prefix = datastorePrefix(manifest);
    const read = (name: string) => {
      const body = blobs.get(name);
      if (body === undefined) throw new Error(`the fixture has no blob ${name}`);
      return body;
    };
    const runPrefix = `${prefix}${FLOW}/${run.id}/`;
    const copied = new Map<string, Buffer>();
    for (const [name, body] of blobs) if (name.startsWith(runPrefix)) copied.set(name, body);
    for (const [name, body] of [...copied]) {
      if (!name.endsWith('.data.json')) continue;
      for (const sha of Object.values((JSON.parse(body.toString('utf8')) as DataJson).objects)) {
        const cas = `${prefix}${FLOW}/data/${sha.slice(0, 2)}/${sha}`;
        copied.set(cas, read(cas));
      }
    }

    const taskFile = (task: FixtureTask, file: string) => `${prefix}${task.flow}/${task.run}/${task.step}/${task.id}/${file}`;
    const casOf = (name: string) => `${prefix}${FLOW}/data/${startObjects[name].slice(0, 2)}/${startObjects[name]}`;
    // (a) A gzip cut in the middle of its deflate stream, as an interrupted upload leaves it.
    const whole = read(casOf(TRUNCATED));
    copied.set(casOf(TRUNCATED), whole.subarray(0, Math.floor(whole.length / 2)));
    // (b) Valid gzip around a pickle that no Python could load either.
    copied.set(casOf(BAD_OPCODE), gzipSync(UNKNOWN_OPCODE_PICKLE));
    // (c) A data.json cut short: not JSON any more.
    const index = read(taskFile(malformed, '0.data.json'));
    copied.set(taskFile(malformed, '0.data.json'), index.subarray(0, Math.floor(index.length / 2)));
    // (d) A log with no bytes at all.
    copied.set(taskFile(emptyLog, '0.runtime_stdout.log'), Buffer.alloc(0));
    // (e) An abandoned run: its parameters were written three days ago, and no task ever started.
    const parameters = `${prefix}${FLOW}/${run.id}/_parameters/`;
    for (const [name, body] of blobs) {
      if (!name.startsWith(parameters)) continue;
      const file = name.slice(parameters.length);
      copied.set(`${prefix}${FLOW}/${ABANDONED_RUN}/_parameters/${file}`, file.endsWith('.attempt.json') ? Buffer.from(JSON.stringify({ time: abandonedAt / 1000 })) : body);
    }

    await client.create();
    await Promise.all(
      [...copied].map(([name, body]) => client.getBlockBlobClient(`${NEW_PREFIX}${name.slice(prefix.length)}`).uploadData(body)),
    );
  }

  beforeAll(async () => {
    const [manifest, blobs] = await Promise.all([readManifest(), readFixtureBlobs()]);
    const runs = [...(fixtureRuns(manifest).get(FLOW)?.values() ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    if (runs.length === 0) throw new Error(`the fixture has no ${FLOW} run`);
    run = runs[0];
    start = onlyTask('start');
    // The task a listing gives first, which is where a reader that trusts one task would look for the DAG.
    malformed = [...runTasks(run)].sort((a, b) => `${a.step}/${a.id}`.localeCompare(`${b.step}/${b.id}`))[0];
    emptyLog = [onlyTask('process'), onlyTask('end')].find((t) => t !== malformed) ?? start;
    const startIndex = blobs.get(`${datastorePrefix(manifest)}${FLOW}/${run.id}/start/${start.id}/0.data.json`);
    if (startIndex === undefined) throw new Error('the fixture has no start data.json');
    startObjects = (JSON.parse(startIndex.toString('utf8')) as DataJson).objects;
    // The stdout log broken in (d) must have had lines, or an empty answer would prove nothing.
    expect(blobs.get(`${datastorePrefix(manifest)}${FLOW}/${run.id}/${emptyLog.step}/${emptyLog.id}/0.runtime_stdout.log`)?.length).toBeGreaterThan(0);
    await buildCorruptDatastore(manifest, blobs);

    userDataDir = await mkdtemp(path.join(tmpdir(), 'stratus-corrupt-'));
    services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString }, userDataDir });
    const info = await call('workspace.open', { sysroot: `${container}/${NEW_PREFIX.slice(0, -1)}`, endpoint, credential: { kind: 'environment' } });
    workspaceId = info.id;
  });

  afterAll(async () => {
    await client.deleteIfExists();
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
  });

  it('(a) reports a truncated gzip artifact as CORRUPT_DATA that says gzip', async () => {
    const error = await fail('metaflow.artifact', { ...ref(start), name: TRUNCATED });
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toContain(`"${TRUNCATED}"`);
    expect(error.message).toMatch(/gzip/);
    // Saving it as a pickle needs the same inflate, so it fails the same way.
    const file = await fail('metaflow.artifactFile', { ...ref(start), name: TRUNCATED, format: 'pickle' });
    expect(file.code).toBe('CORRUPT_DATA');
    expect(file.message).toMatch(/gzip/);
  });

  it('(b) reports a pickle with an unknown opcode as CORRUPT_DATA that names the opcode', async () => {
    const error = await fail('metaflow.artifact', { ...ref(start), name: BAD_OPCODE });
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toContain(`"${BAD_OPCODE}"`);
    expect(error.message).toMatch(/unknown pickle opcode 0xfe/);
    const json = await fail('metaflow.artifactFile', { ...ref(start), name: BAD_OPCODE, format: 'json' });
    expect(json.code).toBe('CORRUPT_DATA');
    expect(json.message).toMatch(/unknown pickle opcode 0xfe/);
  });

  it('still lists and previews every other artifact of the task with the broken ones', async () => {
    const broken = new Set([startObjects[TRUNCATED], startObjects[BAD_OPCODE]]);
    const detail = await call('metaflow.task', ref(start));
    expect(detail.artifactProblem).toBeNull();
    expect(detail.artifacts.map((a) => a.name).sort()).toEqual(Object.keys(startObjects).sort());
    const others = Object.entries(startObjects).filter(([, sha]) => !broken.has(sha));
    expect(others.length).toBeGreaterThan(10);
    for (const [name] of others) {
      const preview = await call('metaflow.artifact', { ...ref(start), name });
      expect(preview.totalBytes, name).toBeGreaterThan(0);
    }
    expect(await call('metaflow.artifact', { ...ref(start), name: 'an_int' })).toMatchObject({ value: { kind: 'int', value: 42 }, complete: true });
  });

  it('(c) shows a malformed data.json as the task\'s artifactProblem, and the run view keeps working', async () => {
    const detail = await call('metaflow.task', ref(malformed));
    expect(detail.attempt).toBe(0);
    expect(detail.artifacts).toEqual([]);
    expect(detail.artifactProblem).toMatch(/data\.json is not valid JSON/);
    // Its status comes from `0.runtime`, which is intact.
    expect(detail.task.status).toBe('succeeded');
    // An artifact of that task gets the same message rather than a generic failure.
    const artifact = await fail('metaflow.artifact', { ...ref(malformed), name: 'computed' });
    expect(artifact.code).toBe('CORRUPT_DATA');
    expect(artifact.message).toBe(detail.artifactProblem);
    // Its logs do not depend on the index.
    const logs = await call('metaflow.logs', { ...ref(malformed), stream: 'stdout' });
    expect(logs.lines.length).toBeGreaterThan(0);

    const view = await call('metaflow.run', { workspaceId, flow: FLOW, run: run.id });
    expect(view.summary.status).toBe('succeeded');
    expect(view.steps.map((s) => [s.name, s.taskCount])).toEqual([
      ['start', 1],
      ['process', 1],
      ['end', 1],
    ]);
    expect(view.tasks.map((t) => `${t.step}/${t.id}`).sort()).toEqual(runTasks(run).map((t) => `${t.step}/${t.id}`).sort());
    expect(view.parameters.map((p) => p.name).sort()).toEqual(['alpha', 'label', 'ratio']);
    // The DAG comes from another task's _graph_info: types and edges stay; the damage is told on its own task.
    expect(view.problems.join(' ')).not.toMatch(/DAG could not be read/);
    expect(view.steps.map((s) => [s.name, s.type, s.next])).toEqual([
      ['start', 'start', ['process']],
      ['process', 'linear', ['end']],
      ['end', 'end', []],
    ]);
    const damaged = view.tasks.filter((t) => t.problems.length > 0);
    expect(damaged.map((t) => `${t.step}/${t.id}`)).toEqual([`${malformed.step}/${malformed.id}`]);
    expect(damaged[0].problems.join(' ')).toMatch(/data\.json is not valid JSON/);
    expect(view.tasks.filter((t) => t !== damaged[0]).every((t) => t.status === 'succeeded')).toBe(true);
    const { runs } = await call('metaflow.runs', { workspaceId, flow: FLOW });
    expect(runs.find((r) => r.id === run.id)?.status).toBe('succeeded');
  });

  it('(d) shows a 0-byte log as empty, without an error', async () => {
    expect(await call('metaflow.logs', { ...ref(emptyLog), stream: 'stdout' })).toEqual({ lines: [], bytes: 0, live: false });
    // The task's other stream and its artifacts are untouched.
    expect((await call('metaflow.task', ref(emptyLog))).artifactProblem).toBeNull();
    const startLogs = await call('metaflow.logs', { ...ref(start), stream: 'stdout' });
    expect(startLogs.lines.length).toBeGreaterThan(0);
  });

  it('(e) shows a run abandoned days ago as stale, with when it last did something; a longer threshold says running', async () => {
    const { runs } = await call('metaflow.runs', { workspaceId, flow: FLOW });
    const abandoned = runs.find((r) => r.id === ABANDONED_RUN);
    expect(abandoned).toMatchObject({ status: 'stale', lastActivityAt: abandonedAt, startedAt: abandonedAt, finishedAt: null });
    expect((await call('metaflow.run', { workspaceId, flow: FLOW, run: ABANDONED_RUN })).summary.status).toBe('stale');

    const patient = await call('workspace.open', { sysroot: `${container}/${NEW_PREFIX.slice(0, -1)}`, endpoint, credential: { kind: 'environment' }, staleAfterHours: 24 * 7 });
    const again = await call('metaflow.runs', { workspaceId: patient.id, flow: FLOW });
    expect(again.runs.find((r) => r.id === ABANDONED_RUN)?.status).toBe('running');
  });
});
