import { pathToFileURL } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';

// A process that does nothing but the engine's 1 GiB upload and download, so its peak RSS is the
// engine's alone (the bench process also holds what the other clients left for the collector). The
// engine is the compiled one, as the app runs it: its hashing threads then load no TypeScript loader.
// argv: <compiled engine.js> <connection string> <endpoint> <container> <file> <blob> <download path>
// Prints one JSON line: RSS before the transfers, the peak after the upload and at the end, in bytes.

const [engineJs, connectionString, endpoint, container, filePath, blobName, downloadPath] = process.argv.slice(2);
const { TransferEngine } = (await import(pathToFileURL(engineJs).href)) as typeof import('../../electron/transfer/engine.js');
const service = BlobServiceClient.fromConnectionString(connectionString);
const engine = new TransferEngine();
const target = { workspaceId: 'memory', service, endpoint, container, blobName };
// Loading the SDK's modules is not the engine's memory: one request first, then the baseline.
await service.getContainerClient(container).exists();
const before = process.memoryUsage.rss();
const t0 = performance.now();
await engine.enqueueUpload({ ...target, filePath });
await engine.idle();
const afterUpload = process.resourceUsage().maxRSS * 1024;
const t1 = performance.now();
engine.enqueueDownload({ ...target, filePath: downloadPath });
await engine.idle();
const t2 = performance.now();
const failed = engine.list().jobs.filter((job) => job.state !== 'done');
engine.close();
process.stdout.write(`${JSON.stringify({ up: (t1 - t0) / 1000, down: (t2 - t1) / 1000, before, afterUpload, peak: process.resourceUsage().maxRSS * 1024, failed: failed.map((j) => j.error?.message ?? j.state) })}\n`);
