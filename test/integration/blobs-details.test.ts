import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
  type ContainerClient,
} from '@azure/storage-blob';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteBlobs } from '../../electron/blobs/blob-delete.js';
import { IMAGE_BYTES, PARQUET_ROWS, TEXT_BYTES } from '../../electron/blobs/blob-preview.js';
import type { Services } from '../../electron/services.js';
import type { ArgsOf, Channel, ResultOf } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import type { BlobPreview } from '../../shared/schemas/blob-details.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from '../harness/azurite.js';
import { startUploadHost, type UploadHost } from '../harness/upload-host.js';

// A blob looked at closely, against Azurite: its properties as Azure keeps them, a preview of what it
// holds read within bounds (and saying what it left out), deleting a selection only with the typed
// container name and only blobs unchanged since listed, and finding blobs by part of their name.

const endpoint = inject('endpoint');
const connectionString = inject('connectionString');
const fixtureContainer = inject('container');
const container = `details-${randomUUID().slice(0, 8)}`;

let host: UploadHost;
let services: Services;
let workspaceId: string;
let containerClient: ContainerClient;

/** A 1×1 PNG: signature, IHDR, IDAT, IEND. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><script>alert(1)</script><rect width="4" height="4"/></svg>';
/** pickle.dumps({'a': 1}, protocol=2) */
const PICKLE = Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x71, 0x01, 0x4b, 0x01, 0x73, 0x2e]);

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

async function put(name: string, body: string | Buffer, contentType?: string): Promise<string> {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  const answer = await containerClient.getBlockBlobClient(name).upload(data, data.length, { blobHTTPHeaders: { blobContentType: contentType } });
  return answer.etag ?? '';
}

const preview = (blob: string) => call('blobs.preview', { workspaceId, container, blob });

function ofKind<K extends BlobPreview['kind']>(p: BlobPreview, kind: K): Extract<BlobPreview, { kind: K }> {
  expect(p.kind).toBe(kind);
  return p as Extract<BlobPreview, { kind: K }>;
}

beforeAll(async () => {
  host = await startUploadHost({ container, connectionString, endpoint });
  ({ services, workspaceId, containerClient } = host);
}, 60_000);

afterAll(() => host?.stop());

describe('blobs.properties', () => {
  it('gives size, content type and encoding, MD5, etag, tier, metadata and both times', async () => {
    const body = Buffer.from('{"rows": 3}');
    const md5 = createHash('md5').update(body).digest();
    const before = Date.now() - 2000;
    await containerClient.getBlockBlobClient('props/meta.json').upload(body, body.length, {
      blobHTTPHeaders: { blobContentType: 'application/json', blobContentEncoding: 'identity', blobContentMD5: md5 },
      metadata: { owner: 'ana', purpose: 'eval' },
    });
    const listed = (await call('blobs.list', { workspaceId, container, prefix: 'props/' })).blobs[0];
    const props = await call('blobs.properties', { workspaceId, container, blob: 'props/meta.json' });
    expect(props).toMatchObject({
      name: 'props/meta.json',
      size: body.length,
      contentType: 'application/json',
      contentEncoding: 'identity',
      contentMd5: md5.toString('base64'),
      etag: listed.etag,
      blobType: 'BlockBlob',
      metadata: { owner: 'ana', purpose: 'eval' },
    });
    expect(props.accessTier).not.toBeNull();
    expect(props.createdOn).toBeGreaterThanOrEqual(before);
    expect(props.lastModified).toBe(listed.lastModified);
  });

  it('says clearly that a blob is not there', async () => {
    const error = await failure('blobs.properties', { workspaceId, container, blob: 'props/none.txt' });
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('props/none.txt');
  });
});

describe('blobs.preview', () => {
  it('shows CSV, JSON and text whole when small, by extension or content type', async () => {
    await put('p/table.csv', 'id,value\n1,2\n3,4\n');
    await put('p/report', '{"a": [1, 2]}', 'application/json');
    await put('p/notes.md', '# Notes\nünïcode ✓\n');
    expect(await preview('p/table.csv')).toEqual({ kind: 'text', format: 'csv', text: 'id,value\n1,2\n3,4\n', bytesRead: 17, totalBytes: 17 });
    expect(ofKind(await preview('p/report'), 'text')).toMatchObject({ format: 'json', text: '{"a": [1, 2]}' });
    expect(ofKind(await preview('p/notes.md'), 'text')).toMatchObject({ format: 'text', text: '# Notes\nünïcode ✓\n' });
  });

  it('reads only the start of a large text and says how much; a table keeps whole rows', async () => {
    const row = 'alpha,beta,gamma,12345\n';
    const rows = Math.ceil((TEXT_BYTES * 3) / row.length);
    await put('p/big.csv', row.repeat(rows));
    const big = ofKind(await preview('p/big.csv'), 'text');
    expect(big.totalBytes).toBe(row.length * rows);
    expect(big.bytesRead).toBe(TEXT_BYTES);
    expect(big.text.endsWith('\n')).toBe(true);
    expect(big.text.split('\n').slice(0, -1).every((line) => `${line}\n` === row)).toBe(true);
  });

  it('shows raster images by their bytes and SVG as an image, never as text', async () => {
    await put('img/pixel.dat', PNG);
    await put('img/drawing.svg', SVG);
    expect(await preview('img/pixel.dat')).toEqual({ kind: 'image', mimeType: 'image/png', base64: PNG.toString('base64'), bytesRead: PNG.length, totalBytes: PNG.length });
    const svg = ofKind(await preview('img/drawing.svg'), 'image');
    expect(svg.mimeType).toBe('image/svg+xml');
    expect(Buffer.from(svg.base64, 'base64').toString()).toBe(SVG);
  });

  it('does not load an image past its limit', async () => {
    const large = Buffer.concat([PNG.subarray(0, 16), randomBytes(IMAGE_BYTES + 1)]);
    await put('img/huge.png', large);
    const p = ofKind(await preview('img/huge.png'), 'none');
    expect(p.reason).toMatch(/more than the 4\.0 MiB a preview shows/);
    expect(p.bytesRead).toBe(TEXT_BYTES);
  });

  it('shows a parquet file’s schema and first rows', async () => {
    const n = PARQUET_ROWS + 30;
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from({ length: n }, (_, i) => i), type: 'INT32' },
        { name: 'label', data: Array.from({ length: n }, (_, i) => `row-${i}`), type: 'STRING' },
        { name: 'score', data: Float64Array.from({ length: n }, (_, i) => i / 2), type: 'DOUBLE' },
      ],
    });
    await put('tables/part-0.parquet', Buffer.from(buffer));
    const p = ofKind(await preview('tables/part-0.parquet'), 'parquet');
    expect(p.columns.map((c) => c.name)).toEqual(['id', 'label', 'score']);
    expect(p.columns[0].type).toBe('INT32');
    expect(p.columns[1].type).toMatch(/^BYTE_ARRAY/);
    expect(p.rowCount).toBe(n);
    expect(p.rows).toHaveLength(PARQUET_ROWS);
    expect(p.rows[3]).toEqual(['3', 'row-3', '1.5']);
    expect(p.note).toBeNull();
    expect(p.totalBytes).toBe(buffer.byteLength);
  });

  it('says why a file named .parquet is not one', async () => {
    await put('tables/fake.parquet', 'not parquet at all');
    const p = ofKind(await preview('tables/fake.parquet'), 'parquet');
    expect(p.columns).toEqual([]);
    expect(p.note).toMatch(/not a readable parquet file/);
  });

  it('decodes pickles, bare or gzipped, with the artifact decoder', async () => {
    await put('pk/value.pkl', PICKLE);
    await put('pk/cas-like', gzipSync(PICKLE));
    for (const name of ['pk/value.pkl', 'pk/cas-like']) {
      const p = ofKind(await preview(name), 'pickle');
      expect(p.complete).toBe(true);
      expect(p.value).toMatchObject({ kind: 'dict', length: 1, entries: [{ key: { kind: 'str', value: 'a' }, value: { kind: 'int', value: 1 } }] });
    }
  });

  it("previews a Metaflow artifact blob of the fixture's content-addressed store as a pickle", async () => {
    const fixture = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(fixtureContainer);
    let artifact: string | undefined;
    for await (const blob of fixture.listBlobsFlat()) {
      if (/\/data\/[0-9a-f]{2}\/[0-9a-f]{40}$/.test(blob.name)) {
        artifact = blob.name;
        break;
      }
    }
    expect(artifact).toBeDefined();
    const reply = await call('blobs.preview', { workspaceId, container: fixtureContainer, blob: artifact ?? '' });
    expect(reply.kind).toBe('pickle');
  });

  it('says what it cannot show: binary bytes, an empty blob', async () => {
    await put('bin/weights.bin', Buffer.from([0, 1, 2, 3, 255, 254, 0, 0]));
    await put('bin/empty', '');
    expect(ofKind(await preview('bin/weights.bin'), 'none').reason).toMatch(/Binary content/);
    expect(await preview('bin/empty')).toEqual({ kind: 'none', reason: 'The blob is empty (0 bytes).', bytesRead: 0, totalBytes: 0 });
  });
});

describe('blobs.delete', () => {
  it('deletes nothing without the container name typed', async () => {
    const etag = await put('del/keep.txt', 'keep');
    const error = await failure('blobs.delete', { workspaceId, container, blobs: [{ name: 'del/keep.txt', etag }], typedContainer: 'wrong-name' });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`Type the container's name "${container}"`);
    expect(await containerClient.getBlobClient('del/keep.txt').exists()).toBe(true);
  });

  it('deletes the selected blobs, keeps one changed since it was listed, and counts one already gone as deleted', async () => {
    const a = await put('del/a.txt', 'a');
    const b = await put('del/b.txt', 'b');
    const stale = await put('del/changed.txt', 'v1');
    await put('del/changed.txt', 'v2');
    const answer = await call('blobs.delete', {
      workspaceId,
      container,
      typedContainer: container,
      blobs: [
        { name: 'del/a.txt', etag: a },
        { name: 'del/b.txt', etag: b },
        { name: 'del/changed.txt', etag: stale },
        { name: 'del/never-was.txt', etag: null },
      ],
    });
    expect(answer.deleted).toEqual(['del/a.txt', 'del/b.txt', 'del/never-was.txt']);
    expect(answer.kept).toEqual([{ name: 'del/changed.txt', reason: expect.stringMatching(/changed since it was listed/) as unknown as string }]);
    const left = (await call('blobs.list', { workspaceId, container, prefix: 'del/' })).blobs.map((x) => x.name);
    expect(left).toEqual(['del/changed.txt', 'del/keep.txt']);
  });

  it('deletes a selected folder with everything below it, and leaves what is beside it', async () => {
    for (const name of ['fold/run-1/a.txt', 'fold/run-1/deep/b.txt', 'fold/run-10/c.txt', 'fold/top.txt']) await put(name, name);
    const answer = await call('blobs.delete', { workspaceId, container, typedContainer: container, blobs: [{ name: 'fold/top.txt', etag: null }], folders: ['fold/run-1/'] });
    expect(answer).toEqual({ deleted: ['fold/run-1/a.txt', 'fold/run-1/deep/b.txt', 'fold/top.txt'], kept: [] });
    const left: string[] = [];
    for await (const blob of containerClient.listBlobsFlat({ prefix: 'fold/' })) left.push(blob.name);
    expect(left).toEqual(['fold/run-10/c.txt']);
  });

  it('refuses a folder holding more blobs than one delete takes, before deleting any', async () => {
    for (const name of ['big/1', 'big/2', 'big/3', 'small.txt']) await put(name, name);
    const attempt = deleteBlobs(services.workspaces.azure(workspaceId), { workspaceId, container, typedContainer: container, blobs: [{ name: 'small.txt', etag: null }], folders: ['big/'] }, 2);
    await expect(attempt).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('more than 2 blobs') as unknown as string });
    expect(await containerClient.getBlobClient('small.txt').exists()).toBe(true);
    expect(await containerClient.getBlobClient('big/1').exists()).toBe(true);
  });

  it("states the account's soft-delete policy", async () => {
    const service = BlobServiceClient.fromConnectionString(connectionString);
    const original = await service.getProperties();
    try {
      await service.setProperties({ deleteRetentionPolicy: { enabled: true, days: 9 } });
      expect(await call('blobs.deletePolicy', { workspaceId })).toEqual({ state: 'enabled', days: 9, detail: null });
      await service.setProperties({ deleteRetentionPolicy: { enabled: false } });
      expect(await call('blobs.deletePolicy', { workspaceId })).toEqual({ state: 'disabled', days: null, detail: null });
    } finally {
      await service.setProperties({ deleteRetentionPolicy: original.deleteRetentionPolicy ?? { enabled: false } });
    }
  });

  it('calls the soft-delete state unknown, and says why, for a credential that may not read the account', async () => {
    const sas = generateBlobSASQueryParameters(
      { containerName: container, permissions: ContainerSASPermissions.parse('rld'), expiresOn: new Date(Date.now() + 3_600_000) },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY),
    ).toString();
    const info = await call('workspace.open', { sysroot: `${container}/ds`, endpoint, credential: { kind: 'sas', sas } });
    const policy = await call('blobs.deletePolicy', { workspaceId: info.id });
    expect(policy.state).toBe('unknown');
    expect(policy.days).toBeNull();
    expect(policy.detail).toMatch(/\S/);
  });
});

describe('blobs.search', () => {
  it('finds blobs at any depth below the prefix whose name past it contains the query, ignoring case', async () => {
    await put('find/model-a/Weights.bin', 'w');
    await put('find/model-b/eval/weights-final.bin', 'w');
    await put('find/model-b/config.json', '{}');
    await put('elsewhere/weights.bin', 'w');
    const page = await call('blobs.search', { workspaceId, container, prefix: 'find/', query: 'WEIGHTS' });
    expect(page.matches.map((m) => m.name)).toEqual(['find/model-a/Weights.bin', 'find/model-b/eval/weights-final.bin']);
    expect(page.scanned).toBe(3);
    expect(page.nextPageToken).toBeNull();
    // The prefix itself is not searched: "find" matches every name below it only by the prefix.
    expect((await call('blobs.search', { workspaceId, container, prefix: 'find/', query: 'find' })).matches).toEqual([]);
  });
});
