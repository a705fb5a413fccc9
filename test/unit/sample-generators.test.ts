import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodePickle } from '../../electron/metaflow/pickle/decoder.js';
import { toJson } from '../../electron/metaflow/pickle/json.js';
import { createServices, type Services } from '../../electron/services.js';
import { MetaflowListing, RunList, WorkspaceInfo, type WorkspaceInput } from '../../shared/contract.js';
import { generateDatastore, type GeneratedDatastore, type GenerateOptions } from '../../electron/sample/metaflow-datastore.js';
import { pickle, PyFloat, PyInstance, PyTuple, type PickleValue } from '../../electron/sample/pickle-writer.js';
import { readManifest } from '../harness/metaflow-fixture.js';

// The synthetic datastore generator must write what Metaflow writes: its pickles are byte for byte
// CPython's (checked against blobs of the shared fixture), its blob names follow LAYOUT.md, and the
// app reads its output as the flows, runs, steps, tasks and artifacts it says it generated.

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

/** Values from the shared fixture and the CAS names Metaflow gave them (LAYOUT.md §4: sha1 of the pickle). */
function fixtureValues(): { flow: string; sha: string; value: PickleValue }[] {
  const retryGraph: PickleValue = {
    file: 'retry_flow.py',
    start_step: 'start',
    end_step: 'end',
    parameters: [{ name: 'always_fail', type: 'Parameter' }],
    constants: [],
    steps: Object.fromEntries(
      (
        [
          ['start', 'start', 12, [], ['flaky']],
          ['flaky', 'linear', 17, [{ name: 'retry', attributes: { times: 1, minutes_between_retries: 0 }, statically_defined: true, inserted_by: null }], ['doomed']],
          ['doomed', 'linear', 27, [], ['end']],
          ['end', 'end', 35, [], []],
        ] as const
      ).map(([name, type, line, decorators, next]) => [
        name,
        { name, type, line, source_file: '/home/ds/flows/shared/retry_flow.py', doc: '', decorators: [...decorators], next: [...next], node_info: {} },
      ]),
    ),
    graph_structure: ['start', 'flaky', 'doomed', 'end'],
    doc: '',
    decorators: [],
    extensions: { installed: {} },
  };
  const items = ['item-0', 'item-1', 'item-2', 'item-3', 'item-4'];
  return [
    { flow: 'RetryFlow', sha: '868436778cb011a1c6230bc12534683ab0b7f1c3', value: true },
    { flow: 'RetryFlow', sha: '2473d4676d5b2aba674167293142f8031ada401b', value: false },
    { flow: 'RetryFlow', sha: 'dbc1aaddc8b7343d6d33b34edcf608b8f8801918', value: null },
    { flow: 'RetryFlow', sha: 'c5cf38908fc549f499ade5b17ce221ff0ced377f', value: [] },
    { flow: 'RetryFlow', sha: '3eaf831b0531ecffdd5646521fa4e447961883a3', value: 'RetryFlow' },
    { flow: 'RetryFlow', sha: '4028827530eb6c63f2c9d431d7496a6614ea98d7', value: 1 },
    { flow: 'RetryFlow', sha: '334674a951a1573352cd0e5d8b1007d909ebfc5d', value: retryGraph },
    { flow: 'ForeachFlow', sha: '194108c8f41294e0338aaf3e15c9ec9614b94fad', value: 5 },
    { flow: 'ForeachFlow', sha: 'f351d3c6f5992b06270a5f59fdfa37c09b78686f', value: items },
    { flow: 'ForeachFlow', sha: '782157350b3c76c8e5120dc45cc824cb9c3407a7', value: new PyTuple([['work'], 'items']) },
    { flow: 'ForeachFlow', sha: '8cff03e72d6de6169915ba60c3ee290e1f1763b6', value: new PyTuple([['join'], null]) },
    { flow: 'ForeachFlow', sha: 'db05fb62cbcd617aa45988c1024b45454ea6744a', value: { 'item-0': 0, 'item-1': 1, 'item-2': 4, 'item-3': 9, 'item-4': 16 } },
    { flow: 'ForeachFlow', sha: '5f83fa3efaef17299f8c7ad13b8bdcf294909ca2', value: [new PyInstance('__main__', 'ForeachFrame', ['work', 'items', 5, 1, 'item-1'])] },
  ];
}

describe('pickle writer', () => {
  it('writes the bytes CPython wrote for values in the shared fixture', async () => {
    const names = new Set((await readManifest()).blobs.map((b) => b.name));
    for (const { flow, sha, value } of fixtureValues()) {
      expect(names.has(`ds/${flow}/data/${sha.slice(0, 2)}/${sha}`), `${flow} ${sha}`).toBe(true);
      expect(sha1(pickle(value)), JSON.stringify(toJson(decodePickle(pickle(value)).value))).toBe(sha);
    }
  });

  it('encodes what the app decodes back', () => {
    const value: PickleValue = { n: -7, big: 2n ** 80n, f: new PyFloat(2), x: 0.5, s: 'second run ✓', b: new Uint8Array([1, 2]), t: new PyTuple([1, 'a']), l: [null, true] };
    expect(toJson(decodePickle(pickle(value)).value)).toEqual({
      n: -7,
      big: String(2n ** 80n),
      f: 2,
      x: 0.5,
      s: 'second run ✓',
      b: { __bytes__: 'AQI=' },
      t: [1, 'a'],
      l: [null, true],
    });
  });
});

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

function ok(reply: Reply, what: string): unknown {
  if (!reply.ok) throw new Error(`${what} failed: ${reply.error.code} ${reply.error.message}`);
  return reply.value;
}

/** Every file under `root` as a blob name ('/'-separated, relative to root). */
async function filesUnder(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? filesUnder(root, `${prefix}${e.name}/`) : Promise.resolve([`${prefix}${e.name}`]))),
  );
  return nested.flat();
}

// 12 runs: runs 4 and 8 fail, 6 and 12 are still running, 5 and 10 retry a task.
const MAIN: GenerateOptions = { flow: 'GenFlow', runs: 12, stepsPerRun: 5, foreachWidth: 3, failedEvery: 4, runningEvery: 6, retryEvery: 5, artifactsPerTask: 4, seed: 7 };
const LINEAR: GenerateOptions = { flow: 'LinearFlow', runs: 3, stepsPerRun: 3, seed: 3 };

describe('generated datastore', () => {
  let folder: string;
  let main: GeneratedDatastore;
  let linear: GeneratedDatastore;
  let services: Services;
  let workspaceId: string;

  async function list(p: { flow?: string; run?: string; step?: string; task?: string }): Promise<MetaflowListing> {
    return MetaflowListing.parse(ok(await services.router.dispatch('metaflow.list', { workspaceId, ...p }), `metaflow.list ${JSON.stringify(p)}`));
  }

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'stratus-generated-'));
    [main, linear] = await Promise.all([generateDatastore({ folder }, MAIN), generateDatastore({ folder }, LINEAR)]);
    services = createServices({ env: {} });
    // The user chose the generated folder (in the app: an open dialog in main).
    await services.localAccess.grant(folder);
    const input: WorkspaceInput = { kind: 'local', path: folder };
    workspaceId = WorkspaceInfo.parse(ok(await services.router.dispatch('workspace.open', input), 'workspace.open')).id;
  });

  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('generates the mix of runs asked for', () => {
    expect(main.runs.map((r) => r.status)).toEqual([
      'succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded', 'running',
      'succeeded', 'failed', 'succeeded', 'succeeded', 'succeeded', 'running',
    ]);
    expect(main.runs[4].tasks.find((t) => t.step === 'work')?.attempts).toBe(2);
    expect(new Set(main.runs.map((r) => r.id)).size).toBe(12);
  });

  it('opens as a local workspace that lists the flows, runs, steps, tasks and artifacts generated', async () => {
    expect(await list({})).toEqual({ level: 'flows', entries: [{ name: 'GenFlow' }, { name: 'LinearFlow' }] });
    for (const generated of [main, linear]) {
      const flow = generated.flow;
      const runs = await list({ flow });
      expect(runs.entries.map((e) => e.name)).toEqual(generated.runs.map((r) => r.id).reverse());
      for (const run of generated.runs) {
        const steps = await list({ flow, run: run.id });
        expect(steps.entries).toEqual([...[...run.steps].sort().map((name) => ({ name, pseudo: false })), { name: '_parameters', pseudo: true }]);
        for (const step of run.steps) {
          const tasks = run.tasks.filter((t) => t.step === step);
          expect((await list({ flow, run: run.id, step })).entries.map((e) => e.name)).toEqual(tasks.map((t) => t.id));
          for (const task of tasks) {
            const where = { flow, run: run.id, step, task: task.id };
            if (task.status === 'running') {
              const reply = await services.router.dispatch('metaflow.list', { workspaceId, ...where });
              expect(reply.ok ? 'listed' : reply.error.code).toBe('NOT_FOUND');
              continue;
            }
            const artifacts = await list(where);
            if (artifacts.level !== 'artifacts') throw new Error(`${JSON.stringify(where)} listed ${artifacts.level}`);
            expect(artifacts.attempt).toBe(task.attempts - 1);
            expect(artifacts.entries.map((e) => e.name)).toEqual(task.artifacts);
            expect(artifacts.entries.every((e) => e.encoding === 'pickle-v4' && e.size !== null && e.type?.startsWith("<class '"))).toBe(true);
          }
        }
      }
    }
  });

  it('reports each run with the status and start it was generated with', async () => {
    const reply = await services.router.dispatch('metaflow.runs', { workspaceId, flow: 'GenFlow' });
    const { runs } = RunList.parse(ok(reply, 'metaflow.runs'));
    const byId = new Map(runs.map((r) => [r.id, r]));
    for (const run of main.runs) {
      // A run left unfinished in 2026-11 has had no activity for days: the app calls it stale.
      expect(byId.get(run.id)?.status, run.id).toBe(run.status === 'running' ? 'stale' : run.status);
      // From the attempt.json file times the folder sink stamps.
      expect(Math.abs((byId.get(run.id)?.startedAt ?? 0) - run.startedAt)).toBeLessThan(2);
    }
  });

  it("names CAS blobs by the sha1 of the gunzipped pickle, with Metaflow's gzip header, and indexes only existing blobs", async () => {
    const names = await filesUnder(folder);
    expect(names.length).toBe(main.blobs + linear.blobs);
    const cas = names.filter((n) => /^\w+\/data\//.test(n));
    expect(cas.length).toBe(main.casBlobs + linear.casBlobs);
    for (const name of cas) {
      const m = /^(\w+)\/data\/([0-9a-f]{2})\/([0-9a-f]{40})$/.exec(name);
      expect(m, name).not.toBeNull();
      const blob = await readFile(path.join(folder, name));
      // 1f 8b 08, no flags, an mtime, XFL 0, OS 255: GzipFile(compresslevel=3).
      expect([...blob.subarray(0, 4), blob[8], blob[9]]).toEqual([0x1f, 0x8b, 8, 0, 0, 0xff]);
      expect(sha1(gunzipSync(blob))).toBe(m?.[3]);
      expect(m?.[3].startsWith(m?.[2] ?? '-')).toBe(true);
    }
    const casSet = new Set(cas);
    for (const name of names.filter((n) => n.endsWith('.data.json'))) {
      const flow = name.split('/')[0];
      const { objects, info } = JSON.parse(await readFile(path.join(folder, name), 'utf8')) as {
        objects: Record<string, string>;
        info: Record<string, { size: number }>;
      };
      for (const [artifact, sha] of Object.entries(objects)) {
        const blob = `${flow}/data/${sha.slice(0, 2)}/${sha}`;
        expect(casSet.has(blob), `${name} ${artifact}`).toBe(true);
        expect(gunzipSync(await readFile(path.join(folder, blob))).length).toBe(info[artifact].size);
      }
    }
  });

  it('writes the real per-task files and stores a value once for all runs', async () => {
    const run = main.runs[3];
    const failed = run.tasks.find((t) => t.status === 'failed');
    if (failed === undefined) throw new Error('run 4 has no failed task');
    const dir = path.join(folder, 'GenFlow', run.id, failed.step, failed.id);
    expect((await readdir(dir)).sort()).toEqual(
      ['DONE.lock', 'attempt.json', 'data.json', 'runtime', 'runtime_stderr.log', 'runtime_stdout.log', 'task_begin', 'task_end'].map((k) => `0.${k}`).sort(),
    );
    expect(JSON.parse(await readFile(path.join(dir, '0.runtime'), 'utf8'))).toEqual({ return_code: 1, killed: false, success: false });
    expect(await readFile(path.join(dir, '0.DONE.lock'), 'utf8')).toBe('""');
    expect(await readFile(path.join(dir, '0.attempt.json'), 'utf8')).toMatch(/^\{"time": \d{10}\.\d+\}$/);
    const stderr = (await readFile(path.join(dir, '0.runtime_stderr.log'), 'utf8')).trimEnd().split('\n');
    for (const line of stderr) expect(line).toMatch(/^\[MFLOG\|0\|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\|runtime\|[0-9a-f-]{36}\]/);
    expect(stderr.at(-1)).toMatch(/Task failed\.$/);

    const running = main.runs[5].tasks.filter((t) => t.status === 'running');
    expect(running.length).toBeGreaterThan(0);
    for (const task of running) {
      expect((await readdir(path.join(folder, 'GenFlow', main.runs[5].id, task.step, task.id))).sort()).toEqual(['0.attempt.json', '0.task_begin']);
    }

    // `_graph_info` and `_task_ok` are the same value in every task of every run: one blob each.
    const shas = new Set<string>();
    for (const r of main.runs) {
      const data = path.join(folder, 'GenFlow', r.id, 'start', '1', '0.data.json');
      const { objects } = JSON.parse(await readFile(data, 'utf8')) as { objects: Record<string, string> };
      shas.add(`${objects._graph_info} ${objects._task_ok}`);
    }
    expect(shas.size).toBe(1);
  });

  it('writes the same blobs into a container, with the CAS metadata', async () => {
    const service = BlobServiceClient.fromConnectionString(inject('connectionString'));
    const container = service.getContainerClient(`generated-${randomBytes(4).toString('hex')}`);
    await container.create();
    try {
      const options: GenerateOptions = { ...MAIN, runs: 3 };
      const local = await mkdtemp(path.join(tmpdir(), 'stratus-generated-'));
      const [inFolder, inAzure] = await Promise.all([
        generateDatastore({ folder: local }, options),
        generateDatastore({ container, prefix: 'ds/' }, options),
      ]);
      expect(inAzure.runs).toEqual(inFolder.runs);
      const blobs = new Map<string, Record<string, string> | undefined>();
      for await (const blob of container.listBlobsFlat({ includeMetadata: true })) blobs.set(blob.name, blob.metadata);
      const files = await filesUnder(local);
      expect([...blobs.keys()].sort()).toEqual(files.map((f) => `ds/${f}`).sort());
      for (const name of files.filter((f) => f.includes('/data/')).slice(0, 5)) {
        expect(blobs.get(`ds/${name}`)).toEqual({ metaflow_user_attributes: '{"cas_raw": false, "cas_version": 1}' });
        const body = await container.getBlobClient(`ds/${name}`).downloadToBuffer();
        expect(body.equals(await readFile(path.join(local, name)))).toBe(true);
      }
      await rm(local, { recursive: true, force: true });
    } finally {
      await container.delete();
    }
  });
});
