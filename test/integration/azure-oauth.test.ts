import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlobClient, type IdentityProvider } from '../../electron/azure/blob-client.js';
import { STORAGE_SCOPES } from '../../electron/azure/bearer-token-policy.js';
import { createIdentityProvider } from '../../electron/azure/identity.js';
import { TokenCache, type TokenCacheOptions } from '../../electron/azure/token-cache.js';
import { createServices, type Services } from '../../electron/services.js';
import { MetaflowListing, WorkspaceInfo } from '../../shared/contract.js';
import { startAzurite, type OAuthAzuriteInstance } from '../harness/azurite.js';
import { CountingCredential, TEST_UPN, type Rejection } from '../harness/jwt.js';
import { loadMetaflowFixture, readFixtureBlobs, readManifest, type Manifest } from '../harness/metaflow-fixture.js';

// Azure identity end to end: Azurite in OAuth mode (HTTPS with a certificate made for this run,
// bearer tokens checked for lifetime, issuer and audience), the Metaflow fixture in it, and the app's
// token cache between every Blob client and a credential that counts its getToken calls.

const MINUTE = 60_000;

let azurite: OAuthAzuriteInstance;
let manifest: Manifest;
let fixtureBlobs: Map<string, Buffer>;
let container: string;
let sysroot: string;
let scratch: string;

/** The app's cache, counting the tokens the service refused: the bearer policy drops each one it sees refused. */
class WatchedCache extends TokenCache {
  refusals = 0;

  override invalidate(...args: Parameters<TokenCache['invalidate']>): void {
    this.refusals++;
    super.invalidate(...args);
  }
}

function identity(credential: CountingCredential, options: TokenCacheOptions = {}): { provider: IdentityProvider; cache: WatchedCache } {
  const cache = new WatchedCache(options);
  return { provider: { ...createIdentityProvider(cache, () => credential), pipelineOptions: azurite.pipelineOptions }, cache };
}

/** Blob clients built the way a workspace builds them, all from one identity. */
function clients(provider: IdentityProvider, count: number): ContainerClient[] {
  return Array.from({ length: count }, () =>
    createBlobClient(azurite.endpoint, { kind: 'identity' }, {}, provider).client.getContainerClient(container),
  );
}

/**
 * `total` small requests spread over `containers`, `perClient` at a time on each: container
 * properties, a blob's existence, its properties, a one-page listing. Each answer is checked.
 */
async function blobOperations(containers: ContainerClient[], total: number, perClient: number): Promise<void> {
  const { name, size } = manifest.blobs[0];
  let next = 0;
  const operation = async (client: ContainerClient, i: number) => {
    switch (i % 4) {
      case 0:
        if (!(await client.getProperties()).etag) throw new Error('container properties without an etag');
        return;
      case 1:
        if (!(await client.getBlobClient(name).exists())) throw new Error(`${name} not found`);
        return;
      case 2:
        if ((await client.getBlobClient(name).getProperties()).contentLength !== size) throw new Error(`${name} has the wrong size`);
        return;
      default: {
        const page = await client.listBlobsFlat().byPage({ maxPageSize: 5 }).next();
        if (page.done || page.value.segment.blobItems.length !== 5) throw new Error('a listing page is not 5 blobs');
      }
    }
  };
  const worker = async (client: ContainerClient) => {
    while (next < total) await operation(client, next++);
  };
  await Promise.all(containers.flatMap((client) => Array.from({ length: perClient }, () => worker(client))));
}

/** The shared fixture, uploaded with the account key over https (trusting this run's certificate). */
async function loadFixture(): Promise<void> {
  [manifest, fixtureBlobs] = await Promise.all([readManifest(), readFixtureBlobs()]);
  const key = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  const loaded = await loadMetaflowFixture(new BlobServiceClient(azurite.endpoint, key, azurite.pipelineOptions));
  container = loaded.container;
  sysroot = loaded.sysroot;
}

beforeAll(async () => {
  azurite = await startAzurite({ oauth: true });
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-oauth-'));
  await loadFixture();
});

afterAll(async () => {
  await azurite?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function services(provider: IdentityProvider): Services {
  return createServices({ env: {}, userDataDir: scratch, identity: provider });
}

function open(app: Services) {
  return app.router.dispatch('workspace.open', { sysroot, endpoint: azurite.endpoint, credential: { kind: 'identity' } });
}

describe('a workspace opened with an Azure identity', () => {
  const credential = new CountingCredential();
  let app: Services;
  let info: WorkspaceInfo;

  async function list(where: { flow?: string; run?: string; step?: string; task?: string }): Promise<MetaflowListing> {
    const reply = await app.router.dispatch('metaflow.list', { workspaceId: info.id, ...where });
    if (!reply.ok) throw new Error(`metaflow.list ${JSON.stringify(where)}: ${reply.error.code} ${reply.error.message}`);
    return MetaflowListing.parse(reply.value);
  }

  beforeAll(async () => {
    app = services(identity(credential).provider);
    const reply = await open(app);
    if (!reply.ok) throw new Error(`workspace.open: ${reply.error.code} ${reply.error.message}`);
    info = WorkspaceInfo.parse(reply.value);
  });

  it('says who signed in: the upn of the token', () => {
    expect(info).toMatchObject({ kind: 'azure', sysroot, endpoint: azurite.endpoint, authMethod: 'Azure identity', principal: TEST_UPN });
  });

  it('browses flows, runs, steps, tasks and artifacts of the fixture on one token', async () => {
    const root = `${sysroot.slice(container.length + 1)}/`;
    // <flow>/<run>/<step>/<task>/<file>, without the flows' content-addressed data/ folder.
    const taskFiles = manifest.blobs
      .filter((b) => b.name.startsWith(root))
      .map((b) => b.name.slice(root.length).split('/'))
      .filter((parts) => parts.length === 5 && parts[1] !== 'data');
    const names = (listing: MetaflowListing) => listing.entries.map((e) => e.name).sort();
    const distinct = (values: string[]) => [...new Set(values)].sort();

    const flows = names(await list({}));
    expect(flows).toEqual(distinct(taskFiles.map((p) => p[0])));
    let artifacts = 0;
    for (const flow of flows) {
      const inFlow = taskFiles.filter((p) => p[0] === flow);
      const runs = names(await list({ flow }));
      expect(runs, flow).toEqual(distinct(inFlow.map((p) => p[1])));
      for (const run of runs) {
        const inRun = inFlow.filter((p) => p[1] === run);
        const steps = names(await list({ flow, run }));
        expect(steps, `${flow}/${run}`).toEqual(distinct(inRun.map((p) => p[2])));
        for (const step of steps) {
          const inStep = inRun.filter((p) => p[2] === step);
          const tasks = names(await list({ flow, run, step }));
          expect(tasks, `${flow}/${run}/${step}`).toEqual(distinct(inStep.map((p) => p[3])));
          for (const task of tasks) {
            const listing = await list({ flow, run, step, task });
            if (listing.level !== 'artifacts') throw new Error(`expected artifacts, got ${listing.level}`);
            const dataJson = fixtureBlobs.get(`${root}${flow}/${run}/${step}/${task}/${listing.attempt}.data.json`);
            if (dataJson === undefined) throw new Error(`no ${listing.attempt}.data.json for ${flow}/${run}/${step}/${task}`);
            const { objects } = JSON.parse(dataJson.toString('utf8')) as { objects: Record<string, string> };
            expect(Object.fromEntries(listing.entries.map((e) => [e.name, e.sha]))).toEqual(objects);
            artifacts += listing.entries.length;
          }
        }
      }
    }
    expect(artifacts).toBeGreaterThan(0);
    expect(credential.calls).toBe(1);
    expect(credential.requests).toEqual([{ scopes: STORAGE_SCOPES, tenantId: undefined }]);
  });
});

describe('the token cache between Blob clients and the credential', () => {
  it('serves 10,000 blob operations over 20 clients with exactly one getToken call', { timeout: 120_000 }, async () => {
    const credential = new CountingCredential();
    const { provider, cache } = identity(credential);
    await blobOperations(clients(provider, 20), 10_000, 2);
    expect(credential.calls).toBe(1);
    expect(cache.refusals).toBe(0);
  });

  it('makes 50 concurrent first requests wait for one getToken call', async () => {
    const credential = new CountingCredential({ latencyMs: 300 });
    const { provider } = identity(credential);
    await blobOperations(clients(provider, 50), 50, 1);
    expect(credential.calls).toBe(1);
  });

  it('replaces an expired token with exactly one getToken call, before any request is refused', async () => {
    const credential = new CountingCredential({ lifetimeMs: 2_000 });
    // No margin: this is about expiry, not the background refresh before it.
    const { provider, cache } = identity(credential, { refreshMarginMs: 0 });
    const containers = clients(provider, 20);
    await blobOperations(containers, 20, 1);
    credential.lifetimeMs = 60 * MINUTE;
    // Azurite refuses a token once its clock passes `exp`.
    await new Promise((resolve) => setTimeout(resolve, credential.issued[0].expiresOnTimestamp + 1_000 - Date.now()));
    await blobOperations(containers, 200, 2);
    expect(credential.calls).toBe(2);
    expect(cache.refusals).toBe(0);
  });

  it('hands out the current token near expiry and refreshes it once in the background', async () => {
    let skew = 0;
    const credential = new CountingCredential({ latencyMs: 1_000 });
    // The cache's clock runs ahead of Azurite's: the token is near expiry for the app, valid for Azurite.
    const { provider, cache } = identity(credential, { now: () => Date.now() + skew });
    const containers = clients(provider, 20);
    await blobOperations(containers, 20, 1);
    skew = 57 * MINUTE;
    await blobOperations(containers, 40, 2);
    // All done while the one refresh is still running: no request waited for it.
    expect(credential.calls).toBe(2);
    expect(credential.issued).toHaveLength(1);
    await credential.idle();
    await blobOperations(containers, 200, 2);
    expect(credential.calls).toBe(2);
    expect(cache.refusals).toBe(0);
  });

  it.each<Rejection>(['audience', 'expired'])(
    'when a token that looked valid is refused (%s), fetches one new token and retries each request once',
    async (reason) => {
      const credential = new CountingCredential();
      credential.rejectNext(1, reason);
      const { provider, cache } = identity(credential);
      await blobOperations(clients(provider, 20), 20, 1);
      expect(credential.calls).toBe(2);
      // Each of the 20 first requests was refused once, then went through on the new token.
      expect(cache.refusals).toBe(20);
      await blobOperations(clients(provider, 20), 200, 2);
      expect(credential.calls).toBe(2);
      expect(cache.refusals).toBe(20);
    },
  );

  it('reports AUTH_FAILED through the router when the new token is refused too, and starts afresh next time', async () => {
    const credential = new CountingCredential();
    credential.rejectNext(2);
    const { provider, cache } = identity(credential);
    const app = services(provider);

    const failed = await open(app);
    if (failed.ok) throw new Error('workspace.open succeeded with refused tokens');
    expect(failed.error.code).toBe('AUTH_FAILED');
    expect(failed.error.message).toMatch(/authenticat/i);
    expect(failed.error.message).toContain(azurite.endpoint);
    expect(failed.error.message).toContain('Azure identity');
    expect(failed.error.hint).toContain('az login');
    expect(credential.calls).toBe(2);
    expect(cache.refusals).toBe(2);

    const reply = await open(app);
    if (!reply.ok) throw new Error(`workspace.open: ${reply.error.code} ${reply.error.message}`);
    expect(WorkspaceInfo.parse(reply.value).principal).toBe(TEST_UPN);
    // The refused token was not kept: no request was sent with it again.
    expect(credential.calls).toBe(3);
    expect(cache.refusals).toBe(2);
  });
});
