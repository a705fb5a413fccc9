import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureObjectStore } from '../../electron/azure/azure-object-store.js';
import { ArtifactReader, PREVIEW_RANGE_BYTES, WHOLE_PICKLE_BYTES } from '../../electron/metaflow/artifacts.js';
import { largeNdarrayElement, storeLargeNdarray, type LargeNdarray } from '../../electron/sample/large-ndarray.js';
import { NDARRAY_TYPE } from '../../electron/sample/python-values.js';
import type { JsonPreview } from '../../electron/metaflow/artifacts.js';
import { startAzurite, type AzuriteInstance } from '../harness/azurite.js';
import { startCountingProxy, type CountingProxy } from '../harness/counting-proxy.js';
import { repoRoot } from '../harness/repo.js';

// A 1 GiB numpy array (gzip of its protocol-4 pickle, about 155 MiB in Azurite, as Metaflow stores
// it) previewed as the app does: the bytes Azurite sends are counted by a proxy in front of it, and
// the RSS of a process doing only the preview is sampled while it runs.

const FLOW = 'BigFlow';
const ELEMENTS = 2 ** 27; // 1 GiB of float64
const MIB = 2 ** 20;
const run = promisify(execFile);

describe('a 1 GiB artifact in Azurite', () => {
  let azurite: AzuriteInstance;
  let proxy: CountingProxy;
  let container: ContainerClient;
  let big: LargeNdarray;
  const entry = () => ({ name: 'big', sha: big.sha, size: big.pickleBytes, type: NDARRAY_TYPE, encoding: 'gzip+pickle-v4' });

  beforeAll(async () => {
    // On disk, not in memory: the blob would otherwise sit in Azurite's RAM beside every other test's.
    azurite = await startAzurite({ inMemory: false });
    proxy = await startCountingProxy(azurite.endpoint);
    const credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    container = new BlobServiceClient(azurite.endpoint, credential).getContainerClient('big');
    await container.create();
    big = await storeLargeNdarray({ container }, `${FLOW}/`, ELEMENTS);
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await azurite?.stop();
  });

  function readerThroughProxy(): ArtifactReader {
    const credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    const client = new BlobServiceClient(proxy.endpoint, credential).getContainerClient('big');
    return new ArtifactReader(new AzureObjectStore(client, proxy.endpoint, { kind: 'sharedKey', method: 'shared key' }), '');
  }

  it('previews from its first MiB: at most 2 MiB read from the service, and RSS rising less than 64 MiB', async () => {
    const before = proxy.received;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'test/harness/artifact-preview-child.ts'), proxy.endpoint, 'big', FLOW, big.sha, String(big.pickleBytes)],
      { cwd: repoRoot, maxBuffer: 16 * MIB },
    );
    const { rssGrowth, preview } = JSON.parse(stdout) as { rssGrowth: number; preview: JsonPreview };
    const read = proxy.received - before;
    expect(read).toBeGreaterThan(PREVIEW_RANGE_BYTES / 2);
    expect(read).toBeLessThanOrEqual(2 * MIB);
    expect(rssGrowth).toBeLessThan(64 * MIB);

    expect(preview.value).toMatchObject({ kind: 'ndarray', dtype: 'float64', shape: [ELEMENTS], size: ELEMENTS });
    const values = (preview.value as { values: { value: number }[] }).values;
    expect(values.length).toBe(200);
    expect(values.map((v) => v.value)).toEqual(values.map((_, i) => largeNdarrayElement(i)));
    expect(preview).toMatchObject({ complete: false, totalBytes: big.pickleBytes, loadable: false, blob: big.name });
  }, 60_000);

  it('refuses to load it whole, saying which blob to download, after reading only its first range', async () => {
    const reader = readerThroughProxy();
    const before = proxy.received;
    const error = await reader.preview(FLOW, entry(), true).then(() => undefined, (err: unknown) => err);
    expect(error).toMatchObject({ code: 'TOO_LARGE' });
    expect((error as Error).message).toContain(`1024.0 MiB of pickle, where Stratus loads at most ${WHOLE_PICKLE_BYTES / MIB}.0 MiB`);
    expect((error as { hint: string }).hint).toContain(big.name);
    await expect(reader.pickle(FLOW, big.sha, 'The artifact "big"')).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(proxy.received - before).toBeLessThan(2 * 8 * MIB + 64 * 1024);
  });

  it('reads ranges of a blob: the middle, the end, past the end, and a missing blob', async () => {
    const name = 'ranges/abc';
    await container.getBlockBlobClient(name).uploadData(Buffer.from('0123456789'));
    const store = new AzureObjectStore(container, azurite.endpoint, { kind: 'sharedKey', method: 'shared key' });
    expect(await store.readRange(name, 2, 3)).toEqual({ data: Buffer.from('234'), size: 10 });
    expect(await store.readRange(name, 8, 100)).toEqual({ data: Buffer.from('89'), size: 10 });
    expect(await store.readRange(name, 10, 5)).toEqual({ data: Buffer.alloc(0), size: 10 });
    expect(await store.readRange(name, 3, 0)).toEqual({ data: Buffer.alloc(0), size: 10 });
    await expect(store.readRange('ranges/missing', 0, 5)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
