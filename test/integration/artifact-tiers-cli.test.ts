import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { ArtifactTiers, MetaflowListing, WorkspaceInfo } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { loadMetaflowFixture } from '../harness/metaflow-fixture.js';
import { findTask, type TaskRef } from '../harness/metaflow-walk.js';
import { repoRoot } from '../harness/repo.js';

// Tiers in the task view's artifact table (metaflow.artifactTiers: one call for the rows in view),
// and `stratus blobs tier|rehydrate` on Azurite. The fixture and the blobs go into containers of
// this file's own, so archiving here changes nothing other test files read.

const exec = promisify(execFile);
const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
const service = BlobServiceClient.fromConnectionString(connectionString);

type Reply = { ok: true; value: unknown } | { ok: false; error: StratusErrorShape };

let services: Services;
let workspaceId: string;
let fixtureContainer: string;
let plain: ContainerClient;
let userData: string;

async function call(channel: string, args: object): Promise<unknown> {
  const reply = (await services.router.dispatch(channel as never, { workspaceId, ...args } as never)) as Reply;
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
  return reply.value;
}

/** The first task with two or more artifacts. */
async function taskWithArtifacts(): Promise<{ ref: TaskRef; names: string[] }> {
  const list = async (p: Partial<TaskRef>) => MetaflowListing.parse(await call('metaflow.list', p));
  const { ref, found } = await findTask(list, (l) => (l.level === 'artifacts' && l.entries.length >= 2 ? l.entries.map((a) => a.name) : undefined));
  return { ref, names: found };
}

async function stratus(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(METAFLOW_|AZURE_|STRATUS_|MLFLOW_)/.test(key)) env[key] = value;
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...env, AZURE_STORAGE_CONNECTION_STRING: connectionString, STRATUS_USER_DATA: userData },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { stdout?: string; stderr?: string; code?: number };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const tierOf = async (name: string) => (await plain.getBlobClient(name).getProperties()).accessTier;

beforeAll(async () => {
  userData = await mkdtemp(path.join(tmpdir(), 'stratus-tiers-cli-'));
  fixtureContainer = `tiercol-${randomUUID().slice(0, 8)}`;
  const fixture = await loadMetaflowFixture(connectionString, { container: fixtureContainer });
  services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString } });
  const opened = (await services.router.dispatch('workspace.open', { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' } })) as Reply;
  if (!opened.ok) throw new Error(`workspace.open failed: ${opened.error.message}`);
  workspaceId = WorkspaceInfo.parse(opened.value).id;
  plain = service.getContainerClient(`tiercli-${randomUUID().slice(0, 8)}`);
  await plain.create();
  for (const name of ['one.bin', 'old/a.bin', 'old/b.bin']) await plain.getBlockBlobClient(name).uploadData(Buffer.from(name));
}, 120_000);

afterAll(async () => {
  await services?.close();
  await service.getContainerClient(fixtureContainer).deleteIfExists();
  await plain?.deleteIfExists();
  await rm(userData, { recursive: true, force: true });
});

describe('the artifact table\'s Tier column', () => {
  it('reads the tiers of the rows in one call, and says archived for a CAS blob set to Archive', async () => {
    const { ref, names } = await taskWithArtifacts();
    const before = ArtifactTiers.parse(await call('metaflow.artifactTiers', { ...ref, names }));
    expect(before.tiers.map((t) => t.name)).toEqual(names);
    for (const t of before.tiers) expect(t).toMatchObject({ tier: { accessTier: 'Hot' }, problem: null });

    const archivedName = names[0];
    const preview = (await call('metaflow.artifact', { ...ref, name: archivedName })) as { blob: string };
    await service.getContainerClient(fixtureContainer).getBlobClient(preview.blob).setAccessTier('Archive');
    const after = ArtifactTiers.parse(await call('metaflow.artifactTiers', { ...ref, names }));
    expect(after.tiers.find((t) => t.name === archivedName)).toEqual({ name: archivedName, tier: { accessTier: 'Archive', archiveStatus: null }, problem: null });
    // Artifacts that share that CAS blob are archived too; the others stay Hot.
    const shas = new Map(MetaflowListing.parse(await call('metaflow.list', ref)).entries.map((a) => [a.name, 'sha' in a ? a.sha : '']));
    for (const t of after.tiers.filter((x) => shas.get(x.name) !== shas.get(archivedName))) expect(t.tier?.accessTier).toBe('Hot');

    const missing = ArtifactTiers.parse(await call('metaflow.artifactTiers', { ...ref, names: ['no_such_artifact'] }));
    expect(missing.tiers[0]).toMatchObject({ tier: null, problem: expect.stringContaining('no_such_artifact') });
  });
});

// Each command starts a Node process with tsx: seconds apiece on a busy machine.
const CLI_TIMEOUT = 180_000;

describe('stratus blobs tier and rehydrate', () => {
  it('archives a blob only with the container typed, then rehydrates it at the priority asked', async () => {
    const target = `${plain.containerName}/one.bin`;
    const unconfirmed = await stratus(['blobs', 'tier', target, '--to', 'archive']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain(`--yes-i-mean ${plain.containerName}`);
    const wrong = await stratus(['blobs', 'tier', target, '--to', 'archive', '--yes-i-mean', 'other']);
    expect(wrong.code).toBe(1);
    expect(await tierOf('one.bin')).toBe('Hot');

    const archived = await stratus(['blobs', 'tier', target, '--to', 'archive', '--yes-i-mean', plain.containerName]);
    expect(archived.stderr).toBe('');
    expect(archived.stdout).toBe('one.bin: archived (tier Archive)\n');
    expect(await tierOf('one.bin')).toBe('Archive');

    const wasbs = `wasbs://${plain.containerName}@devstoreaccount1.blob.core.windows.net/one.bin`;
    const back = await stratus(['blobs', 'rehydrate', wasbs, '--to', 'cool', '--priority', 'high', '--json']);
    expect(back.code, back.stderr).toBe(0);
    const json = JSON.parse(back.stdout) as { changed: string[]; failed: unknown[]; states: { name: string; accessTier: string }[] };
    expect(json).toMatchObject({ changed: ['one.bin'], failed: [], states: [{ name: 'one.bin', accessTier: 'Cool' }] });
    expect(await tierOf('one.bin')).toBe('Cool');
  }, CLI_TIMEOUT);

  it('changes every blob below a folder, and refuses a tier rehydrate does not go to', async () => {
    const folder = await stratus(['blobs', 'tier', `${plain.containerName}/old/`, '--to', 'cold', '--yes-i-mean', plain.containerName]);
    expect(folder.code, folder.stderr).toBe(0);
    expect(folder.stdout.split('\n').filter(Boolean).sort()).toEqual(['old/a.bin: Cold', 'old/b.bin: Cold']);
    expect([await tierOf('old/a.bin'), await tierOf('old/b.bin'), await tierOf('one.bin')]).toEqual(['Cold', 'Cold', 'Cool']);
    const bad = await stratus(['blobs', 'rehydrate', `${plain.containerName}/old/a.bin`, '--to', 'archive']);
    expect(bad.code).toBe(2);
    expect(await tierOf('old/a.bin')).toBe('Cold');
  }, CLI_TIMEOUT);
});
