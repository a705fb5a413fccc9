import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { generateDatastore, type GenerateOptions } from '../electron/sample/metaflow-datastore.js';
import { startAzurite, type AzuriteInstance } from '../test/harness/azurite.js';
import { benchCacheRoot } from './cache-root.js';

// The cold-open benches' flow in an Azurite that keeps its data on disk, made once per run count and shape and
// reused: a 1,000-run flow is ~18,000 blobs, minutes of writes into Azurite on a loaded machine, while the
// benches only read it. Kept outside the repo and the temp folder (STRATUS_BENCH_CACHE, else
// ~/.cache/stratus-bench, as the tracking-server bench keeps its store). A generation cut short leaves no `done`
// file and is made again from an empty container.

export interface CachedFlow {
  azurite: AzuriteInstance;
  blobs: number;
  casBlobs: number;
  /** Seconds the generation took now; null when the cached flow was reused. */
  generatedInS: number | null;
}

interface Made {
  blobs: number;
  casBlobs: number;
}

export async function cachedColdFlow(container: string, options: GenerateOptions): Promise<CachedFlow> {
  const shape = `${options.runs}-${options.stepsPerRun ?? 'd'}-${options.artifactsPerTask ?? 'd'}-${options.retryEvery ?? 'd'}`;
  const store = path.join(benchCacheRoot(), 'metaflow-cold', `${options.flow}-${shape}`);
  const doneFile = path.join(store, 'done.json');
  mkdirSync(path.join(store, 'azurite'), { recursive: true });
  const azurite = await startAzurite({ location: path.join(store, 'azurite') });
  try {
    if (existsSync(doneFile)) return { azurite, ...(JSON.parse(readFileSync(doneFile, 'utf8')) as Made), generatedInS: null };
    const admin = new BlobServiceClient(azurite.endpoint, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey)).getContainerClient(container);
    await admin.deleteIfExists();
    await admin.create();
    const started = performance.now();
    const generated = await generateDatastore({ container: admin }, options);
    const made: Made = { blobs: generated.blobs, casBlobs: generated.casBlobs };
    writeFileSync(doneFile, JSON.stringify(made));
    return { azurite, ...made, generatedInS: (performance.now() - started) / 1000 };
  } catch (err) {
    await azurite.stop();
    throw err;
  }
}

