import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import { readFixtureBlobs, readManifest, type Manifest } from '../harness/metaflow-fixture.js';
import { datastorePrefix, fixtureRuns, runTasks, type FixtureRun, type FixtureTask } from '../harness/metaflow-tree.js';
import { fixtureDir } from '../harness/repo.js';

// What a user needs of a failed run and of retries, over the shared fixture in Azurite: the failing task and
// its exception (type and message, as the flow's source raised it), each failed attempt's exception, and the
// flows list's run count and newest run. Expectations come from the blobs Metaflow wrote and the flows' source.

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
const sysroot = inject('sysroot');

/** `raise <Type>("<message>")` lines of a flow's source, per step (the `def <step>(self` they follow). */
async function raisesByStep(): Promise<Map<string, { type: string; message: string }>> {
  const dir = path.join(fixtureDir, 'flows');
  const found = new Map<string, { type: string; message: string }>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('_flow.py'))) {
    const source = await readFile(path.join(dir, file), 'utf8');
    const flow = /^class (\w+)\(FlowSpec\)/m.exec(source)?.[1];
    let step: string | undefined;
    for (const line of source.split('\n')) {
      step = /^\s+def (\w+)\(self/.exec(line)?.[1] ?? step;
      const raised = /raise (\w+)\("([^"]+)"\)/.exec(line);
      if (raised && flow && step) found.set(`${flow}/${step}`, { type: raised[1], message: raised[2] });
    }
  }
  return found;
}

describe('Metaflow failures, retries and the flows list over Azurite (shared fixture)', () => {
  let services: Services;
  let workspaceId: string;
  let userDataDir: string;
  let manifest: Manifest;
  let blobs: Map<string, Buffer>;
  let flows: Map<string, Map<string, FixtureRun>>;
  let prefix: string;
  let raises: Map<string, { type: string; message: string }>;

  async function call<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
    const reply = await services.router.dispatch(channel, args);
    if (!reply.ok) throw new Error(`${channel} ${JSON.stringify(args)} failed: ${reply.error.code} ${reply.error.message}`);
    return contract[channel].result.parse(reply.value) as ResultOf<C>;
  }

  /** The attempt's success as the local runtime recorded it (`N.runtime`). */
  function succeeded(task: FixtureTask, attempt: number): boolean {
    const body = blobs.get(`${prefix}${task.flow}/${task.run}/${task.step}/${task.id}/${attempt}.runtime`);
    if (body === undefined) throw new Error(`no runtime file for ${task.step}/${task.id} attempt ${attempt}`);
    return (JSON.parse(body.toString('utf8')) as { success: boolean }).success;
  }

  const allRuns = () => [...flows.values()].flatMap((runs) => [...runs.values()]);

  beforeAll(async () => {
    [manifest, blobs, raises] = await Promise.all([readManifest(), readFixtureBlobs(), raisesByStep()]);
    flows = fixtureRuns(manifest);
    prefix = datastorePrefix(manifest);
    userDataDir = await mkdtemp(path.join(tmpdir(), 'stratus-failures-'));
    services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString }, userDataDir });
    workspaceId = (await call('workspace.open', { sysroot, endpoint, credential: { kind: 'environment' } })).id;
  });

  afterAll(async () => {
    await services?.close();
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
  });

  it('names the failing step and task of a failed run, with the exception its code raised, in the list and the run view', async () => {
    const failedRuns = allRuns().filter((run) => runTasks(run).some((t) => !succeeded(t, t.attempts.at(-1) ?? 0)));
    expect(failedRuns.length).toBeGreaterThan(0);
    for (const run of failedRuns) {
      const failing = runTasks(run).filter((t) => !succeeded(t, t.attempts.at(-1) ?? 0));
      const raised = raises.get(`${run.flow}/${failing[0].step}`);
      if (raised === undefined) throw new Error(`the flow source of ${run.flow} raises nothing in ${failing[0].step}`);
      const expected = {
        step: failing[0].step,
        task: failing[0].id,
        exception: { type: `builtins.${raised.type}`, message: raised.message, traceback: expect.stringContaining(`${raised.type}: ${raised.message}`) },
      };
      const list = await call('metaflow.runs', { workspaceId, flow: run.flow });
      expect(list.runs.find((r) => r.id === run.id)?.failure, run.id).toEqual(expected);
      const detail = await call('metaflow.run', { workspaceId, flow: run.flow, run: run.id });
      expect(detail.summary.failure, run.id).toEqual(expected);
    }
    // Runs that succeeded name no failure.
    for (const run of allRuns().filter((r) => !failedRuns.includes(r))) {
      const list = await call('metaflow.runs', { workspaceId, flow: run.flow });
      expect(list.runs.find((r) => r.id === run.id)?.failure, run.id).toBeNull();
    }
  });

  it('gives each failed attempt of a retried task its exception, and succeeded attempts none', async () => {
    let failedAttempts = 0;
    for (const run of allRuns()) {
      const detail = await call('metaflow.run', { workspaceId, flow: run.flow, run: run.id });
      for (const task of runTasks(run)) {
        const shown = detail.tasks.find((t) => t.step === task.step && t.id === task.id);
        for (const attempt of shown?.attempts ?? []) {
          const at = `${run.flow}/${run.id}/${task.step}/${task.id} attempt ${attempt.attempt}`;
          if (succeeded(task, attempt.attempt)) {
            expect(attempt.exception, at).toBeNull();
            continue;
          }
          failedAttempts++;
          const raised = raises.get(`${run.flow}/${task.step}`);
          expect(attempt.exception, at).toMatchObject({ type: `builtins.${raised?.type}`, message: raised?.message });
        }
        // No task of the fixture uses @catch.
        expect(shown?.caught, `${run.flow}/${run.id}/${task.step}/${task.id}`).toBeNull();
      }
    }
    // The retried flaky task failed once in each RetryFlow run, and doomed once in the failed run.
    expect(failedAttempts).toBe(allRuns().flatMap(runTasks).reduce((n, t) => n + t.attempts.filter((a) => !succeeded(t, a)).length, 0));
    expect(failedAttempts).toBeGreaterThan(1);
  });

  it('gives each flow of the flows list its run count and newest run with its status', async () => {
    for (const [flow, runs] of flows) {
      const newest = [...runs.keys()].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1))[0];
      const summary = await call('metaflow.flowSummary', { workspaceId, flow });
      expect(summary.runCount, flow).toBe(runs.size);
      expect(summary.latest?.id, flow).toBe(newest);
      const failed = runTasks(runs.get(newest) as FixtureRun).some((t) => !succeeded(t, t.attempts.at(-1) ?? 0));
      expect(summary.latest?.status, flow).toBe(failed ? 'failed' : 'succeeded');
      expect(summary.latest?.startedAt, flow).not.toBeNull();
    }
  });
});
