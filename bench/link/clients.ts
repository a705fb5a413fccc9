import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { mapLimited } from '../../electron/core/limit.js';
import type { TransferEngine } from '../../electron/transfer/engine.js';

// The clients the link bench compares, each moving the same data: the engine, the SDK's helpers with
// their default options, and the SDK tuned as its documentation suggests for fast links (8 MiB
// blocks, many requests in flight). Small files: the defaults loop one by one; tuned, 32 in flight.
// uploadFile's defaults send a file of up to 256 MiB as one Put Blob, one connection.

const MiB = 1024 * 1024;
export const TUNED = { blockSize: 8 * MiB, concurrency: 32 };

export type ClientName = 'engine' | 'sdk' | 'tuned';
export const CLIENT_LABELS: Record<ClientName, string> = { engine: 'engine', sdk: 'SDK defaults', tuned: `SDK tuned (${TUNED.concurrency} in flight, 8 MiB blocks)` };

export interface Place {
  engine: TransferEngine;
  container: ContainerClient;
  target: { workspaceId: string; service: BlobServiceClient; endpoint: string; container: string };
}

export function uploadBig(place: Place, client: ClientName, file: string, blobName: string): Promise<void> {
  const blob = place.container.getBlockBlobClient(blobName);
  if (client === 'engine') return place.engine.enqueueUpload({ ...place.target, blobName, filePath: file }).then(() => place.engine.idle());
  if (client === 'sdk') return blob.uploadFile(file).then(() => undefined);
  // Without maxSingleShotSize a file up to 256 MiB would still go as one Put Blob on one connection.
  return blob.uploadFile(file, { blockSize: TUNED.blockSize, maxSingleShotSize: TUNED.blockSize, concurrency: TUNED.concurrency }).then(() => undefined);
}

export async function downloadBig(place: Place, client: ClientName, blobName: string, file: string): Promise<void> {
  const blob = place.container.getBlobClient(blobName);
  if (client === 'engine') {
    place.engine.enqueueDownload({ ...place.target, blobName, filePath: file });
    return place.engine.idle();
  }
  if (client === 'sdk') return blob.downloadToFile(file).then(() => undefined);
  // downloadToFile has no parallel form: the SDK's parallel download fills a buffer.
  const data = await blob.downloadToBuffer(0, undefined, { blockSize: TUNED.blockSize, concurrency: TUNED.concurrency });
  await writeFile(file, data);
}

export async function uploadSmall(place: Place, client: ClientName, folder: string, names: string[], prefix: string): Promise<void> {
  if (client === 'engine') {
    await Promise.all(names.map((name) => place.engine.enqueueUpload({ ...place.target, blobName: `${prefix}/${name}`, filePath: path.join(folder, name) })));
    return place.engine.idle();
  }
  const one = (name: string) => place.container.getBlockBlobClient(`${prefix}/${name}`).uploadFile(path.join(folder, name));
  if (client === 'sdk') for (const name of names) await one(name);
  else await mapLimited(names, TUNED.concurrency, one);
}

export async function downloadSmall(place: Place, client: ClientName, prefix: string, names: string[], folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  if (client === 'engine') {
    for (const name of names) place.engine.enqueueDownload({ ...place.target, blobName: `${prefix}/${name}`, filePath: path.join(folder, name) });
    return place.engine.idle();
  }
  const one = (name: string) => place.container.getBlobClient(`${prefix}/${name}`).downloadToFile(path.join(folder, name));
  if (client === 'sdk') for (const name of names) await one(name);
  else await mapLimited(names, TUNED.concurrency, one);
}

/** Every downloaded small file equals its source. */
export async function sameFiles(source: string, copy: string, names: string[]): Promise<boolean> {
  for (const name of names) {
    const [a, b] = await Promise.all([readFile(path.join(source, name)), readFile(path.join(copy, name))]);
    if (!a.equals(b)) return false;
  }
  return true;
}
