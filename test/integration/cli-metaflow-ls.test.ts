import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { readManifest } from '../harness/metaflow-fixture.js';
import { repoRoot } from '../harness/repo.js';

// `npx stratus metaflow ls` on the fixture in Azurite: every flow, run, step and task of manifest.json.

const run = promisify(execFile);

interface Listed {
  name: string;
}

/** Runs the CLI as a user would: through npx, or (faster, for the long walk) the bin script itself. */
async function stratus(args: string[], via: 'npx' | 'node' = 'npx') {
  const [command, prefix] = via === 'npx' ? ['npx', ['--no-install', 'stratus']] : [process.execPath, ['bin/stratus.js']];
  const { stdout } = await run(command, [...prefix, ...args], {
    cwd: repoRoot,
    env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: inject('connectionString') },
  });
  return stdout;
}

async function ls(target: string): Promise<string[]> {
  const out = await stratus(['metaflow', 'ls', target, '--endpoint', inject('endpoint'), '--json'], 'node');
  const entries = JSON.parse(out) as Listed[];
  return entries.map((e) => e.name).sort();
}

/** The fixture's tree, from the manifest's blob names: flow → run → step → task. */
type Tree = Map<string, Map<string, Map<string, Set<string>>>>;
let tree: Tree;
let sysroot: string;

beforeAll(async () => {
  const manifest = await readManifest();
  sysroot = inject('sysroot');
  const prefix = `${manifest.datastore_sysroot_azure.split('/').slice(1).join('/')}/`;
  tree = new Map();
  for (const blob of manifest.blobs) {
    if (!blob.name.startsWith(prefix)) continue;
    const [flow, run, step, task] = blob.name.slice(prefix.length).split('/');
    if (run === 'data' || task === undefined) continue;
    const runs = tree.get(flow) ?? new Map<string, Map<string, Set<string>>>();
    const steps = runs.get(run) ?? new Map<string, Set<string>>();
    steps.set(step, (steps.get(step) ?? new Set()).add(task));
    runs.set(run, steps);
    tree.set(flow, runs);
  }
});

const sorted = (values: Iterable<string>) => [...values].sort();

describe('stratus metaflow ls', () => {
  it('lists every flow, run, step and task of the fixture', { timeout: 120_000 }, async () => {
    const expected = new Map<string, string[]>([[sysroot, sorted(tree.keys())]]);
    for (const [flow, runs] of tree) {
      expected.set(`${sysroot}/${flow}`, sorted(runs.keys()));
      for (const [run, steps] of runs) {
        expected.set(`${sysroot}/${flow}/${run}`, sorted(steps.keys()));
        for (const [step, tasks] of steps) expected.set(`${sysroot}/${flow}/${run}/${step}`, sorted(tasks));
      }
    }
    const targets = [...expected.keys()];
    const listed = new Map<string, string[]>();
    // A few CLI processes at a time: each is a cold start.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let target = targets.pop(); target !== undefined; target = targets.pop()) listed.set(target, await ls(target));
      }),
    );
    expect(Object.fromEntries(listed)).toEqual(Object.fromEntries(expected));
  });

  it("lists a task's artifacts with sha, size and type", async () => {
    const [run] = [...(tree.get('ArtifactTypesFlow')?.keys() ?? [])];
    const out = await stratus(['metaflow', 'ls', `${sysroot}/ArtifactTypesFlow/${run}/start/1`, '--endpoint', inject('endpoint'), '--json']);
    const artifacts = JSON.parse(out) as { name: string; sha: string; size: number | null; type: string | null }[];
    const taskOk = artifacts.find((a) => a.name === '_task_ok');
    expect(taskOk).toMatchObject({ type: "<class 'bool'>" });
    expect(taskOk?.sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('reports errors on stderr with a non-zero exit', async () => {
    const failure = await stratus(['metaflow', 'ls', 'no-such-container/ds', '--endpoint', inject('endpoint')]).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/container "no-such-container" does not exist/);

    const usage = await stratus(['metaflow', 'ls', '/bad//sysroot/']).catch((err: { code: number; stderr: string }) => err);
    expect(usage).toMatchObject({ code: 2 });
    expect((usage as { stderr: string }).stderr).toMatch(/must not start with "\/"/);
  });
});
