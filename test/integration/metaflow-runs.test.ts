import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PREVIEW_BYTES } from '../../electron/metaflow/artifacts.js';
import type { PreviewField, PreviewValue } from '../../shared/preview-types.js';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf, type RunDetail } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { readFixtureBlobs, readManifest, type Manifest } from '../harness/metaflow-fixture.js';
import { datastorePrefix, fixtureRuns, lastLogLine, recordedRunTimes, runTasks, type FixtureRun, type FixtureTask } from '../harness/metaflow-tree.js';
import { fixtureDir } from '../harness/repo.js';

// Run views over the shared fixture in Azurite, through the router the UI calls: every run, step,
// task and attempt of manifest.json with its status, the decoded artifacts, logs and the card.
// Expectations come from the manifest, the blobs Metaflow wrote and the flows' source.

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
const sysroot = inject('sysroot');
const container = inject('container');

const FLOWS_DIR = path.join(fixtureDir, 'flows');
const ARTIFACT_FLOW = 'ArtifactTypesFlow';

/** The attempt's success as the local runtime recorded it in `N.runtime` (LAYOUT.md §3). */
interface RuntimeFile {
  success: boolean;
}

/** A preview value as the contract carries it (Json); its shape is PreviewValue by construction. */
function previewOf(value: unknown): PreviewValue {
  if (typeof value !== 'object' || value === null || !('kind' in value)) throw new Error(`not a preview: ${JSON.stringify(value)}`);
  return value as PreviewValue;
}

function narrow<K extends PreviewValue['kind']>(value: PreviewValue, kind: K): Extract<PreviewValue, { kind: K }> {
  if (value.kind !== kind) throw new Error(`expected a ${kind} preview, got ${JSON.stringify(value).slice(0, 300)}`);
  return value as Extract<PreviewValue, { kind: K }>;
}

function strOf(value: PreviewValue): string {
  return narrow(value, 'str').value;
}

function fieldValue(fields: PreviewField[], name: string): PreviewValue {
  const field = fields.find((f) => f.name === name);
  if (field === undefined) throw new Error(`no field ${name} in ${JSON.stringify(fields)}`);
  return field.value;
}

/** Nodes anywhere in a preview whose content the reader could not decode. */
function unreadable(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(unreadable);
  if (typeof value !== 'object' || value === null) return [];
  const node = value as Record<string, unknown>;
  if (node.kind === 'elided' && node.reason === 'unavailable') return [node];
  return Object.values(node).flatMap(unreadable);
}

/** `self.<name> = <literal>` assignments in a flow's source whose literal JSON can parse (ints, floats, "strings"). */
function sourceLiterals(source: string): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const [, name, literal] of source.matchAll(/^\s*self\.(\w+) = (.+?)\s*$/gm)) {
    try {
      found.set(name, JSON.parse(literal));
    } catch {
      // Not a JSON-compatible literal (a dict, a call): checked otherwise.
    }
  }
  return found;
}

function literal(literals: Map<string, unknown>, name: string): unknown {
  if (!literals.has(name)) throw new Error(`the flow source sets no literal ${name}`);
  return literals.get(name);
}

describe('Metaflow run views over Azurite (shared fixture)', () => {
  let services: Services;
  let workspaceId: string;
  let userDataDir: string;
  let manifest: Manifest;
  let blobs: Map<string, Buffer>;
  let flows: Map<string, Map<string, FixtureRun>>;
  let prefix: string;

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

  function blob(name: string): Buffer {
    const body = blobs.get(name);
    if (body === undefined) throw new Error(`the fixture has no blob ${name}`);
    return body;
  }

  function taskFile(task: FixtureTask, file: string): Buffer {
    return blob(`${prefix}${task.flow}/${task.run}/${task.step}/${task.id}/${file}`);
  }

  function dataJson(task: FixtureTask, attempt: number): { objects: Record<string, string>; info: Record<string, { size: number }> } {
    return JSON.parse(taskFile(task, `${attempt}.data.json`).toString('utf8')) as { objects: Record<string, string>; info: Record<string, { size: number }> };
  }

  function attemptTime(task: FixtureTask, attempt: number): number {
    return (JSON.parse(taskFile(task, `${attempt}.attempt.json`).toString('utf8')) as { time: number }).time;
  }

  function runsOf(flow: string): FixtureRun[] {
    const runs = flows.get(flow);
    if (runs === undefined) throw new Error(`the fixture has no flow ${flow}`);
    return [...runs.values()];
  }

  /** A run failed when it never got to `end` (README: the always_fail run stopped at doomed). */
  const finished = (run: FixtureRun) => run.steps.has('end');

  function onlyTask(run: FixtureRun, step: string): FixtureTask {
    const tasks = run.steps.get(step) ?? [];
    if (tasks.length !== 1) throw new Error(`${run.flow}/${run.id}/${step} has ${tasks.length} tasks`);
    return tasks[0];
  }

  const ref = (task: FixtureTask) => ({ workspaceId, flow: task.flow, run: task.run, step: task.step, task: task.id });

  beforeAll(async () => {
    [manifest, blobs] = await Promise.all([readManifest(), readFixtureBlobs()]);
    flows = fixtureRuns(manifest);
    prefix = datastorePrefix(manifest);
    userDataDir = await mkdtemp(path.join(tmpdir(), 'stratus-runs-'));
    services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString }, userDataDir });
    // The fixture's cards are in their own root (METAFLOW_CARD_AZUREROOT), in the same container.
    const cardRoot = `${container}${manifest.card_azureroot.slice(manifest.card_azureroot.indexOf('/'))}`;
    const info = await call('workspace.open', { sysroot, endpoint, credential: { kind: 'environment' }, cardRoot });
    workspaceId = info.id;
  });

  afterAll(async () => {
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
  });

  it('lists every run of every flow with its status, and no tags or user (they are not in blob storage)', async () => {
    expect(flows.size).toBeGreaterThan(0);
    for (const [flow, runs] of flows) {
      const list = await call('metaflow.runs', { workspaceId, flow });
      expect(list.metadata, flow).toBe('none');
      expect(list.runs.map((r) => r.id).sort(), flow).toEqual([...runs.keys()].sort());
      for (const summary of list.runs) {
        const run = runs.get(summary.id);
        if (run === undefined) throw new Error(`unexpected run ${flow}/${summary.id}`);
        const what = `${flow}/${summary.id}`;
        expect(summary.flow, what).toBe(flow);
        expect(summary.status, what).toBe(finished(run) ? 'succeeded' : 'failed');
        expect(summary, what).toMatchObject({ tags: null, systemTags: null, user: null });
        // The start Metaflow recorded in `_parameters/0/0.attempt.json`, in epoch ms.
        if (run.parameters === undefined) throw new Error(`${what} has no _parameters task`);
        expect(summary.startedAt, what).not.toBeNull();
        expect(Math.abs((summary.startedAt ?? 0) - attemptTime(run.parameters, 0) * 1000), what).toBeLessThan(1);
        expect(summary.finishedAt, what).not.toBeNull();
        expect(summary.durationMs, what).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('tells the two RetryFlow runs apart: the retried run succeeded, the always_fail run failed', async () => {
    const retry = runsOf('RetryFlow');
    expect(retry.filter(finished)).toHaveLength(1);
    expect(retry.filter((r) => !finished(r))).toHaveLength(1);
    const { runs } = await call('metaflow.runs', { workspaceId, flow: 'RetryFlow' });
    const status = new Map(runs.map((r) => [r.id, r.status]));
    for (const run of retry) expect(status.get(run.id), run.id).toBe(finished(run) ? 'succeeded' : 'failed');
    // The failed run is the one started with --always_fail true.
    for (const run of retry) {
      const detail = await call('metaflow.run', { workspaceId, flow: 'RetryFlow', run: run.id });
      expect(detail.parameters, run.id).toEqual([{ name: 'always_fail', value: { kind: 'bool', value: !finished(run) } }]);
    }
  });

  it('shows every step in DAG order, every task and every attempt with its status', { timeout: 60_000 }, async () => {
    let attemptsChecked = 0;
    for (const [flow, runs] of flows) {
      for (const run of runs.values()) {
        const what = `${flow}/${run.id}`;
        const detail: RunDetail = await call('metaflow.run', { workspaceId, flow, run: run.id });
        expect(detail.problems, what).toEqual([]);
        expect(detail.resumed, what).toBeNull();

        // Steps: start first, end last (when the run got there), every edge pointing forward.
        const names = detail.steps.map((s) => s.name);
        expect(names[0], what).toBe('start');
        expect(names, what).not.toContain('_parameters');
        if (finished(run)) expect(names.at(-1), what).toBe('end');
        for (const step of detail.steps) {
          for (const next of step.next) expect(names.indexOf(next), `${what} ${step.name} → ${next}`).toBeGreaterThan(names.indexOf(step.name));
        }
        const withTasks = detail.steps.filter((s) => s.taskCount > 0);
        expect(Object.fromEntries(withTasks.map((s) => [s.name, s.taskCount])), what).toEqual(
          Object.fromEntries([...run.steps].map(([step, tasks]) => [step, tasks.length])),
        );

        // Tasks and attempts: exactly those of the manifest; each attempt's status is what `N.runtime` recorded.
        const expected = runTasks(run);
        expect(detail.tasks.map((t) => `${t.step}/${t.id}`).sort(), what).toEqual(expected.map((t) => `${t.step}/${t.id}`).sort());
        for (const task of expected) {
          const shown = detail.tasks.find((t) => t.step === task.step && t.id === task.id);
          if (shown === undefined) throw new Error(`${what} does not show ${task.step}/${task.id}`);
          expect(shown.attempts.map((a) => a.attempt), `${what}/${task.step}/${task.id}`).toEqual(task.attempts);
          expect(shown.cloned).toBe(false);
          for (const attempt of shown.attempts) {
            const runtime = JSON.parse(taskFile(task, `${attempt.attempt}.runtime`).toString('utf8')) as RuntimeFile;
            const at = `${what}/${task.step}/${task.id} attempt ${attempt.attempt}`;
            expect(attempt.status, at).toBe(runtime.success ? 'succeeded' : 'failed');
            expect(Math.abs((attempt.startedAt ?? 0) - attemptTime(task, attempt.attempt) * 1000), at).toBeLessThan(1);
            expect(attempt.finishedAt, at).not.toBeNull();
            attemptsChecked++;
          }
          expect(shown.status).toBe(shown.attempts.at(-1)?.status);
        }
        for (const step of withTasks) {
          const statuses = detail.tasks.filter((t) => t.step === step.name).map((t) => t.status);
          expect(step.status, `${what} ${step.name}`).toBe(statuses.includes('failed') ? 'failed' : 'succeeded');
        }
      }
    }
    expect(attemptsChecked).toBe(
      [...flows.values()].flatMap((runs) => [...runs.values()]).flatMap(runTasks).reduce((n, t) => n + t.attempts.length, 0),
    );
  });

  it('shows the RetryFlow flaky task as failed at attempt 0, succeeded at attempt 1, and the failed run stopping at doomed', async () => {
    for (const run of runsOf('RetryFlow')) {
      const detail = await call('metaflow.run', { workspaceId, flow: 'RetryFlow', run: run.id });
      const flaky = detail.tasks.find((t) => t.step === 'flaky');
      expect(flaky?.attempts.map((a) => [a.attempt, a.status])).toEqual([
        [0, 'failed'],
        [1, 'succeeded'],
      ]);
      expect(flaky?.status).toBe('succeeded');
      const doomed = detail.tasks.find((t) => t.step === 'doomed');
      expect(doomed?.status, run.id).toBe(finished(run) ? 'succeeded' : 'failed');
      if (!finished(run)) {
        expect(detail.tasks.some((t) => t.step === 'end')).toBe(false);
        // The DAG still names end, but no task of it ran.
        expect(detail.steps.find((s) => s.name === 'end')?.taskCount ?? 0).toBe(0);
        expect(detail.steps.find((s) => s.name === 'doomed')?.status).toBe('failed');
      }
    }
  });

  it('ends each finished attempt at its last mflog line, not at the Last-Modified the copy into Azurite reset', async () => {
    for (const run of runsOf('RetryFlow')) {
      const detail = await call('metaflow.run', { workspaceId, flow: 'RetryFlow', run: run.id });
      for (const task of [...run.steps.values()].flat()) {
        const shown = detail.tasks.find((t) => t.step === task.step && t.id === task.id);
        for (const n of task.attempts) {
          if (!task.files.includes(`${n}.DONE.lock`)) continue;
          const times = task.files
            .filter((f) => f.startsWith(`${n}.`) && f.endsWith('.log'))
            .flatMap((f) => [...taskFile(task, f).toString('utf8').matchAll(/^\[MFLOG\|0\|([^|]+)\|/gm)].map((m) => Date.parse(m[1])));
          const attempt = shown?.attempts.find((a) => a.attempt === n);
          if (times.length > 0) expect(attempt?.finishedAt, `${task.step}/${task.id} attempt ${n}`).toBe(Math.max(...times));
        }
      }
      // So a retry's first attempt ends before the second starts, as it did.
      const flaky = detail.tasks.find((t) => t.step === 'flaky')?.attempts ?? [];
      expect(flaky[0].finishedAt).toBeLessThanOrEqual(flaky[1].startedAt ?? -1);
      expect(flaky[0].finishedAt).toBeGreaterThanOrEqual(flaky[0].startedAt ?? Infinity);
    }
  });

  it('times every run from Metaflow\'s records, not from the Last-Modified the copy into Azurite reset: start, end, duration', { timeout: 60_000 }, async () => {
    let checked = 0;
    for (const flow of flows.keys()) {
      const { runs } = await call('metaflow.runs', { workspaceId, flow });
      for (const run of runsOf(flow)) {
        const recorded = recordedRunTimes(run, taskFile);
        if (recorded === undefined) continue;
        const { startedAt: start, finishedAt: end } = recorded;
        const listed = runs.find((r) => r.id === run.id);
        const detail = await call('metaflow.run', { workspaceId, flow, run: run.id });
        for (const [where, summary] of [['list', listed], ['view', detail.summary]] as const) {
          expect(summary?.startedAt, `${flow}/${run.id} ${where} start`).toBe(start);
          expect(summary?.finishedAt, `${flow}/${run.id} ${where} end`).toBe(end);
          expect(summary?.durationMs, `${flow}/${run.id} ${where} duration`).toBe(end - start);
          expect(summary?.approximate, `${flow}/${run.id} ${where}`).toBeNull();
        }
        // The timeline's bars: each attempt from its attempt.json to its last log line.
        for (const task of runTasks(run)) {
          const shown = detail.tasks.find((t) => t.step === task.step && t.id === task.id);
          for (const n of task.attempts) {
            if (!task.files.includes(`${n}.attempt.json`)) continue;
            const attempt = shown?.attempts.find((a) => a.attempt === n);
            expect(attempt?.startedAt, `${task.step}/${task.id}/${n} start`).toBe(Math.round(attemptTime(task, n) * 1000));
            // Approximate only where Metaflow left no time: an attempt whose logs carry no line (a 0-byte log).
            const unrecorded = task.files.includes(`${n}.DONE.lock`) && lastLogLine(task, n, (f) => taskFile(task, f)) === null;
            expect(attempt?.approximate ?? null, `${task.step}/${task.id}/${n}`).toEqual(unrecorded ? expect.stringMatching(/DONE\.lock/) : null);
          }
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('shows the parameters of both ArtifactTypesFlow runs (README: the defaults, then --alpha 3 --label "second run ✓" --ratio 1.5)', async () => {
    const shown: { alpha: number; label: string; ratio: number }[] = [];
    for (const run of runsOf(ARTIFACT_FLOW)) {
      const detail = await call('metaflow.run', { workspaceId, flow: ARTIFACT_FLOW, run: run.id });
      expect(detail.parameters.map((p) => p.name).sort()).toEqual(['alpha', 'label', 'ratio']);
      const value = (name: string) => previewOf(detail.parameters.find((p) => p.name === name)?.value);
      const alpha = narrow(value('alpha'), 'int');
      expect(alpha.big).toBe(false);
      shown.push({ alpha: Number(alpha.value), label: strOf(value('label')), ratio: Number(narrow(value('ratio'), 'float').value) });
    }
    const byAlpha = (a: { alpha: number }, b: { alpha: number }) => a.alpha - b.alpha;
    expect(shown.sort(byAlpha)).toEqual(
      [
        { alpha: 7, label: 'fixture', ratio: 0.25 },
        { alpha: 3, label: 'second run ✓', ratio: 1.5 },
      ].sort(byAlpha),
    );
  });

  it('lists the artifacts of the ArtifactTypesFlow start task from its data.json', async () => {
    for (const run of runsOf(ARTIFACT_FLOW)) {
      const start = onlyTask(run, 'start');
      const detail = await call('metaflow.task', ref(start));
      expect(detail.attempt).toBe(0);
      expect(detail.artifactProblem).toBeNull();
      expect(detail.task.status).toBe('succeeded');
      expect(detail.cards).toEqual([]);
      const { objects } = dataJson(start, 0);
      expect(Object.fromEntries(detail.artifacts.map((a) => [a.name, a.sha]))).toEqual(objects);
    }
  });

  it('previews every artifact of the ArtifactTypesFlow start task, with the values its flow source sets', { timeout: 60_000 }, async () => {
    const source = await readFile(path.join(FLOWS_DIR, 'artifact_types_flow.py'), 'utf8');
    const literals = sourceLiterals(source);
    const start = onlyTask(runsOf(ARTIFACT_FLOW)[0], 'start');
    const { objects, info } = dataJson(start, 0);
    const previews = new Map<string, PreviewValue>();
    for (const name of Object.keys(objects)) {
      const preview = await call('metaflow.artifact', { ...ref(start), name });
      // info.size is the uncompressed pickle's length; only values past the preview cap are partial.
      expect(preview.totalBytes, name).toBe(info[name].size);
      expect(preview.complete, name).toBe(info[name].size <= PREVIEW_BYTES);
      if (preview.complete) expect(unreadable(preview.value), name).toEqual([]);
      previews.set(name, previewOf(preview.value));
    }
    const get = (name: string): PreviewValue => {
      const value = previews.get(name);
      if (value === undefined) throw new Error(`no preview of ${name}`);
      return value;
    };

    expect(get('an_int')).toEqual({ kind: 'int', value: literal(literals, 'an_int'), big: false });
    expect(literal(literals, 'an_int')).toBe(42);
    expect(get('a_float')).toEqual({ kind: 'float', value: literal(literals, 'a_float') });
    expect(strOf(get('a_str'))).toBe(literal(literals, 'a_str'));
    const unicode = narrow(get('a_unicode'), 'str');
    expect(unicode.value).toBe(literal(literals, 'a_unicode'));
    expect(unicode.byteLength).toBe(Buffer.byteLength(unicode.value));
    expect(get('empty_str')).toMatchObject({ kind: 'str', value: '' });
    expect(get('big_int')).toEqual({ kind: 'int', value: (2n ** 80n).toString(), big: true });
    expect(get('nothing')).toEqual({ kind: 'none' });
    expect(get('flag_true')).toEqual({ kind: 'bool', value: true });
    expect(get('flag_false')).toEqual({ kind: 'bool', value: false });
    expect(get('some_bytes')).toMatchObject({ kind: 'bytes', base64: Buffer.from('\x00\x01\x02binary\xff', 'latin1').toString('base64'), length: 10 });
    expect(get('empty_list')).toEqual({ kind: 'list', items: [], length: 0 });
    expect(narrow(get('a_list'), 'list').length).toBe(5);
    expect(narrow(get('a_tuple'), 'tuple').items.map((i) => i.kind)).toEqual(['int', 'str', 'float']);
    expect(narrow(get('a_set'), 'set').items.map(strOf).sort()).toEqual(['x', 'y', 'z']);
    expect(narrow(get('nested_dict'), 'dict').entries.map((e) => strOf(e.key))).toEqual(['name', 'values', 'inner']);
    expect(get('today')).toEqual({ kind: 'date', iso: '2024-05-17' });
    expect(narrow(get('when'), 'datetime').iso).toMatch(/^2024-05-17T12:30:45\.123456/);
    expect(narrow(get('when_tz'), 'datetime').iso).toMatch(/^2024-05-17T12:30:45(\.0+)?(\+00:00|Z)$/);

    const df = narrow(get('df'), 'dataframe');
    expect(df.columns.map(strOf)).toEqual(['a', 'b', 'c']);
    expect(df.rowCount).toBe(3);
    const array = narrow(get('np_array'), 'ndarray');
    expect(array.shape).toEqual([3, 4]);
    expect(array.dtype).toBe('float64');
    expect(array.values.map((v) => narrow(v, 'float').value)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('previews every artifact of every ArtifactTypesFlow task, and what process and end compute', { timeout: 60_000 }, async () => {
    for (const run of runsOf(ARTIFACT_FLOW)) {
      for (const task of runTasks(run)) {
        const { objects, info } = dataJson(task, 0);
        // One task's artifacts at once, as the artifact list of the UI asks for them.
        await Promise.all(
          Object.keys(objects).map(async (name) => {
            const preview = await call('metaflow.artifact', { ...ref(task), name });
            const what = `${task.run}/${task.step}/${task.id} ${name}`;
            expect(preview.totalBytes, what).toBe(info[name].size);
            if (preview.complete) expect(unreadable(preview.value), what).toEqual([]);
          }),
        );
      }
      // process: computed = alpha * ratio, and a_list gained one item; end: summary of both.
      const detail = await call('metaflow.run', { workspaceId, flow: ARTIFACT_FLOW, run: run.id });
      const param = (name: string): number => {
        const value = previewOf(detail.parameters.find((p) => p.name === name)?.value);
        return value.kind === 'int' || value.kind === 'float' ? Number(value.value) : NaN;
      };
      const artifact = async (step: string, name: string) => previewOf((await call('metaflow.artifact', { ...ref(onlyTask(run, step)), name })).value);
      const computed = param('alpha') * param('ratio');
      expect(await artifact('process', 'computed')).toEqual({ kind: 'float', value: computed });
      const list = narrow(await artifact('process', 'a_list'), 'list');
      expect(list.length).toBe(6);
      expect(strOf(list.items[5])).toBe('appended in process');
      const summary = narrow(await artifact('end', 'summary'), 'dict');
      expect(Object.fromEntries(summary.entries.map((e) => [strOf(e.key), e.value]))).toEqual({
        computed: { kind: 'float', value: computed },
        len_big: { kind: 'int', value: 8 * 1024 * 1024, big: false },
      });
    }
  });

  it('previews the 8 MiB big_blob in part, and whole with full', async () => {
    const start = onlyTask(runsOf(ARTIFACT_FLOW)[0], 'start');
    const partial = await call('metaflow.artifact', { ...ref(start), name: 'big_blob' });
    expect(partial.complete).toBe(false);
    expect(narrow(previewOf(partial.value), 'bytes')).toMatchObject({ length: 8 * 1024 * 1024, truncated: true });

    const whole = await call('metaflow.artifact', { ...ref(start), name: 'big_blob', full: true });
    expect(whole.complete).toBe(true);
    const bytes = narrow(previewOf(whole.value), 'bytes');
    expect(bytes.length).toBe(8388608);
    expect(bytes.truncated).toBe(false);
    // The flow builds it as a sha256 chain seeded with b"metaflow-fixture".
    const expected: Buffer[] = [];
    let seed = Buffer.from('metaflow-fixture');
    for (let i = 0; i < 8388608 / 32; i++) {
      seed = createHash('sha256').update(seed).digest();
      expected.push(seed);
    }
    expect(Buffer.from(bytes.base64, 'base64').equals(Buffer.concat(expected))).toBe(true);
  });

  it('decodes the ForeachFlow _foreach_stack frames although __main__.ForeachFrame is unknown', async () => {
    for (const run of runsOf('ForeachFlow')) {
      const work = run.steps.get('work') ?? [];
      expect(work.length).toBeGreaterThan(1);
      const items = narrow(previewOf((await call('metaflow.artifact', { ...ref(onlyTask(run, 'start')), name: 'items' })).value), 'list').items.map(strOf);
      const indexes: number[] = [];
      for (const task of work) {
        const preview = await call('metaflow.artifact', { ...ref(task), name: '_foreach_stack' });
        expect(preview.complete).toBe(true);
        const stack = narrow(previewOf(preview.value), 'list');
        expect(stack.length, task.id).toBe(1);
        const frame = narrow(stack.items[0], 'record');
        expect(frame.className).toContain('ForeachFrame');
        // Metaflow names the frame after the step inside the foreach (task.py _init_foreach).
        expect(strOf(fieldValue(frame.fields, 'step'))).toBe(task.step);
        expect(strOf(fieldValue(frame.fields, 'var'))).toBe('items');
        expect(narrow(fieldValue(frame.fields, 'num_splits'), 'int').value).toBe(work.length);
        const index = Number(narrow(fieldValue(frame.fields, 'index'), 'int').value);
        // The frame's value is the item this split worked on, which the task also stored as `item`.
        const item = strOf(previewOf((await call('metaflow.artifact', { ...ref(task), name: 'item' })).value));
        expect(item).toBe(items[index]);
        indexes.push(index);
      }
      expect(indexes.sort((a, b) => a - b)).toEqual(work.map((_, i) => i));
    }
  });

  it("previews the failed attempts' _exception with the message the flow raised", async () => {
    const source = await readFile(path.join(FLOWS_DIR, 'retry_flow.py'), 'utf8');
    const raised = new Map([...source.matchAll(/raise (\w+)\("([^"]+)"\)/g)].map(([, type, message]) => [type, message]));
    const transient = raised.get('RuntimeError');
    const permanent = raised.get('ValueError');
    if (transient === undefined || permanent === undefined) throw new Error('retry_flow.py no longer raises what this test expects');
    for (const run of runsOf('RetryFlow')) {
      const flaky = onlyTask(run, 'flaky');
      const first = narrow(previewOf((await call('metaflow.artifact', { ...ref(flaky), attempt: 0, name: '_exception' })).value), 'exception');
      expect(first.type).toContain('RuntimeError');
      expect(first.message).toContain(transient);
      expect(first.traceback).toContain('retry_flow.py');
      // The current (successful) attempt stored no exception.
      expect(previewOf((await call('metaflow.artifact', { ...ref(flaky), name: '_exception' })).value)).toEqual({ kind: 'none' });
      if (!finished(run)) {
        const doomed = narrow(previewOf((await call('metaflow.artifact', { ...ref(onlyTask(run, 'doomed')), name: '_exception' })).value), 'exception');
        expect(doomed.type).toContain('ValueError');
        expect(doomed.message).toContain(permanent);
      }
    }
  });

  it('reads the logs: stdout and stderr of a task, a traceback, and a 0-byte log as empty', async () => {
    const start = onlyTask(runsOf(ARTIFACT_FLOW)[0], 'start');
    for (const stream of ['stdout', 'stderr'] as const) {
      const logs = await call('metaflow.logs', { ...ref(start), stream });
      const file = taskFile(start, `0.runtime_${stream}.log`);
      expect(logs.bytes).toBe(file.length);
      expect(logs.live).toBe(false);
      expect(logs.lines.map((l) => l.n)).toEqual(logs.lines.map((_, i) => i + 1));
      expect(logs.lines).toHaveLength(file.toString('utf8').split('\n').filter((l) => l !== '').length);
      const text = logs.lines.map((l) => l.text).join('\n');
      expect(text).toContain(stream === 'stdout' ? 'start: hello stdout' : 'start: a warning on stderr');
      // mflog prefixes are parsed away into time and source.
      expect(text).not.toContain('[MFLOG|');
      for (const line of logs.lines) expect(line).toMatchObject({ source: 'runtime', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
    }

    const flaky = onlyTask(runsOf('RetryFlow')[0], 'flaky');
    const failed = await call('metaflow.logs', { ...ref(flaky), attempt: 0, stream: 'stderr' });
    expect(failed.lines.some((l) => l.text.startsWith('Traceback'))).toBe(true);
    expect(failed.lines.map((l) => l.text)).toContain('flaky: failing on first attempt');

    expect(taskFile(flaky, '1.runtime_stderr.log').length).toBe(0);
    expect(await call('metaflow.logs', { ...ref(flaky), attempt: 1, stream: 'stderr' })).toEqual({ lines: [], bytes: 0, live: false });
    // Without an attempt, the current one (1) is read.
    expect(await call('metaflow.logs', { ...ref(flaky), stream: 'stderr' })).toEqual({ lines: [], bytes: 0, live: false });
  });

  it('lists the SimpleCardFlow card on its task and serves it', async () => {
    const cardPrefix = `${manifest.card_azureroot.slice(manifest.card_azureroot.indexOf('/') + 1)}/`;
    const [run] = runsOf('SimpleCardFlow');
    const start = onlyTask(run, 'start');
    const files = manifest.blobs
      .map((b) => b.name)
      .filter((n) => n.startsWith(`${cardPrefix}SimpleCardFlow/runs/${run.id}/steps/start/tasks/${start.id}/cards/`))
      .map((n) => n.slice(n.lastIndexOf('/') + 1));
    expect(files).toHaveLength(1);

    const detail = await call('metaflow.task', ref(start));
    expect(detail.cards).toEqual([{ file: files[0], type: 'default', id: null }]);
    const { cardId } = await call('metaflow.card', { ...ref(start), file: files[0] });
    expect(cardId).toMatch(/^[0-9a-f]{32}$/);
    // The id serves the card's HTML exactly as Metaflow stored it, with its embedded data.
    const html = services.cards.get(cardId);
    const stored = blob(`${cardPrefix}SimpleCardFlow/runs/${run.id}/steps/start/tasks/${start.id}/cards/${files[0]}`).toString('utf8');
    expect(html).toBe(stored);
    expect(html).toContain('__MF_DATA__');
    // A name the task does not hold is refused, not looked up elsewhere.
    expect((await fail('metaflow.card', { ...ref(start), file: 'default-00000000000000000000000000000000.html' })).code).toBe('NOT_FOUND');
    // Only start has a @card.
    expect((await call('metaflow.task', ref(onlyTask(run, 'end')))).cards).toEqual([]);
  });

  it('reports NOT_FOUND for a run, task, attempt or artifact that does not exist', async () => {
    const start = onlyTask(runsOf(ARTIFACT_FLOW)[0], 'start');
    expect((await fail('metaflow.runs', { workspaceId, flow: 'NoSuchFlow' })).code).toBe('NOT_FOUND');
    expect((await fail('metaflow.run', { workspaceId, flow: ARTIFACT_FLOW, run: '1' })).code).toBe('NOT_FOUND');
    expect((await fail('metaflow.task', { ...ref(start), task: '999' })).code).toBe('NOT_FOUND');
    expect((await fail('metaflow.logs', { ...ref(start), attempt: 5, stream: 'stdout' })).code).toBe('NOT_FOUND');
    const missing = await fail('metaflow.artifact', { ...ref(start), name: 'no_such_artifact' });
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('no_such_artifact');
  });
});
