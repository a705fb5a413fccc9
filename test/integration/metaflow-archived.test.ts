import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { MetaflowListing, WorkspaceInfo } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { loadMetaflowFixture } from '../harness/metaflow-fixture.js';
import { findTask, type TaskRef } from '../harness/metaflow-walk.js';
import { repoRoot } from '../harness/repo.js';

// An artifact whose CAS blob a lifecycle policy moved to Archive: the task view's preview says
// "archived" with the tier (the service answers 409 BlobArchived to a read), Rehydrate sets the tier
// back, and the value reads again. The fixture goes into a container of its own, so archiving a
// blob here changes nothing other test files read.

const exec = promisify(execFile);
const endpoint = inject('endpoint');
const connectionString = inject('connectionString');

type Reply = { ok: true; value: unknown } | { ok: false; error: StratusErrorShape };
interface Preview {
  value: unknown;
  blob: string;
  archived?: { accessTier: string | null; archiveStatus: string | null };
}

describe('an archived Metaflow artifact (shared fixture in Azurite)', () => {
  let services: Services;
  let workspaceId: string;
  let container: string;
  let ref: TaskRef;
  let artifact: string;

  async function call(channel: string, args: object): Promise<unknown> {
    const reply = (await services.router.dispatch(channel as never, { workspaceId, ...args } as never)) as Reply;
    if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
    return reply.value;
  }

  const list = async (path: Partial<TaskRef>) => MetaflowListing.parse(await call('metaflow.list', path));

  /** The first task, walking the datastore, with a non-internal artifact: found, not hard-coded. */
  async function findArtifact(): Promise<{ ref: TaskRef; name: string }> {
    const { ref, found } = await findTask(list, (l) => (l.level === 'artifacts' ? l.entries.find((a) => !a.name.startsWith('_'))?.name : undefined));
    return { ref, name: found };
  }

  let fixtureSysroot: string;
  let userData: string;

  /** The built CLI (`npm run build`), with only the Azurite connection string and a scratch user-data folder. */
  async function stratusCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!/^(METAFLOW_|AZURE_|STRATUS_)/.test(key)) env[key] = value;
    try {
      const { stdout, stderr } = await exec(process.execPath, ['bin/stratus.js', ...args], {
        cwd: repoRoot,
        env: { ...env, AZURE_STORAGE_CONNECTION_STRING: connectionString, STRATUS_USER_DATA: userData },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const failed = err as { stdout?: string; stderr?: string; code?: number };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  beforeAll(async () => {
    userData = await mkdtemp(path.join(tmpdir(), 'stratus-archived-'));
    container = `tiers-${randomUUID().slice(0, 8)}`;
    const fixture = await loadMetaflowFixture(connectionString, { container });
    fixtureSysroot = fixture.sysroot;
    services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString } });
    const opened = (await services.router.dispatch('workspace.open', { sysroot: fixture.sysroot, endpoint, credential: { kind: 'environment' } })) as Reply;
    if (!opened.ok) throw new Error(`workspace.open failed: ${opened.error.message}`);
    workspaceId = WorkspaceInfo.parse(opened.value).id;
    ({ ref, name: artifact } = await findArtifact());
  }, 120_000);

  afterAll(async () => {
    await services?.close();
    await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container).deleteIfExists();
    await rm(userData, { recursive: true, force: true });
  });

  it('previews as archived with its tier, Rehydrate brings it back, and the value reads again', async () => {
    const before = (await call('metaflow.artifact', { ...ref, name: artifact })) as Preview;
    expect(before.archived).toBeUndefined();
    expect(await call('metaflow.artifactTier', { ...ref, name: artifact })).toMatchObject({ accessTier: 'Hot' });

    const blob = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container).getBlobClient(before.blob);
    await blob.setAccessTier('Archive');

    const archived = (await call('metaflow.artifact', { ...ref, name: artifact })) as Preview;
    expect(archived.archived).toEqual({ accessTier: 'Archive', archiveStatus: null });
    expect(archived.value).toBeNull();
    expect(archived.blob).toBe(before.blob);

    // Saving the value cannot work either, and says why rather than failing as a decode error.
    const file = (await services.router.dispatch('metaflow.artifactFile', { workspaceId, ...ref, name: artifact, format: 'pickle' })) as Reply;
    expect(file.ok).toBe(false);
    if (!file.ok) expect(file.error.code).toBe('BLOB_ARCHIVED');

    // The CLI says the same: archived, with the tier, as its answer rather than a failure.
    const cli = await stratusCli(['metaflow', 'artifact', `${fixtureSysroot}/${ref.flow}/${ref.run}/${ref.step}/${ref.task}`, artifact, '--endpoint', endpoint]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`${artifact}: archived (tier Archive)`);
    expect(cli.stdout).toContain('Rehydrate');
    const cliJson = await stratusCli(['metaflow', 'artifact', `${fixtureSysroot}/${ref.flow}/${ref.run}/${ref.step}/${ref.task}`, artifact, '--endpoint', endpoint, '--json']);
    expect((JSON.parse(cliJson.stdout) as Preview).archived).toEqual({ accessTier: 'Archive', archiveStatus: null });

    const after = await call('metaflow.rehydrate', { ...ref, name: artifact, tier: 'Cool', priority: 'High' });
    expect(after).toMatchObject({ accessTier: 'Cool' });
    expect((await blob.getProperties()).accessTier).toBe('Cool');

    const again = (await call('metaflow.artifact', { ...ref, name: artifact })) as Preview;
    expect(again.archived).toBeUndefined();
    expect(again.value).toEqual(before.value);
  });

  it('refuses a rehydration to a tier other than Hot or Cool', async () => {
    const reply = (await services.router.dispatch('metaflow.rehydrate', { workspaceId, ...ref, name: artifact, tier: 'Archive', priority: 'Standard' } as never)) as Reply;
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('INVALID_ARGUMENT');
  });
});
