import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobReads } from '../../electron/metaflow/blob-reads.js';
import { LocalObjectStore } from '../../electron/storage/local-object-store.js';
import type { ObjectRange } from '../../electron/storage/object-store.js';

// One answer's memo of blob reads over a real (folder) store: a blob asked for twice is read once, a failed read
// is tried again, what is past the cap is read again, and a blob changed after the answer is read afresh by the next.

class CountingStore extends LocalObjectStore {
  reads = 0;

  override read(name: string): Promise<Buffer> {
    this.reads++;
    return super.read(name);
  }

  override readRange(name: string, offset: number, length: number): Promise<ObjectRange> {
    this.reads++;
    return super.readRange(name, offset, length);
  }
}

describe('BlobReads', () => {
  let dir: string;
  let store: CountingStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stratus-blob-reads-'));
    store = new CountingStore(dir);
    await writeFile(path.join(dir, 'a.runtime'), '{"success": true}');
    await writeFile(path.join(dir, 'big.log'), Buffer.alloc(1000, 'x'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads a blob once for whoever asks, at once or later, and a range once per range', async () => {
    const reads = new BlobReads(store);
    const [first, second] = await Promise.all([reads.read('a.runtime'), reads.read('a.runtime')]);
    expect((await reads.read('a.runtime')).toString()).toBe('{"success": true}');
    expect(first).toBe(second);
    expect(store.reads).toBe(1);
    expect((await reads.readRange('big.log', 990, 10)).data.length).toBe(10);
    await reads.readRange('big.log', 990, 10);
    await reads.readRange('big.log', 0, 10);
    expect(store.reads).toBe(3);
  });

  it('tries a failed read again, and tells each reader its failure', async () => {
    const reads = new BlobReads(store);
    await expect(reads.read('later.json')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await writeFile(path.join(dir, 'later.json'), '{}');
    expect((await reads.read('later.json')).toString()).toBe('{}');
    expect(store.reads).toBe(2);
  });

  it('keeps no more than its cap: past it, a blob is read again', async () => {
    const reads = new BlobReads(store, 500);
    await reads.read('big.log');
    await reads.read('big.log');
    await reads.read('a.runtime');
    await reads.read('a.runtime');
    expect(store.reads).toBe(3);
  });

  it('is one answer’s: a new one reads a changed blob afresh, and a forgotten one too', async () => {
    const reads = new BlobReads(store);
    await reads.read('a.runtime');
    await writeFile(path.join(dir, 'a.runtime'), '{"success": false}');
    expect((await new BlobReads(store).read('a.runtime')).toString()).toBe('{"success": false}');
    reads.forget();
    expect((await reads.read('a.runtime')).toString()).toBe('{"success": false}');
  });
});
