import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, ContainerSASPermissions, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { GcPlan, GcReport } from '../../shared/schemas/gc.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { startAzurite, type AzuriteInstance } from '../harness/azurite.js';
import { loadMetaflowFixture, type LoadedFixture } from '../harness/metaflow-fixture.js';

// gc's plan and report say whether the blobs it deletes can be undeleted, and for how long, from the
// account's delete retention policy; "unknown" (with why) where the credential may not read it.
// An Azurite of its own: changing the account's policy must not touch what other test files see.

type Reply = { ok: true; value: unknown } | { ok: false; error: StratusErrorShape };

describe('soft delete in the gc plan and report (the Metaflow fixture in Azurite)', () => {
  let azurite: AzuriteInstance;
  let fixture: LoadedFixture;
  let services: Services;
  let userData: string;
  let service: BlobServiceClient;

  async function dispatch(channel: string, args: object): Promise<unknown> {
    const reply = (await services.router.dispatch(channel as never, args as never)) as Reply;
    if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
    return reply.value;
  }

  async function open(credential: object): Promise<string> {
    const info = (await dispatch('workspace.open', { sysroot: fixture.sysroot, endpoint: azurite.endpoint, credential })) as { id: string };
    return info.id;
  }

  const plan = async (workspaceId: string) => GcPlan.parse(await dispatch('gc.plan', { workspaceId, target: 'metaflow' }));

  beforeAll(async () => {
    azurite = await startAzurite({ inMemory: true });
    fixture = await loadMetaflowFixture(azurite.connectionString);
    service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    userData = await mkdtemp(path.join(tmpdir(), 'stratus-gc-soft-delete-'));
    services = createServices({ env: {}, userDataDir: userData });
  }, 120_000);

  afterAll(async () => {
    await services?.close();
    await azurite?.stop();
    await rm(userData, { recursive: true, force: true });
  });

  it('states the retention days when soft delete is on, in the plan and in the report of its execution', async () => {
    await service.setProperties({ deleteRetentionPolicy: { enabled: true, days: 9 } });
    const workspaceId = await open({ kind: 'connectionString', connectionString: azurite.connectionString });
    const planned = await plan(workspaceId);
    expect(planned.softDelete).toEqual({ state: 'enabled', days: 9, detail: null });

    const report = GcReport.parse(await dispatch('gc.execute', { planId: planned.planId, confirm: planned.workspaceName }));
    expect(report.softDelete).toEqual({ state: 'enabled', days: 9, detail: null });
  });

  it('says deleted blobs cannot be recovered when soft delete is off', async () => {
    await service.setProperties({ deleteRetentionPolicy: { enabled: false } });
    const workspaceId = await open({ kind: 'connectionString', connectionString: azurite.connectionString });
    expect((await plan(workspaceId)).softDelete).toEqual({ state: 'disabled', days: null, detail: null });
  });

  it('calls it unknown, and says why, for a credential that may not read the account (a container SAS)', async () => {
    const sas = generateBlobSASQueryParameters(
      { containerName: fixture.container, permissions: ContainerSASPermissions.parse('rld'), expiresOn: new Date(Date.now() + 3_600_000) },
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
    ).toString();
    const workspaceId = await open({ kind: 'sas', sas });
    const { softDelete } = await plan(workspaceId);
    expect(softDelete.state).toBe('unknown');
    expect(softDelete.days).toBeNull();
    expect(softDelete.detail).toMatch(/\S/);
  });
});
