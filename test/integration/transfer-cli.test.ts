import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../harness/repo.js';
import { listFiles, sha256File, writeRandomFile, writeSmallFiles } from '../harness/transfer-files.js';

// `stratus upload` and `stratus download` with --json, credentials from the environment.

const connectionString = inject('connectionString');
const endpoint = inject('endpoint');
const CONTAINER = 'transfer-cli';
let work: string;

interface CliJob {
  state: string;
  target: string;
  error: string | null;
}

async function stratus(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: connectionString },
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-cli-transfer-'));
  await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(CONTAINER).createIfNotExists();
});

afterAll(async () => {
  await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(CONTAINER).deleteIfExists();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('stratus upload / download', () => {
  it('uploads a file and a folder, downloads the prefix back identical, and reports conflicts', async () => {
    const file = path.join(work, 'in', 'weights.bin');
    await writeRandomFile(file, 5 * 1024 * 1024 + 7);
    const names = await writeSmallFiles(path.join(work, 'in', 'set'), 12, 2048);

    const up = await stratus(['upload', file, path.join(work, 'in', 'set'), `${CONTAINER}/runs/7`, '--endpoint', endpoint, '--json']);
    expect(up.code, up.stderr).toBe(0);
    const uploaded = JSON.parse(up.stdout) as { jobs: CliJob[] };
    expect(uploaded.jobs).toHaveLength(13);
    expect(uploaded.jobs.every((j) => j.state === 'done')).toBe(true);
    expect(uploaded.jobs.map((j) => j.target)).toContain(`${CONTAINER}/runs/7/weights.bin`);

    const down = await stratus(['download', `${CONTAINER}/runs/7/`, path.join(work, 'out'), '--endpoint', endpoint, '--json']);
    expect(down.code, down.stderr).toBe(0);
    expect(await listFiles(path.join(work, 'out', '7'))).toEqual(['weights.bin', ...names.map((n) => `set/${n}`)].sort());
    expect(await sha256File(path.join(work, 'out', '7', 'weights.bin'))).toBe(await sha256File(file));

    const one = await stratus(['download', `${CONTAINER}/runs/7/weights.bin`, path.join(work, 'one'), '--endpoint', endpoint, '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(await listFiles(path.join(work, 'one'))).toEqual(['weights.bin']);

    const again = await stratus(['upload', file, `${CONTAINER}/runs/7`, '--endpoint', endpoint, '--json']);
    expect(again.code).toBe(1);
    expect((JSON.parse(again.stdout) as { jobs: CliJob[] }).jobs[0]).toMatchObject({ state: 'conflict', error: `${CONTAINER}/runs/7/weights.bin already exists` });
    expect(again.stderr).toMatch(/1 of 1 transfers did not complete/);

    const kept = await stratus(['upload', file, `${CONTAINER}/runs/7`, '--on-conflict', 'keepBoth', '--endpoint', endpoint, '--json']);
    expect(kept.code, kept.stderr).toBe(0);
    expect((JSON.parse(kept.stdout) as { jobs: CliJob[] }).jobs[0].target).toBe(`${CONTAINER}/runs/7/weights (1).bin`);
  }, 120_000);
});
