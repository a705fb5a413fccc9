import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFixtureBlobs, readManifest } from '../harness/metaflow-fixture.js';
import { datastorePrefix, fixtureRuns, recordedRunTimes, type FixtureRun, type FixtureTask } from '../harness/metaflow-tree.js';
import { repoRoot } from '../harness/repo.js';

// `stratus metaflow runs|run|task|artifact|logs … --json`, the built CLI over the same services as
// the app: against the fixture in Azurite, and against the same datastore unpacked to a folder.

const exec = promisify(execFile);
const endpoint = inject('endpoint');
const sysroot = inject('sysroot');

const FLOW = 'ArtifactTypesFlow';

interface Output {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * The environment of a user with only the Azurite connection string: no Metaflow or Azure settings
 * leak in, and the CLI keeps its user data (index, settings) in a scratch folder, not the real home.
 */
function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('METAFLOW_') && !key.startsWith('AZURE_') && !key.startsWith('STRATUS_')) env[key] = value;
  }
  return { ...env, AZURE_STORAGE_CONNECTION_STRING: inject('connectionString'), STRATUS_USER_DATA: userDataDir };
}

async function stratus(args: string[]): Promise<Output> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['bin/stratus.js', 'metaflow', ...args], { cwd: repoRoot, env: cliEnv() });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const failed = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: failed.code ?? -1 };
  }
}

/** Runs a command that must succeed and print JSON. */
async function json(args: string[]): Promise<unknown> {
  const out = await stratus([...args, '--json']);
  if (out.code !== 0) throw new Error(`stratus metaflow ${args.join(' ')} exited ${out.code}: ${out.stderr}`);
  return JSON.parse(out.stdout) as unknown;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} is not an object: ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not an array: ${JSON.stringify(value)}`);
  return value;
}

function fixtureRunsOf(flow: string): FixtureRun[] {
  const found = flows.get(flow);
  if (found === undefined) throw new Error(`the fixture has no ${flow}`);
  return [...found.values()];
}

const names = (value: unknown, key: string, what: string) => array(value, what).map((e) => record(e, what)[key]);

let flows: Map<string, Map<string, FixtureRun>>;
let runs: Map<string, FixtureRun>;
let run: FixtureRun;
let startObjects: Record<string, string>;
let localDir: string;
let userDataDir: string;
let taskFile: (task: FixtureTask, file: string) => Buffer;

beforeAll(async () => {
  const [manifest, blobs] = await Promise.all([readManifest(), readFixtureBlobs()]);
  const prefix = datastorePrefix(manifest);
  flows = fixtureRuns(manifest);
  taskFile = (task, file) => {
    const body = blobs.get(`${prefix}${task.flow}/${task.run}/${task.step}/${task.id}/${file}`);
    if (body === undefined) throw new Error(`the fixture has no ${task.step}/${task.id}/${file}`);
    return body;
  };
  runs = new Map(fixtureRunsOf(FLOW).map((r) => [r.id, r]));
  run = [...runs.values()].sort((a, b) => a.id.localeCompare(b.id))[0];
  const index = blobs.get(`${prefix}${FLOW}/${run.id}/start/1/0.data.json`);
  if (index === undefined) throw new Error('the fixture has no start data.json');
  startObjects = (JSON.parse(index.toString('utf8')) as { objects: Record<string, string> }).objects;

  // The datastore part of the container as a folder: what a local Metaflow datastore looks like.
  userDataDir = await mkdtemp(path.join(tmpdir(), 'stratus-cli-data-'));
  localDir = await mkdtemp(path.join(tmpdir(), 'stratus-cli-local-'));
  await Promise.all(
    [...blobs].filter(([name]) => name.startsWith(prefix)).map(async ([name, body]) => {
      const file = path.join(localDir, ...name.slice(prefix.length).split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, body);
    }),
  );
});

afterAll(async () => {
  for (const dir of [localDir, userDataDir]) if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** The same commands over Azure and over the unpacked folder: only how the target is given differs. */
const targets: [string, () => { target: (path: string) => string; options: string[] }][] = [
  ['Azure', () => ({ target: (p) => `${sysroot}/${p}`, options: ['--endpoint', endpoint] })],
  ['--local', () => ({ target: (p) => p, options: ['--local', localDir] })],
];

describe.each(targets)('stratus metaflow … --json (%s)', (_label, where) => {
  const cli = (command: string, p: string, ...rest: string[]) => {
    const { target, options } = where();
    return json([command, target(p), ...rest, ...options]);
  };

  it('runs: every run of the flow with its id and status', async () => {
    const list = array(await cli('runs', FLOW), 'runs');
    expect(list.map((r) => record(r, 'run').id).sort()).toEqual([...runs.keys()].sort());
    for (const r of list) expect(record(r, 'run')).toMatchObject({ flow: FLOW, status: 'succeeded', startedAt: expect.any(Number) });
  });

  it('runs: the failed RetryFlow run as failed', async () => {
    const retry = fixtureRunsOf('RetryFlow');
    const list = array(await cli('runs', 'RetryFlow'), 'runs').map((r) => record(r, 'run'));
    const status = Object.fromEntries(list.map((r) => [r.id, r.status]));
    expect(status).toEqual(Object.fromEntries(retry.map((r) => [r.id, r.steps.has('end') ? 'succeeded' : 'failed'])));
  });

  it('runs and run: start, end and duration as Metaflow recorded them (copies reset every blob time), none approximate', async () => {
    for (const flow of ['RetryFlow', FLOW]) {
      const list = array(await cli('runs', flow), 'runs').map((r) => record(r, 'run'));
      for (const fixture of fixtureRunsOf(flow)) {
        const recorded = recordedRunTimes(fixture, taskFile);
        if (recorded === undefined) continue;
        const expected = { startedAt: recorded.startedAt, finishedAt: recorded.finishedAt, durationMs: recorded.finishedAt - recorded.startedAt, approximate: null };
        expect(list.find((r) => r.id === fixture.id), `${flow}/${fixture.id}`).toMatchObject(expected);
        const detail = record(await cli('run', `${flow}/${fixture.id}`), 'run');
        expect(record(detail.summary, 'summary'), `${flow}/${fixture.id} run`).toMatchObject(expected);
      }
    }
    const failed = array(await cli('runs', 'RetryFlow', '--status', 'failed'), 'runs').map((r) => record(r, 'run').id);
    expect(failed).toEqual(fixtureRunsOf('RetryFlow').filter((r) => !r.steps.has('end')).map((r) => r.id));
  });

  it('run: the steps in DAG order with their tasks, and the parameters', async () => {
    const detail = record(await cli('run', `${FLOW}/${run.id}`), 'run');
    expect(record(detail.summary, 'summary')).toMatchObject({ id: run.id, status: 'succeeded' });
    expect(names(detail.steps, 'name', 'steps')).toEqual(['start', 'process', 'end']);
    expect(names(detail.steps, 'taskCount', 'steps')).toEqual([...['start', 'process', 'end']].map((s) => run.steps.get(s)?.length));
    expect(names(detail.parameters, 'name', 'parameters').sort()).toEqual(['alpha', 'label', 'ratio']);
  });

  it('task: attempts and artifacts', async () => {
    const detail = record(await cli('task', `${FLOW}/${run.id}/start/1`), 'task');
    expect(names(record(detail.task, 'task').attempts, 'attempt', 'attempts')).toEqual([0]);
    expect(names(record(detail.task, 'task').attempts, 'status', 'attempts')).toEqual(['succeeded']);
    expect(Object.fromEntries(array(detail.artifacts, 'artifacts').map((a) => [record(a, 'a').name, record(a, 'a').sha]))).toEqual(startObjects);
    expect(detail.artifactProblem).toBeNull();
  });

  it('artifact: an_int decodes to int 42', async () => {
    const preview = record(await cli('artifact', `${FLOW}/${run.id}/start/1`, 'an_int'), 'preview');
    expect(preview).toMatchObject({ value: { kind: 'int', value: 42, big: false }, complete: true });
  });

  it('logs: the lines of stdout, and of stderr with --stream', async () => {
    const stdout = array(await cli('logs', `${FLOW}/${run.id}/start/1`), 'lines').map((l) => record(l, 'line'));
    expect(stdout.length).toBeGreaterThan(0);
    expect(stdout.map((l) => l.text).join('\n')).toContain('start: hello stdout');
    for (const line of stdout) expect(line).toMatchObject({ n: expect.any(Number), source: 'runtime', text: expect.any(String) });
    const stderr = array(await cli('logs', `${FLOW}/${run.id}/start/1`, '--stream', 'stderr'), 'lines').map((l) => record(l, 'line'));
    expect(stderr.map((l) => l.text)).toContain('start: a warning on stderr');
    // A retried task's earlier attempt, chosen with --attempt.
    const flaky = fixtureRunsOf('RetryFlow')[0];
    const failed = array(await cli('logs', `RetryFlow/${flaky.id}/flaky/2`, '--stream', 'stderr', '--attempt', '0'), 'lines');
    expect(failed.map((l) => record(l, 'line').text)).toContain('flaky: failing on first attempt');
  });

  it('reports a target that does not exist on stderr with a non-zero exit', async () => {
    const { target, options } = where();
    const missing = await stratus(['task', target(`${FLOW}/${run.id}/start/999`), '--json', ...options]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain(`The task ${FLOW}/${run.id}/start/999 does not exist`);

    const artifact = await stratus(['artifact', target(`${FLOW}/${run.id}/start/1`), 'no_such_artifact', '--json', ...options]);
    expect(artifact.code).toBe(1);
    expect(artifact.stderr).toMatch(/has no artifact "no_such_artifact"/);

    // A target that stops above what the command needs is a usage error.
    const shallow = await stratus(['task', target(FLOW), '--json', ...options]);
    expect(shallow.code).toBe(2);
    expect(shallow.stderr).toMatch(/needs a path down to the run/);
  });
});

describe('stratus metaflow on a missing flow', () => {
  it('reports a flow that is not in the Azure datastore', async () => {
    const out = await stratus(['runs', `${sysroot}/NoSuchFlow`, '--endpoint', endpoint, '--json']);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/^stratus: /);
  });

  it('reports a flow that is not in the local folder', async () => {
    const out = await stratus(['runs', 'NoSuchFlow', '--local', localDir, '--json']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('The flow NoSuchFlow does not exist');
  });
});
