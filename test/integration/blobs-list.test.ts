import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
  type ContainerClient,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PAGE_SIZE } from '../../electron/blobs/blob-listing.js';
import { createServices, type Services } from '../../electron/services.js';
import type { ArgsOf, Channel, ResultOf } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from '../harness/azurite.js';

// The blob browser's listing, against Azurite: one level below a prefix with sizes, dates, etags and
// content types as Azure reports them, paged with continuation tokens, and the clear failures a user
// meets (no such container, a SAS that cannot list the account, a local workspace).

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
const fixtureContainer = inject('container');

const container = `browse-${randomUUID().slice(0, 8)}`;
/** One more than a page, so the level holding them takes two pages. */
const MANY = PAGE_SIZE + 37;

let services: Services;
let userDataDir: string;
let workspaceId: string;
let containerClient: ContainerClient;

async function call<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { shape: reply.error });
  return reply.value as ResultOf<C>;
}

async function failure<C extends Channel>(channel: C, args: ArgsOf<C>): Promise<StratusErrorShape> {
  const reply = await services.router.dispatch(channel, args);
  if (reply.ok) throw new Error(`${channel} succeeded`);
  return reply.error;
}

async function put(name: string, body: string, contentType?: string): Promise<void> {
  await containerClient.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: contentType } });
}

/** Runs `work` over `items`, `limit` at a time. */
async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(work));
}

beforeAll(async () => {
  containerClient = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  await containerClient.create();
  await put('top.csv', 'a,b\n1,2\n', 'text/csv');
  await put('data/2024/part-0.parquet', 'x'.repeat(1234), 'application/octet-stream');
  await put('data/readme.md', '# data\n');
  await put('empty', '');
  const many = Array.from({ length: MANY }, (_, i) => `many/f-${String(i).padStart(5, '0')}.txt`);
  await inBatches(many, 32, (name) => put(name, name));

  userDataDir = await mkdtemp(path.join(tmpdir(), 'stratus-blobs-'));
  services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: connectionString }, userDataDir });
  const info = await call('workspace.open', { sysroot: `${container}/data`, endpoint, credential: { kind: 'environment' } });
  workspaceId = info.id;
}, 120_000);

afterAll(async () => {
  await containerClient?.deleteIfExists();
  if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
});

describe('blobs.containers', () => {
  it("lists the account's containers and opens the workspace's own first", async () => {
    const answer = await call('blobs.containers', { workspaceId });
    expect(answer.current).toBe(container);
    expect(answer.containers).toContain(container);
    expect(answer.containers).toContain(fixtureContainer);
    expect(answer.containers).toEqual([...answer.containers].sort());
    expect(answer.listProblem).toBeNull();
  });

  it('still offers the workspace container, and says why, when a container SAS cannot list the account', async () => {
    const sas = generateBlobSASQueryParameters(
      { containerName: container, permissions: ContainerSASPermissions.parse('rl'), expiresOn: new Date(Date.now() + 3_600_000) },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY),
    ).toString();
    const info = await call('workspace.open', { sysroot: `${container}/data`, endpoint, credential: { kind: 'sas', sas } });
    const answer = await call('blobs.containers', { workspaceId: info.id });
    expect(answer).toMatchObject({ containers: [container], current: container });
    expect(answer.listProblem).toMatch(/may not list the account's containers.*container SAS/);
    const top = await call('blobs.list', { workspaceId: info.id, container, prefix: '' });
    expect(top.prefixes).toEqual(['data/', 'many/']);
  });
});

describe('blobs.list', () => {
  it('lists one level: child prefixes, and blobs with size, date, etag, content type and tier', async () => {
    const before = Date.now();
    const top = await call('blobs.list', { workspaceId, container, prefix: '' });
    expect(top.prefixes).toEqual(['data/', 'many/']);
    expect(top.blobs.map((b) => b.name)).toEqual(['empty', 'top.csv']);
    const csv = top.blobs.find((b) => b.name === 'top.csv');
    const props = await containerClient.getBlobClient('top.csv').getProperties();
    expect(csv).toEqual({
      name: 'top.csv',
      size: 8,
      lastModified: props.lastModified?.getTime(),
      etag: props.etag,
      contentType: 'text/csv',
      accessTier: props.accessTier,
      archiveStatus: null,
    });
    expect(csv?.lastModified).toBeLessThanOrEqual(before + 1000);
    expect(top.blobs.find((b) => b.name === 'empty')?.size).toBe(0);
    expect(top.nextPageToken).toBeNull();

    const data = await call('blobs.list', { workspaceId, container, prefix: 'data/' });
    expect(data).toMatchObject({ container, prefix: 'data/', prefixes: ['data/2024/'], nextPageToken: null });
    expect(data.blobs.map((b) => [b.name, b.size])).toEqual([['data/readme.md', 7]]);
    const deeper = await call('blobs.list', { workspaceId, container, prefix: 'data/2024/' });
    expect(deeper.blobs.map((b) => [b.name, b.size, b.contentType])).toEqual([['data/2024/part-0.parquet', 1234, 'application/octet-stream']]);
  });

  it('pages a large level with continuation tokens, every blob exactly once and in order', async () => {
    const first = await call('blobs.list', { workspaceId, container, prefix: 'many/' });
    expect(first.blobs).toHaveLength(PAGE_SIZE);
    expect(first.nextPageToken).not.toBeNull();
    const second = await call('blobs.list', { workspaceId, container, prefix: 'many/', pageToken: first.nextPageToken ?? '' });
    expect(second.blobs).toHaveLength(MANY - PAGE_SIZE);
    expect(second.nextPageToken).toBeNull();
    const names = [...first.blobs, ...second.blobs].map((b) => b.name);
    expect(names).toEqual(Array.from({ length: MANY }, (_, i) => `many/f-${String(i).padStart(5, '0')}.txt`));
  });

  it('answers an empty level for a prefix with nothing under it', async () => {
    const none = await call('blobs.list', { workspaceId, container, prefix: 'nothing/here/' });
    expect(none).toEqual({ container, prefix: 'nothing/here/', prefixes: [], blobs: [], nextPageToken: null });
  });

  it('says which container does not exist', async () => {
    const error = await failure('blobs.list', { workspaceId, container: 'no-such-container', prefix: '' });
    expect(error.code).toBe('CONTAINER_NOT_FOUND');
    expect(error.message).toContain('"no-such-container"');
  });

  it('refuses a workspace that is not open', async () => {
    const error = await failure('blobs.list', { workspaceId: randomUUID(), container, prefix: '' });
    expect(error.code).toBe('NO_WORKSPACE');
  });

  it('explains that a local workspace has no blobs to browse', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'stratus-local-'));
    await mkdir(path.join(folder, '.metaflow'));
    // The user chose it (in the app: an open dialog in main).
    await services.localAccess.grant(folder);
    const info = await call('workspace.open', { kind: 'local', path: folder });
    for (const error of [await failure('blobs.containers', { workspaceId: info.id }), await failure('blobs.list', { workspaceId: info.id, container, prefix: '' })]) {
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/local folder/);
      expect(error.hint).toMatch(/Azure/);
    }
    await rm(folder, { recursive: true, force: true });
  });
});
