import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserModeGrants } from '../../electron/local-access/allowed-folders.js';
import { grantEnvironmentStore } from '../../electron/local-access/environment-grants.js';
import { LocalGrants } from '../../electron/local-access/local-grants.js';
import { createServices, type Services } from '../../electron/services.js';
import type { Reply } from '../../shared/contract.js';
import { startAzurite, type AzuriteInstance } from '../harness/azurite.js';
import { copyMlflowDb } from '../harness/mlflow-fixture.js';

// A compromised renderer names local paths over IPC. Main must honour only those the user chose in
// main (an open dialog, a drop, browser mode's allowed folders): everything here goes through the
// router exactly as the renderer's calls do, against a real Azurite.

let azurite: AzuriteInstance;
let services: Services;
let work: string;
/** What the user chose (in the app: an open dialog in main); everything else is not theirs to give. */
let chosen: string;
let elsewhere: string;
let workspaceId: string;

async function dispatch(channel: string, args: unknown): Promise<Reply<never>> {
  return (await services.router.dispatch(channel, args)) as Reply<never>;
}

async function refused(channel: string, args: unknown): Promise<string> {
  const reply = await dispatch(channel, args);
  if (reply.ok) throw new Error(`${channel} was accepted`);
  expect(reply.error.code).toBe('FORBIDDEN');
  return reply.error.message;
}

async function accepted<T>(channel: string, args: unknown): Promise<T> {
  const reply = await dispatch(channel, args);
  if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as T;
}

const exists = (p: string) => stat(p).then(() => true, () => false);

beforeAll(async () => {
  azurite = await startAzurite({ inMemory: true });
  work = await mkdtemp(path.join(tmpdir(), 'stratus-local-access-'));
  chosen = path.join(work, 'chosen');
  elsewhere = path.join(work, 'elsewhere');
  await Promise.all([mkdir(chosen), mkdir(elsewhere)]);
  const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
  await blobs.createContainer('drop');
  await blobs.getContainerClient('drop').getBlockBlobClient('reports/a.txt').upload('report', 6);
  services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString }, userDataDir: path.join(work, 'user') });
  await services.localAccess.grant(chosen);
  workspaceId = (await accepted<{ id: string }>('workspace.open', { sysroot: 'drop', endpoint: azurite.endpoint, credential: { kind: 'environment' } })).id;
}, 60_000);

afterAll(async () => {
  services?.transfers.close();
  await azurite?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const upload = (file: string) => ({ workspaceId, container: 'drop', prefix: 'up/', files: [{ path: file, name: path.basename(file) }] });
const download = (targetFolder: string) => ({ workspaceId, container: 'drop', blobs: ['reports/a.txt'], targetFolder });

describe('transfer.upload takes only files the user chose', () => {
  it('refuses /etc/hostname and a file outside what was chosen, queuing nothing', async () => {
    const outside = path.join(elsewhere, 'secret.txt');
    await writeFile(outside, 'not yours');
    expect(await refused('transfer.upload', upload('/etc/hostname'))).toContain('/etc/hostname');
    await refused('transfer.upload', upload(outside));
    // One unchosen file among chosen ones refuses the whole call.
    await writeFile(path.join(chosen, 'ok.txt'), 'fine');
    await refused('transfer.upload', { ...upload(outside), files: [{ path: path.join(chosen, 'ok.txt'), name: 'ok.txt' }, { path: outside, name: 'x' }] });
    expect((await accepted<{ jobs: unknown[] }>('transfer.list', {})).jobs).toEqual([]);
  });

  it('refuses a symlink inside a chosen folder that points out of it', async () => {
    const link = path.join(chosen, 'hostname-link');
    await symlink('/etc/hostname', link);
    await refused('transfer.upload', upload(link));
    await rm(link);
  });

  it('uploads a file inside a chosen folder', async () => {
    const file = path.join(chosen, 'model.txt');
    await writeFile(file, 'weights');
    await accepted('transfer.upload', upload(file));
    await services.transfers.idle();
    const body = await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('drop').getBlobClient('up/model.txt').downloadToBuffer();
    expect(body.toString()).toBe('weights');
  });
});

describe('transfer.download writes only into folders the user chose', () => {
  it('refuses an unchosen folder without creating it, and a folder inside a chosen one works', async () => {
    const target = path.join(elsewhere, 'new');
    await refused('transfer.download', download(target));
    await refused('transfer.download', download('/'));
    await refused('transfer.downloadFromRun', { workspaceId, runId: 'a1b2c3d4e5f6', targetFolder: target });
    expect(await exists(target)).toBe(false);
    const inside = path.join(chosen, 'downloads', 'today');
    await accepted('transfer.download', download(inside));
    await services.transfers.idle();
    expect(await readFile(path.join(inside, 'a.txt'), 'utf8')).toBe('report');
  });
});

describe('local workspaces and MLflow stores must be chosen', () => {
  it('refuses the filesystem root and an unchosen folder as a local workspace, opens a chosen one', async () => {
    await refused('workspace.open', { kind: 'local', path: '/' });
    await refused('workspace.open', { kind: 'local', path: elsewhere });
    await refused('workspace.save', { config: { kind: 'local', name: 'Root', path: '/' } });
    expect((await accepted<{ workspaces: unknown[] }>('workspace.list', {})).workspaces).toEqual([]);
    const info = await accepted<{ sysroot: string }>('workspace.open', { kind: 'local', path: chosen });
    expect(info.sysroot).toBe(chosen);
  });

  it('never grants a whole drive, even when the user picks one', async () => {
    await expect(new LocalGrants('').grant('/')).rejects.toThrow(/whole drive/);
  });

  it('refuses a sqlite tracking URI naming an unchosen file, for open, save and gc; a chosen one opens', async () => {
    const db = await copyMlflowDb(elsewhere);
    const uri = `sqlite:///${db}`;
    await refused('workspace.open', { kind: 'local', path: chosen, mlflowTrackingUri: uri });
    await refused('workspace.open', { kind: 'local', path: chosen, mlflowTrackingUri: `file://${elsewhere}` });
    await refused('workspace.save', { config: { kind: 'local', name: 'Db', path: chosen, mlflowTrackingUri: uri } });
    await refused('gc.plan', { workspaceId, target: 'mlflow', trackingUri: uri });
    await services.localAccess.grant(db);
    const opened = await accepted<{ id: string }>('workspace.open', { kind: 'local', path: chosen, mlflowTrackingUri: uri });
    expect((await accepted<{ experiments: unknown[] }>('mlflow.experiments', { workspaceId: opened.id })).experiments.length).toBeGreaterThan(0);
  });

  it('keeps what a saved workspace already names when it is edited, and refuses a new unchosen path', async () => {
    const saved = await accepted<{ id: string }>('workspace.save', { config: { kind: 'local', name: 'Mine', path: chosen } });
    // A later session: nothing granted any more, yet renaming the saved workspace needs no new choice.
    const later = createServices({ env: {}, userDataDir: path.join(work, 'user') });
    const reply = await later.router.dispatch('workspace.save', { id: saved.id, config: { kind: 'local', name: 'Renamed', path: chosen } });
    expect(reply.ok).toBe(true);
    const moved = await later.router.dispatch('workspace.save', { id: saved.id, config: { kind: 'local', name: 'Renamed', path: elsewhere } });
    expect(moved.ok ? 'accepted' : moved.error.code).toBe('FORBIDDEN');
    later.transfers.close();
  });
});

describe('browser mode', () => {
  it('may use only the folders its host was started with', async () => {
    const { grants, refused: notGranted } = await browserModeGrants({ STRATUS_ALLOWED_FOLDERS: [chosen, path.join(work, 'missing'), '/'].join(path.delimiter) });
    expect(grants.list()).toEqual([chosen]);
    expect(notGranted).toHaveLength(2);
    const host = createServices({ env: {}, userDataDir: path.join(work, 'user-web'), localAccess: grants });
    expect((await host.router.dispatch('local.granted', {})).ok).toBe(true);
    const choose = await host.router.dispatch('local.choose', { kind: 'folder' });
    expect(choose.ok ? 'accepted' : choose.error.code).toBe('FORBIDDEN');
    const outside = await host.router.dispatch('workspace.open', { kind: 'local', path: elsewhere });
    expect(outside.ok ? 'accepted' : outside.error.hint).toContain('STRATUS_ALLOWED_FOLDERS');
    host.transfers.close();
  });

  it('may open the MLflow store MLFLOW_TRACKING_URI names (the user set it in their shell), and nothing beside it', async () => {
    const folder = path.join(work, 'from-env');
    await mkdir(folder);
    const db = await copyMlflowDb(folder);
    const env = { MLFLOW_TRACKING_URI: `sqlite:///${db}` };
    const { grants } = await browserModeGrants({});
    await grantEnvironmentStore(grants, env);
    const host = createServices({ env, userDataDir: path.join(work, 'user-env'), localAccess: grants });
    const azure = { sysroot: 'drop', endpoint: azurite.endpoint, credential: { kind: 'connectionString', connectionString: azurite.connectionString } };
    const opened = await host.router.dispatch('workspace.open', { ...azure, mlflowTrackingUri: env.MLFLOW_TRACKING_URI });
    if (!opened.ok) throw new Error(opened.error.message);
    const experiments = await host.router.dispatch('mlflow.experiments', { workspaceId: (opened.value as { id: string }).id });
    expect(experiments.ok).toBe(true);
    // The database file is granted, not the folder holding it.
    const beside = await host.router.dispatch('workspace.open', { kind: 'local', path: folder });
    expect(beside.ok ? 'accepted' : beside.error.code).toBe('FORBIDDEN');
    host.transfers.close();
  });
});
