import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatastore, type GeneratedDatastore } from '../../electron/sample/metaflow-datastore.js';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';

// Tasks whose exception `@catch` caught, and runs made by `resume`, as the generator writes them in Metaflow's
// layout (the shared fixture has neither): a caught task succeeds but is marked with its exception; a resumed run
// names the run it resumed, from local metadata where the datastore has it, else from the tasks it cloned.

const FLOW = 'CatchFlow';
/** A flow whose failed task's `_exception` blob is gone: the exception then comes from its stderr. */
const LOST = 'LostFlow';

describe('@catch and resume in a local datastore', () => {
  let folder: string;
  let generated: GeneratedDatastore;
  let lost: GeneratedDatastore;
  let services: Services;
  let workspaceId: string;

  async function call<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
    const reply = await services.router.dispatch(channel, args);
    if (!reply.ok) throw new Error(`${channel} ${JSON.stringify(args)} failed: ${reply.error.code} ${reply.error.message}`);
    return contract[channel].result.parse(reply.value) as ResultOf<C>;
  }

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'stratus-catch-'));
    // Runs 3 and 6 fail; 4 resumes 3 (and catches, as 2 does); 6 is not resumed within these runs.
    generated = await generateDatastore(
      { folder },
      { flow: FLOW, runs: 6, stepsPerRun: 4, failedEvery: 3, caughtEvery: 2, resumeFailed: true, retryEvery: 0, runningEvery: 0, datastore: 'local', seed: 5 },
    );
    lost = await generateDatastore({ folder }, { flow: LOST, runs: 1, stepsPerRun: 3, failedEvery: 1, retryEvery: 0, runningEvery: 0, datastore: 'local', seed: 9 });
    const failed = lost.runs[0].tasks.find((t) => t.status === 'failed');
    if (!failed) throw new Error('no failed task generated');
    const index = JSON.parse(await readFile(path.join(folder, LOST, lost.runs[0].id, failed.step, failed.id, '0.data.json'), 'utf8')) as { objects: Record<string, string> };
    const sha = index.objects._exception;
    await rm(path.join(folder, LOST, 'data', sha.slice(0, 2), sha));
    services = createServices({ env: {}, userDataDir: path.join(folder, '.app') });
    await services.localAccess.grant(folder);
    workspaceId = (await call('workspace.open', { kind: 'local', path: folder })).id;
  });

  afterAll(async () => {
    await services?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('marks a task whose exception @catch caught, with the exception, while the task and run succeed', async () => {
    const caughtRuns = generated.runs.filter((r) => r.tasks.some((t) => t.caught));
    expect(caughtRuns.length).toBeGreaterThan(0);
    for (const run of generated.runs) {
      const detail = await call('metaflow.run', { workspaceId, flow: FLOW, run: run.id });
      for (const task of run.tasks) {
        const shown = detail.tasks.find((t) => t.step === task.step && t.id === task.id);
        const what = `${run.id}/${task.step}/${task.id}`;
        if (!task.caught) {
          expect(shown?.caught, what).toBeNull();
          continue;
        }
        expect(shown?.status, what).toBe('succeeded');
        expect(shown?.caught, what).toEqual({
          type: 'builtins.RuntimeError',
          message: `synthetic failure in ${task.step} of ${FLOW}`,
          traceback: expect.stringContaining(`RuntimeError: synthetic failure in ${task.step}`),
        });
      }
      expect(detail.summary.status, run.id).toBe(run.status);
      if (run.status === 'succeeded') expect(detail.summary.failure, run.id).toBeNull();
    }
  });

  it('names the run a resumed run started from, and marks its cloned tasks', async () => {
    const resumed = generated.runs.filter((r) => r.resumedFrom !== null);
    expect(resumed.length).toBeGreaterThan(0);
    for (const run of generated.runs) {
      const detail = await call('metaflow.run', { workspaceId, flow: FLOW, run: run.id });
      expect(detail.resumed, run.id).toEqual(run.resumedFrom === null ? null : { originRunId: run.resumedFrom });
      for (const task of run.tasks) {
        expect(detail.tasks.find((t) => t.step === task.step && t.id === task.id)?.cloned, `${run.id}/${task.step}/${task.id}`).toBe(task.cloned);
      }
    }
  });

  it("takes the origin from local metadata's origin-run-id when the origin run itself is gone", async () => {
    const run = generated.runs.find((r) => r.resumedFrom !== null);
    if (!run?.resumedFrom) throw new Error('no resumed run generated');
    // What METAFLOW_DEFAULT_METADATA=local writes for each task the resumed run ran (LAYOUT.md §6).
    const task = run.tasks.find((t) => !t.cloned);
    if (!task) throw new Error('the resumed run ran no task of its own');
    const meta = path.join(folder, FLOW, run.id, task.step, task.id, '_meta');
    await mkdir(meta, { recursive: true });
    const record = { flow_id: FLOW, run_number: run.id, step_name: task.step, task_id: task.id, field_name: 'origin-run-id', type: 'origin-run-id', value: run.resumedFrom, tags: ['attempt_id:0'], user_name: 'tester', ts_epoch: 1 };
    await writeFile(path.join(meta, 'sysmeta_origin-run-id_1795000000000.json'), JSON.stringify(record));
    await rm(path.join(folder, FLOW, run.resumedFrom), { recursive: true, force: true });
    // The run view of a finished run is kept in the index: a fresh workspace reads it again.
    const fresh = createServices({ env: {}, userDataDir: path.join(folder, '.app2') });
    try {
      await fresh.localAccess.grant(folder);
      const reply = await fresh.router.dispatch('workspace.open', { kind: 'local', path: folder });
      if (!reply.ok) throw new Error(reply.error.message);
      const id = (reply.value as { id: string }).id;
      const detail = await fresh.router.dispatch('metaflow.run', { workspaceId: id, flow: FLOW, run: run.id });
      if (!detail.ok) throw new Error(detail.error.message);
      expect(contract['metaflow.run'].result.parse(detail.value).resumed).toEqual({ originRunId: run.resumedFrom });
    } finally {
      await fresh.close();
    }
  });

  it("names a failed task's exception from its stderr when its _exception cannot be read", async () => {
    const run = lost.runs[0];
    const failed = run.tasks.find((t) => t.status === 'failed');
    if (!failed) throw new Error('no failed task generated');
    const { runs } = await call('metaflow.runs', { workspaceId, flow: LOST });
    // The generator's stderr says "synthetic failure in <step>"; its pickled exception adds " of <flow>".
    expect(runs[0].failure).toEqual({
      step: failed.step,
      task: failed.id,
      exception: {
        type: 'builtins.RuntimeError',
        message: `synthetic failure in ${failed.step}`,
        traceback: expect.stringMatching(new RegExp(`^Traceback \\(most recent call last\\):\\n[^]*RuntimeError: synthetic failure in ${failed.step}\\n$`)),
      },
    });
  });
});
