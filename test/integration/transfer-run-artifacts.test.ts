import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import { copyMlflowDb } from '../harness/mlflow-fixture.js';

// Files dropped onto an MLflow run's artifacts go where the run keeps them: its wasbs:// artifact
// location (a copy of the fixture's mlflow.db, one run pointed at a container of its own in
// Azurite), through the same engine as every upload, and the run's artifact listing then shows
// them. A run whose artifacts live elsewhere (a local folder) is refused with the reason.

const CONTAINER = 'run-drops';
const NOTES = '# What changed\n';
const CURVE = 'step,loss\n1,0.9\n2,0.5\n';
const connectionString = inject('connectionString');
const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(CONTAINER);

let services: Services;
let scratch: string;
let workspaceId: string;
let wasbsRun: string;
let localRun: string;

async function call<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
  return contract[channel].result.parse(reply.value) as ResultOf<C>;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-run-drops-'));
  const dbFile = await copyMlflowDb(scratch);
  const db = new Database(dbFile);
  const runs = db.prepare('SELECT run_uuid FROM runs ORDER BY run_uuid').pluck().all() as string[];
  [wasbsRun, localRun] = runs;
  db.prepare('UPDATE runs SET artifact_uri = ? WHERE run_uuid = ?').run(`wasbs://${CONTAINER}@devstoreaccount1.blob.core.windows.net/7/${wasbsRun}/artifacts`, wasbsRun);
  db.prepare('UPDATE runs SET artifact_uri = ? WHERE run_uuid = ?').run(path.join(scratch, 'local-artifacts'), localRun);
  db.close();
  await container.createIfNotExists();
  services = createServices({ env: {}, userDataDir: path.join(scratch, 'user-data') });
  // The user chose the scratch folder (in the app: an open dialog in main, or a drop).
  await services.localAccess.grant(scratch);
  const info = await call('workspace.open', {
    sysroot: inject('sysroot'),
    endpoint: inject('endpoint'),
    credential: { kind: 'connectionString', connectionString },
    mlflowTrackingUri: `sqlite:///${dbFile}`,
  });
  workspaceId = info.id;
});

afterAll(async () => {
  services?.transfers.close();
  await container.deleteIfExists();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('dropping files onto a run’s artifacts', () => {
  it('uploads a file and a folder into the run’s artifact location, and the run lists them', async () => {
    const notes = path.join(scratch, 'notes.md');
    await writeFile(notes, NOTES);
    const plots = path.join(scratch, 'plots');
    await mkdir(path.join(plots, 'loss'), { recursive: true });
    await writeFile(path.join(plots, 'loss', 'curve.csv'), CURVE);

    const { jobIds } = await call('transfer.uploadToRun', { workspaceId, runId: wasbsRun, files: [{ path: notes, name: 'notes.md' }, { path: plots, name: 'plots' }] });
    expect(jobIds).toHaveLength(2);
    const inFolder = await call('transfer.uploadToRun', { workspaceId, runId: wasbsRun, path: 'reports/final', files: [{ path: notes, name: 'summary.md' }] });
    expect(inFolder.jobIds).toHaveLength(1);
    await services.transfers.idle();
    expect(services.transfers.list().jobs.map((j) => j.state)).toEqual(['done', 'done', 'done']);

    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    const root = `7/${wasbsRun}/artifacts`;
    expect(names.sort()).toEqual([`${root}/notes.md`, `${root}/plots/loss/curve.csv`, `${root}/reports/final/summary.md`]);

    const top = await call('mlflow.artifacts', { workspaceId, runId: wasbsRun });
    expect(top.entries.map((e) => [e.path, e.isDir, e.size]).sort()).toEqual([
      ['notes.md', false, Buffer.byteLength(NOTES)],
      ['plots', true, null],
      ['reports', true, null],
    ]);
    const preview = await call('mlflow.artifact', { workspaceId, runId: wasbsRun, path: 'plots/loss/curve.csv' });
    expect(preview.size).toBe(Buffer.byteLength(CURVE));
  });

  it('downloads a run’s artifact file, a folder of them, and all of them into a folder', async () => {
    const down = path.join(scratch, 'down');
    const file = await call('transfer.downloadFromRun', { workspaceId, runId: wasbsRun, path: 'notes.md', targetFolder: path.join(down, 'file') });
    const folder = await call('transfer.downloadFromRun', { workspaceId, runId: wasbsRun, path: 'plots', targetFolder: path.join(down, 'folder') });
    const all = await call('transfer.downloadFromRun', { workspaceId, runId: wasbsRun, targetFolder: path.join(down, 'all') });
    expect([file.jobIds.length, folder.jobIds.length, all.jobIds.length]).toEqual([1, 1, 3]);
    await services.transfers.idle();
    expect(await readFile(path.join(down, 'file', 'notes.md'), 'utf8')).toBe(NOTES);
    expect(await readFile(path.join(down, 'folder', 'plots', 'loss', 'curve.csv'), 'utf8')).toBe(CURVE);
    expect(await readFile(path.join(down, 'all', 'artifacts', 'reports', 'final', 'summary.md'), 'utf8')).toBe(NOTES);
    expect(await readFile(path.join(down, 'all', 'artifacts', 'plots', 'loss', 'curve.csv'), 'utf8')).toBe(CURVE);
  });

  it('refuses a run whose artifacts are in a local folder, saying where they are', async () => {
    const file = path.join(scratch, 'model.txt');
    await writeFile(file, 'weights');
    const reply = await services.router.dispatch('transfer.uploadToRun', { workspaceId, runId: localRun, files: [{ path: file, name: 'model.txt' }] });
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('INVALID_ARGUMENT');
      expect(reply.error.message).toContain(path.join(scratch, 'local-artifacts'));
      expect(reply.error.message).toMatch(/wasbs:\/\//);
    }
  });
});
