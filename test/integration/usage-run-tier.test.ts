import { randomUUID } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServices, type Services } from '../../electron/services.js';
import { QUIET_MS } from '../../electron/usage/metaflow/run-usage.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { loadMetaflowFixture, readFixtureBlobs, type LoadedFixture } from '../harness/metaflow-fixture.js';

// Moving one run's unique CAS blobs to Cool on the shared fixture in Azurite: which blobs are
// unique comes from the fixture's own data.json files (not from Stratus), and the two
// ArtifactTypesFlow runs' shared blob must keep its tier.

const connectionString = inject('connectionString');
const service = BlobServiceClient.fromConnectionString(connectionString);
const FLOW = 'ArtifactTypesFlow';

let fixture: LoadedFixture;
let container: ContainerClient;
let services: Services;
let workspaceId: string;
let root: string;
/** sha → runs of FLOW whose data.json names it. */
const holders = new Map<string, Set<string>>();

async function failure(args: unknown): Promise<StratusErrorShape> {
  const reply = await services.router.dispatch('usage.setRunTier', args);
  if (reply.ok) throw new Error('usage.setRunTier succeeded');
  return reply.error;
}

async function tiers(): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for await (const b of container.listBlobsFlat({ prefix: `${root}${FLOW}/data/` })) out.set(b.name.split('/').pop() ?? '', b.properties.accessTier);
  return out;
}

beforeAll(async () => {
  const name = `runtier-${randomUUID().slice(0, 8)}`;
  fixture = await loadMetaflowFixture(connectionString, { container: name });
  container = service.getContainerClient(name);
  root = `${fixture.sysroot.split('/').slice(1).join('/')}/`;
  for (const [blobName, body] of await readFixtureBlobs()) {
    const parts = blobName.slice(root.length).split('/');
    if (!blobName.startsWith(root) || parts[0] !== FLOW || parts.length !== 5 || !/^\d+\.data\.json$/.test(parts[4])) continue;
    for (const sha of Object.values((JSON.parse(body.toString('utf8')) as { objects: Record<string, string> }).objects)) {
      let who = holders.get(sha);
      if (!who) holders.set(sha, (who = new Set()));
      who.add(parts[1]);
    }
  }
  services = createServices({ env: {} });
  const info = await services.workspaces.connect({
    kind: 'azure',
    sysroot: fixture.sysroot,
    cardRoot: fixture.cardRoot,
    endpoint: service.url,
    credential: { kind: 'connectionString', connectionString },
  });
  workspaceId = info.id;
}, 120_000);

afterAll(async () => {
  await services?.close();
  await container?.deleteIfExists();
});

describe('usage.setRunTier', () => {
  it('refuses before the usage is built', async () => {
    const error = await failure({ workspaceId, flow: FLOW, run: [...[...holders.values()][0]][0], newTier: 'Cool', confirm: container.containerName });
    expect(error.message).toMatch(/Build the usage first/);
  });

  it('moves exactly the run’s unique blobs to Cool; the blob another run shares keeps its tier', async () => {
    await services.usage.build(workspaceId, { now: Date.now() + 2 * QUIET_MS });
    const shared = [...holders].filter(([, who]) => who.size > 1).map(([sha]) => sha);
    expect(shared.length).toBeGreaterThan(0);
    const runs = [...new Set([...holders.values()].flatMap((who) => [...who]))].sort();
    const run = runs[0];
    const unique = [...holders].filter(([, who]) => who.size === 1 && who.has(run)).map(([sha]) => sha);
    expect(unique.length).toBeGreaterThan(0);
    const before = await tiers();

    const wrong = await failure({ workspaceId, flow: FLOW, run, newTier: 'Cool', confirm: `${container.containerName}x` });
    expect(wrong.message).toMatch(/Type the container's name/);
    expect(await tiers()).toEqual(before);

    const reply = await services.router.dispatch('usage.setRunTier', { workspaceId, flow: FLOW, run, newTier: 'Cool', confirm: container.containerName });
    if (!reply.ok) throw new Error(reply.error.message);
    const sizes = new Map(fixture.manifest.blobs.map((b) => [b.name.split('/').pop() ?? '', b.size]));
    expect(reply.value).toEqual({ changed: unique.length, bytes: unique.reduce((sum, sha) => sum + (sizes.get(sha) ?? 0), 0), failed: [], failedCount: 0 });

    const after = await tiers();
    for (const [sha, tier] of after) {
      if (unique.includes(sha)) expect({ sha, tier }).toEqual({ sha, tier: 'Cool' });
      else expect({ sha, tier }).toEqual({ sha, tier: before.get(sha) });
    }
    for (const sha of shared) expect(after.get(sha)).not.toBe('Cool');
  });

  it('refuses a run the usage does not know', async () => {
    const error = await failure({ workspaceId, flow: FLOW, run: '999999999', newTier: 'Archive', confirm: container.containerName });
    expect(error.message).toMatch(/not in the built usage/);
  });
});
