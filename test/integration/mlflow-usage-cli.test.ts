import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowUsage } from '../../shared/schemas/mlflow-usage.js';
import { startAzurite, type AzuriteInstance } from '../harness/azurite.js';
import { copyMlflowDb, loadMlflowArtifacts, MLFLOW_CONTAINER, openFixtureDb } from '../harness/mlflow-fixture.js';
import { repoRoot } from '../harness/repo.js';

// `stratus mlflow usage <uri> --json` on a copy of the shared fixture's mlflow.db with its artifacts
// in an Azurite of this file's own (found through AZURE_STORAGE_CONNECTION_STRING, as MLflow does).
// The JSON's totals must equal the blobs loaded; a second command reads the runs from the cache.

const run = promisify(execFile);

let azurite: AzuriteInstance;
let scratch: string;
let userData: string;
let dbFile: string;
let loaded: string[];

async function stratus(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, MLFLOW_TRACKING_URI: '', STRATUS_USER_DATA: userData, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString },
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

beforeAll(async () => {
  azurite = await startAzurite({ inMemory: true });
  loaded = await loadMlflowArtifacts(azurite.connectionString);
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-usage-cli-'));
  userData = await mkdtemp(path.join(tmpdir(), 'stratus-usage-cli-ud-'));
  dbFile = await copyMlflowDb(scratch);
});

afterAll(async () => {
  await azurite?.stop();
  await rm(scratch, { recursive: true, force: true });
  await rm(userData, { recursive: true, force: true });
});

// Each command starts a Node process with tsx: seconds apiece on a busy machine.
const CLI_TIMEOUT = 180_000;

describe('stratus mlflow usage', () => {
  it('prints every experiment with its runs\' and traces\' files as JSON, and reads ended runs from the cache the second time', async () => {
    const first = await stratus(['mlflow', 'usage', `sqlite:///${dbFile}`, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const usage = MlflowUsage.parse(JSON.parse(first.stdout));
    const db = openFixtureDb();
    const experiments = db.prepare('SELECT count(*) AS n FROM experiments').get() as { n: number };
    const runs = db.prepare('SELECT status FROM runs').all() as { status: string }[];
    db.close();
    expect(usage.experiments).toHaveLength(experiments.n);
    // Every blob the fixture holds belongs to a run or a trace of some experiment.
    const files = usage.experiments.reduce((s, e) => s + e.artifactFiles + e.deletedFiles + e.traceFiles, 0);
    expect(files).toBe(loaded.length);
    expect(usage.listedRuns).toBe(runs.length);

    const second = await stratus(['mlflow', 'usage', '--tracking-uri', `sqlite:///${dbFile}`, '--container', MLFLOW_CONTAINER, '--json']);
    expect(second.code).toBe(0);
    const again = MlflowUsage.parse(JSON.parse(second.stdout));
    const unended = runs.filter((r) => r.status === 'RUNNING' || r.status === 'SCHEDULED').length;
    expect({ listed: again.listedRuns, cached: again.cachedRuns }).toEqual({ listed: unended, cached: runs.length - unended });
    expect(again.experiments).toEqual(usage.experiments);
  }, CLI_TIMEOUT);

  it('prints a table by default and refuses two tracking stores', async () => {
    const table = await stratus(['mlflow', 'usage', `sqlite:///${dbFile}`]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^EXPERIMENTID\s+NAME\s+RUNS/m);
    const twice = await stratus(['mlflow', 'usage', `sqlite:///${dbFile}`, '--tracking-uri', `sqlite:///${dbFile}`]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('usage: stratus mlflow usage');
  }, CLI_TIMEOUT);
});
