import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AzureObjectStore } from '../../electron/azure/azure-object-store.js';
import { PIPELINE_OPTIONS } from '../../electron/azure/blob-client.js';
import { ArtifactReader } from '../../electron/metaflow/artifacts.js';
import { NDARRAY_TYPE } from '../../electron/sample/python-values.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME } from './azurite.js';

// Previews one artifact as the app's main process does, in a process that does nothing else, and
// prints how long it took and how far the process's RSS rose meanwhile (sampled every few ms).
// Usage: artifact-preview-child <endpoint> <container> <flow> <sha> <pickle bytes>

const [endpoint, container, flow, sha, size] = process.argv.slice(2);
const client = new BlobServiceClient(endpoint, new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY), PIPELINE_OPTIONS);
const store = new AzureObjectStore(client.getContainerClient(container), endpoint, { kind: 'sharedKey', method: 'shared key' });
const reader = new ArtifactReader(store, '');
const entry = { name: 'big', sha, size: Number(size), type: NDARRAY_TYPE, encoding: 'gzip+pickle-v4' };

// One small request first, so the HTTP stack and SDK pipeline are loaded before the baseline.
await store.readRange(reader.blobName(flow, sha), 0, 2);
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
const started = performance.now();
const preview = await reader.preview(flow, entry, false);
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
process.stdout.write(`${JSON.stringify({ ms, rssGrowth: peak - before, preview })}\n`);
