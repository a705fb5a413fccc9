import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readManifest } from '../harness/metaflow-fixture.js';
import { fixtureDir, repoRoot } from '../harness/repo.js';

// `stratus metaflow … --sysroot X` checks X against the data as the app does (issue 20): a sysroot one
// level too high or too low stops the command with "did you mean --sysroot Y?" and a non-zero exit.

const exec = promisify(execFile);
const endpoint = inject('endpoint');
const sysroot = inject('sysroot');
const container = inject('container');

interface Output {
  stdout: string;
  stderr: string;
  code: number;
}

let scratch: string;
let flow: string;

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('METAFLOW_') && !key.startsWith('AZURE_') && !key.startsWith('STRATUS_')) env[key] = value;
  }
  return { ...env, AZURE_STORAGE_CONNECTION_STRING: inject('connectionString'), STRATUS_USER_DATA: path.join(scratch, 'user-data') };
}

async function stratus(args: string[]): Promise<Output> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['bin/stratus.js', 'metaflow', ...args], { cwd: repoRoot, env: cliEnv() });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const failure = err as { stdout: string; stderr: string; code: number };
    return { stdout: failure.stdout, stderr: failure.stderr, code: failure.code };
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-cli-sysroot-'));
  const manifest = await readManifest();
  const prefix = `${sysroot.slice(container.length + 1)}/`;
  const first = manifest.blobs.map((b) => b.name).find((name) => name.startsWith(prefix));
  if (!first) throw new Error('the fixture has no blob under its sysroot');
  flow = first.slice(prefix.length).split('/')[0];
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('stratus metaflow --sysroot checked against the data', () => {
  it('one level too high: exits non-zero with "did you mean --sysroot <the datastore>?"', async () => {
    const datastore = sysroot.slice(container.length + 1);
    const out = await stratus(['runs', `${sysroot}/${flow}`, '--sysroot', container, '--endpoint', endpoint]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`Did you mean --sysroot ${sysroot}?`);
    expect(out.stderr).toContain(datastore);
    expect(out.stdout).toBe('');
  });

  it('one level too low: exits non-zero with "did you mean --sysroot <its parent>?"', async () => {
    const out = await stratus(['ls', `${sysroot}/${flow}`, '--sysroot', `${sysroot}/${flow}`, '--endpoint', endpoint]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`Did you mean --sysroot ${sysroot}?`);
    expect(out.stdout).toBe('');
  });

  it('a bare target one level too high gets the same suggestion', async () => {
    const out = await stratus(['ls', container, '--endpoint', endpoint]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`Did you mean --sysroot ${sysroot}?`);
  });

  it('the right sysroot lists its flows and exits 0', async () => {
    const out = await stratus(['ls', sysroot, '--sysroot', sysroot, '--endpoint', endpoint, '--json']);
    expect(out.code, out.stderr).toBe(0);
    expect((JSON.parse(out.stdout) as { name: string }[]).map((e) => e.name)).toContain(flow);
  });

  it('a local folder with only metadata is listed, its runs "unknown" with no start, never running', async () => {
    const root = await mkdtemp(path.join(scratch, 'metadata-only-'));
    await extract({ file: path.join(fixtureDir, 'local-metadata.tar.gz'), cwd: root });
    const out = await stratus(['runs', flow, '--local', root, '--json']);
    expect(out.code, out.stderr).toBe(0);
    const runs = JSON.parse(out.stdout) as { status: string; startedAt: number | null }[];
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(run).toMatchObject({ status: 'unknown', startedAt: null });
  });
});
