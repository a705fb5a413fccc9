import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GcHistory, GcPlan, GcReport } from '../../shared/schemas/gc.js';
import { generateDatastore } from '../../electron/sample/metaflow-datastore.js';
import { repoRoot } from '../harness/repo.js';

// `stratus gc plan|run|history` on a local datastore folder, run from source as a user would run the CLI.

const run = promisify(execFile);
let folder: string;
let userData: string;
let garbage: string;

async function stratus(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'gc', ...args], {
      cwd: repoRoot,
      env: { ...process.env, STRATUS_USER_DATA: userData },
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const failed = err as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'stratus-gc-cli-'));
  userData = await mkdtemp(path.join(tmpdir(), 'stratus-gc-cli-ud-'));
  await generateDatastore({ folder }, { flow: 'CliFlow', runs: 2 });
  const sha = randomBytes(20).toString('hex');
  garbage = path.join(folder, 'CliFlow', 'data', sha.slice(0, 2), sha);
  await mkdir(path.dirname(garbage), { recursive: true });
  await writeFile(garbage, randomBytes(10));
  const monthAgo = new Date(Date.now() - 30 * 86_400_000);
  await utimes(garbage, monthAgo, monthAgo);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
  await rm(userData, { recursive: true, force: true });
});

describe('stratus gc', () => {
  it('plans, refuses a wrong confirmation, runs the plan and lists it in the history', { timeout: 60_000 }, async () => {
    const planned = await stratus(['plan', '--local', folder, '--json']);
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as GcPlan;
    expect(plan.candidates).toBe(1);
    expect(plan.sample[0].name).toBe(path.relative(folder, garbage).split(path.sep).join('/'));
    // A local folder has no soft delete: the plan says deleted files are gone, in JSON and in the table.
    expect(plan.softDelete.state).toBe('disabled');
    const table = await stratus(['plan', '--local', folder]);
    expect(table.stdout).toContain('soft delete: A local folder has no soft delete: deleted files are gone.');

    const refused = await stratus(['run', '--local', folder, '--plan', plan.planId, '--confirm', 'nope']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Type the workspace name "${plan.workspaceName}"`);
    expect((await stat(garbage)).isFile()).toBe(true);

    const ran = await stratus(['run', '--local', folder, '--plan', plan.planId, '--confirm', plan.workspaceName, '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    expect((JSON.parse(ran.stdout) as GcReport).deleted).toBe(1);
    await expect(stat(garbage)).rejects.toThrow();

    const history = JSON.parse((await stratus(['history', '--json'])).stdout) as GcHistory;
    expect(history.runs.find((r) => r.planId === plan.planId)?.state).toBe('done');

    const usage = await stratus(['plan', '--local', folder, '--grace-hours', '0.5']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/at least 1 hour/);
  });
});
