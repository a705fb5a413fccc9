import { randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services.js';
import type { ArgsOf, Channel, ResultOf } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { MAX_SET_TIER } from '../../shared/schemas/blob-tier.js';
import { startUploadHost, type UploadHost } from '../harness/upload-host.js';

// Changing the access tier of selected blobs against Azurite: the listing shows the new tier,
// Archive shows as archived, a missing blob fails alone, and nothing changes without the typed
// container name or with a tier Azure has no such name for.

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
const container = `tier-${randomUUID().slice(0, 8)}`;

let host: UploadHost;
let services: Services;
let workspaceId: string;
let containerClient: ContainerClient;

async function call<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { shape: reply.error });
  return reply.value as ResultOf<C>;
}

async function failure(channel: Channel, args: unknown): Promise<StratusErrorShape> {
  const reply = await services.router.dispatch(channel, args);
  if (reply.ok) throw new Error(`${channel} succeeded`);
  return reply.error;
}

async function put(name: string): Promise<void> {
  await containerClient.getBlockBlobClient(name).upload('x', 1);
}

async function listedTiers(prefix: string): Promise<Record<string, { accessTier: string | null; archiveStatus: string | null }>> {
  const listing = await call('blobs.list', { workspaceId, container, prefix });
  return Object.fromEntries(listing.blobs.map((b) => [b.name, { accessTier: b.accessTier, archiveStatus: b.archiveStatus }]));
}

beforeAll(async () => {
  host = await startUploadHost({ container, connectionString, endpoint });
  ({ services, workspaceId, containerClient } = host);
}, 60_000);

afterAll(() => host?.stop());

describe('blobs.setTier', () => {
  it('moves the selected blobs to Cool, and the listing shows it; the others keep theirs', async () => {
    await Promise.all(['cool/a.txt', 'cool/b.txt', 'cool/c.txt'].map(put));
    const result = await call('blobs.setTier', { workspaceId, container, blobs: ['cool/a.txt', 'cool/b.txt'], newTier: 'Cool', typedContainer: container });
    expect(result).toEqual({ changed: ['cool/a.txt', 'cool/b.txt'], failed: [] });
    const tiers = await listedTiers('cool/');
    expect(tiers['cool/a.txt'].accessTier).toBe('Cool');
    expect(tiers['cool/b.txt'].accessTier).toBe('Cool');
    expect(tiers['cool/c.txt'].accessTier).not.toBe('Cool');
  });

  it('archives blobs: listed as Archive, and their properties say so', async () => {
    await put('arch/model.pkl');
    await call('blobs.setTier', { workspaceId, container, blobs: ['arch/model.pkl'], newTier: 'Archive', typedContainer: container });
    expect((await listedTiers('arch/'))['arch/model.pkl'].accessTier).toBe('Archive');
    const props = await call('blobs.properties', { workspaceId, container, blob: 'arch/model.pkl' });
    expect(props.accessTier).toBe('Archive');
  });

  it('rehydrates an archived blob back to Hot through the same change', async () => {
    await put('rehy/x.bin');
    await call('blobs.setTier', { workspaceId, container, blobs: ['rehy/x.bin'], newTier: 'Archive', typedContainer: container });
    const result = await call('blobs.setTier', { workspaceId, container, blobs: ['rehy/x.bin'], newTier: 'Hot', typedContainer: container });
    expect(result.failed).toEqual([]);
    const listed = (await listedTiers('rehy/'))['rehy/x.bin'];
    // Azurite rehydrates at once; Azure reports the pending state meanwhile.
    expect(listed.accessTier === 'Hot' || listed.archiveStatus === 'rehydrate-pending-to-hot').toBe(true);
  });

  it('reports a missing blob by name and still changes the others', async () => {
    await put('miss/here.txt');
    const result = await call('blobs.setTier', { workspaceId, container, blobs: ['miss/gone.txt', 'miss/here.txt'], newTier: 'Cool', typedContainer: container });
    expect(result.changed).toEqual(['miss/here.txt']);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0].name).toBe('miss/gone.txt');
    expect(result.failed[0].reason).toContain('miss/gone.txt');
  });

  it('changes nothing unless the container name is typed', async () => {
    await put('typed/a.txt');
    const error = await failure('blobs.setTier', { workspaceId, container, blobs: ['typed/a.txt'], newTier: 'Archive', typedContainer: 'other' });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(container);
    expect((await listedTiers('typed/'))['typed/a.txt'].accessTier).not.toBe('Archive');
  });

  it('refuses tiers that are not access tiers, bad names and too many blobs, before touching anything', async () => {
    await put('bad/a.txt');
    const base = { workspaceId, container, blobs: ['bad/a.txt'], newTier: 'Archive', typedContainer: container };
    for (const newTier of ['archive', 'Premium', 'P10', '', 'Hot ']) {
      expect((await failure('blobs.setTier', { ...base, newTier })).code).toBe('INVALID_ARGUMENT');
    }
    for (const blobs of [[], ['../x'], ['/abs'], ['a//b'], ['x\u0000y'], [7], Array.from({ length: MAX_SET_TIER + 1 }, (_, i) => `bad/${i}`)]) {
      expect((await failure('blobs.setTier', { ...base, blobs })).code).toBe('INVALID_ARGUMENT');
    }
    expect((await listedTiers('bad/'))['bad/a.txt'].accessTier).not.toBe('Archive');
  });
});
