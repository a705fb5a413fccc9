import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactReader, PREVIEW_BYTES, PREVIEW_RANGE_BYTES } from '../../electron/metaflow/artifacts.js';
import { storeLargeNdarray, largeNdarrayElement, type LargeNdarray } from '../../electron/sample/large-ndarray.js';
import { pickle } from '../../electron/sample/pickle-writer.js';
import { LocalObjectStore } from '../../electron/storage/local-object-store.js';
import type { ObjectStore } from '../../electron/storage/object-store.js';

// Artifacts read in ranges from a folder datastore (the Azure store is exercised the same way in
// test/integration/metaflow-large-artifact.test.ts): a preview reads about what it decodes.

const FLOW = 'RangeFlow';
const MIB = 2 ** 20;

/** The store, counting the bytes and requests that each kind of read returned. */
function counted(inner: ObjectStore) {
  const count = { ranged: 0, rangeRequests: 0, whole: 0 };
  const store: ObjectStore = {
    description: inner.description,
    listHierarchy: (prefix) => inner.listHierarchy(prefix),
    listAll: (prefix) => inner.listAll(prefix),
    read: async (name) => {
      const data = await inner.read(name);
      count.whole += data.length;
      return data;
    },
    readRange: async (name, offset, length) => {
      const range = await inner.readRange(name, offset, length);
      count.ranged += range.data.length;
      count.rangeRequests++;
      return range;
    },
  };
  return { store, count };
}

describe('artifacts read in ranges', () => {
  let dir: string;
  let big: LargeNdarray;
  const entry = (sha: string, encoding = 'gzip+pickle-v4') => ({ name: 'x', sha, size: null, type: null, encoding });

  /** Writes a CAS blob as Metaflow would name it (sha1 of the pickle) and returns the sha. */
  async function storeBlob(pickled: Buffer, blob: Buffer): Promise<string> {
    const sha = createHash('sha1').update(pickled).digest('hex');
    const file = path.join(dir, FLOW, 'data', sha.slice(0, 2), sha);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, blob);
    return sha;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stratus-ranged-'));
    big = await storeLargeNdarray({ folder: dir }, `${FLOW}/`, 8 * 2 ** 20); // a 64 MiB pickle, about 10 MiB of gzip
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('previews a 64 MiB array from its first MiB and the gzip trailer, never reading the blob whole', async () => {
    const { store, count } = counted(new LocalObjectStore(dir));
    const preview = await new ArtifactReader(store, '').preview(FLOW, entry(big.sha), false);
    expect(count.whole).toBe(0);
    expect(count.ranged).toBe(PREVIEW_RANGE_BYTES + 4);
    expect(preview.value).toMatchObject({ kind: 'ndarray', shape: [big.elements] });
    const values = (preview.value as { values: { value: number }[] }).values.map((v) => v.value);
    expect(values).toEqual(values.map((_, i) => largeNdarrayElement(i)));
    expect(preview).toMatchObject({ complete: false, bytesRead: PREVIEW_BYTES, totalBytes: big.pickleBytes, loadable: true });
  });

  it('asks for a second range only when the first did not inflate to the cap, and only for what is missing', async () => {
    // Random bytes do not compress: the first MiB of gzip inflates to a little under a MiB of pickle.
    const pickled = pickle(randomBytes(3 * MIB));
    const sha = await storeBlob(pickled, gzipSync(pickled, { level: 1 }));
    const { store, count } = counted(new LocalObjectStore(dir));
    const preview = await new ArtifactReader(store, '').preview(FLOW, entry(sha), false);
    expect(count.rangeRequests).toBe(3); // first range, the missing part, the trailer
    expect(count.ranged).toBeLessThan(PREVIEW_RANGE_BYTES + 128 * 1024);
    expect(preview).toMatchObject({ bytesRead: PREVIEW_BYTES, totalBytes: pickled.length, complete: false });
    expect(preview.value).toMatchObject({ kind: 'bytes', length: 3 * MIB, truncated: true });
  });

  it('reads a raw (cas_raw) pickle only up to the cap', async () => {
    const pickled = pickle(randomBytes(3 * MIB));
    const sha = await storeBlob(pickled, pickled);
    const { store, count } = counted(new LocalObjectStore(dir));
    const preview = await new ArtifactReader(store, '').preview(FLOW, entry(sha, 'pickle-v4'), false);
    expect(count.ranged).toBe(PREVIEW_BYTES);
    expect(preview).toMatchObject({ bytesRead: PREVIEW_BYTES, totalBytes: pickled.length, complete: false });
  });

  it('reads a small artifact whole in one request', async () => {
    const pickled = pickle({ a: 1, b: [1, 2, 3] });
    const sha = await storeBlob(pickled, gzipSync(pickled));
    const { store, count } = counted(new LocalObjectStore(dir));
    const preview = await new ArtifactReader(store, '').preview(FLOW, entry(sha), false);
    expect(count.rangeRequests).toBe(1);
    expect(preview).toMatchObject({ complete: true, bytesRead: pickled.length, totalBytes: pickled.length });
  });

  it('downloads the whole pickle through ranges, byte for byte', async () => {
    const { store, count } = counted(new LocalObjectStore(dir));
    const bytes = await new ArtifactReader(store, '').pickle(FLOW, big.sha, 'big');
    expect(count.whole).toBe(0);
    expect(bytes.length).toBe(big.pickleBytes);
    expect(createHash('sha1').update(bytes).digest('hex')).toBe(big.sha);
  });

  it('refuses a whole load past the bound, even when the gzip trailer understates the size', async () => {
    const reader = new ArtifactReader(new LocalObjectStore(dir), '', 16 * MIB);
    expect((await reader.preview(FLOW, entry(big.sha), false)).loadable).toBe(false);
    await expect(reader.preview(FLOW, entry(big.sha), true)).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('64.0 MiB of pickle') });

    // ISIZE is only the size modulo 4 GiB: a trailer that says 100 bytes must not let 64 MiB through.
    const blob = await readFile(path.join(dir, big.name));
    blob.writeUInt32LE(100, blob.length - 4);
    const lying = path.join(dir, `${FLOW}/data/ff/ff${big.sha.slice(2)}`);
    await mkdir(path.dirname(lying), { recursive: true });
    await writeFile(lying, blob);
    await expect(reader.json(FLOW, `ff${big.sha.slice(2)}`, 'The artifact "x"')).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('more than 16.0 MiB of pickle'), hint: expect.stringContaining(`ff${big.sha.slice(2)}`) });
  });

  it('reports a gzip cut short as corrupt, naming gzip', async () => {
    const pickled = pickle(randomBytes(256 * 1024));
    const gz = gzipSync(pickled);
    const sha = await storeBlob(pickled, gz.subarray(0, gz.length - 1000));
    const reader = new ArtifactReader(new LocalObjectStore(dir), '');
    await expect(reader.preview(FLOW, entry(sha), false)).rejects.toMatchObject({ code: 'CORRUPT_DATA', message: expect.stringContaining('gzip') });
  });
});

describe('LocalObjectStore.readRange', () => {
  it('reads the middle, the end, past the end, and reports a missing file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stratus-range-'));
    try {
      await writeFile(path.join(dir, 'abc'), '0123456789');
      const store = new LocalObjectStore(dir);
      expect(await store.readRange('abc', 2, 3)).toEqual({ data: Buffer.from('234'), size: 10 });
      expect(await store.readRange('abc', 8, 100)).toEqual({ data: Buffer.from('89'), size: 10 });
      expect(await store.readRange('abc', 10, 5)).toEqual({ data: Buffer.alloc(0), size: 10 });
      await expect(store.readRange('missing', 0, 5)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(store.readRange('../x', 0, 5)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
