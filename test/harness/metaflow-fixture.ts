import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobServiceClient } from '@azure/storage-blob';
import { Parser, type ReadEntry } from 'tar';
import { z } from 'zod';
import { fixtureDir } from './repo.js';

// Loads the shared Metaflow fixture (real blobs written by Metaflow into Azurite) into a container,
// byte for byte and with the recorded content type and metadata, so tests read exactly what Metaflow wrote.

export const MANIFEST_PATH = path.join(fixtureDir, 'manifest.json');
export const CONTAINER_TAR_PATH = path.join(fixtureDir, 'container.tar.gz');

const UPLOAD_CONCURRENCY = 16;

export interface ManifestBlob {
  name: string;
  size: number;
  content_type: string | null;
  content_encoding: string | null;
  content_md5_b64: string | null;
  blob_type: string;
  etag: string;
  creation_time: string;
  last_modified: string;
  metadata: Record<string, string>;
}

export interface Manifest {
  /** `<container>/<prefix>` as METAFLOW_DATASTORE_SYSROOT_AZURE was set. */
  datastore_sysroot_azure: string;
  card_azureroot: string;
  metaflow_version: string;
  container: string;
  account: string;
  captured_at: string;
  blob_count: number;
  total_bytes: number;
  blobs: ManifestBlob[];
}

const ManifestBlobSchema = z.object({
  name: z.string().min(1),
  size: z.number().int().nonnegative(),
  content_type: z.string().nullable(),
  content_encoding: z.string().nullable(),
  content_md5_b64: z.string().nullable(),
  blob_type: z.string(),
  etag: z.string(),
  creation_time: z.string(),
  last_modified: z.string(),
  metadata: z.record(z.string(), z.string()),
});

const ManifestSchema = z.object({
  datastore_sysroot_azure: z.string(),
  card_azureroot: z.string(),
  metaflow_version: z.string(),
  container: z.string(),
  account: z.string(),
  captured_at: z.string(),
  blob_count: z.number().int().nonnegative(),
  total_bytes: z.number().int().nonnegative(),
  blobs: z.array(ManifestBlobSchema),
});

/** `dir`: another fixture set of the same shape (the metaflow-service one); default the shared Metaflow fixture. */
export async function readManifest(dir?: string): Promise<Manifest> {
  const file = dir === undefined ? MANIFEST_PATH : path.join(dir, 'manifest.json');
  const manifest: Manifest = ManifestSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  if (manifest.blobs.length !== manifest.blob_count) {
    throw new Error(`manifest.json lists ${manifest.blobs.length} blobs but says blob_count ${manifest.blob_count}.`);
  }
  return manifest;
}

/**
 * Every blob in container.tar.gz, by blob name (the tar path without its leading `<container>/`).
 * The whole set is ~10 MB, small enough to hold in memory.
 */
export async function readFixtureBlobs(dir?: string): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  const pending: Promise<void>[] = [];
  const parser = new Parser({
    onReadEntry(entry: ReadEntry) {
      if (entry.type !== 'File') {
        entry.resume();
        return;
      }
      const slash = entry.path.indexOf('/');
      const name = slash < 0 ? '' : entry.path.slice(slash + 1);
      pending.push(
        entry.concat().then((body) => {
          if (name === '') throw new Error(`Tar entry "${entry.path}" is not inside a container directory.`);
          blobs.set(name, body);
        }),
      );
    },
  });
  await pipeline(createReadStream(dir === undefined ? CONTAINER_TAR_PATH : path.join(dir, 'container.tar.gz')), parser);
  await Promise.all(pending);
  return blobs;
}

function md5(body: Buffer): string {
  return createHash('md5').update(body).digest('base64');
}

/** Fails loudly if the tar and the manifest disagree, so a broken fixture cannot pass as an app bug. */
function checkAgainstManifest(manifest: Manifest, blobs: Map<string, Buffer>): void {
  const problems: string[] = [];
  const listed = new Set(manifest.blobs.map((b) => b.name));
  for (const name of blobs.keys()) if (!listed.has(name)) problems.push(`in the tar but not the manifest: ${name}`);
  for (const blob of manifest.blobs) {
    const body = blobs.get(blob.name);
    if (body === undefined) problems.push(`in the manifest but not the tar: ${blob.name}`);
    else if (body.length !== blob.size) problems.push(`size ${body.length} != manifest ${blob.size}: ${blob.name}`);
    else if (blob.content_md5_b64 !== null && md5(body) !== blob.content_md5_b64) problems.push(`MD5 differs: ${blob.name}`);
  }
  if (problems.length > 0) throw new Error(`The Metaflow fixture is inconsistent:\n${problems.slice(0, 20).join('\n')}`);
}

/** Replaces the container part (before the first '/') of a `<container>/<prefix>` root. */
function withContainer(root: string, container: string): string {
  const slash = root.indexOf('/');
  return slash < 0 ? container : `${container}${root.slice(slash)}`;
}

async function runLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface LoadedFixture {
  container: string;
  /** `<container>/<prefix>`, to give to workspace.open. */
  sysroot: string;
  cardRoot: string;
  manifest: Manifest;
}

/** `service` is a connection string, or a client built for cases a connection string cannot express (a private CA). */
export async function loadMetaflowFixture(service: string | BlobServiceClient, opts: { container?: string; dir?: string } = {}): Promise<LoadedFixture> {
  const [manifest, blobs] = await Promise.all([readManifest(opts.dir), readFixtureBlobs(opts.dir)]);
  checkAgainstManifest(manifest, blobs);
  const container = opts.container ?? manifest.container;
  const serviceClient = typeof service === 'string' ? BlobServiceClient.fromConnectionString(service) : service;
  const client = serviceClient.getContainerClient(container);
  await client.createIfNotExists();
  await runLimited(manifest.blobs, UPLOAD_CONCURRENCY, async (blob) => {
    const body = blobs.get(blob.name) ?? Buffer.alloc(0);
    await client.getBlockBlobClient(blob.name).uploadData(body, {
      blobHTTPHeaders: {
        blobContentType: blob.content_type ?? undefined,
        blobContentEncoding: blob.content_encoding ?? undefined,
        blobContentMD5: blob.content_md5_b64 === null ? undefined : Buffer.from(blob.content_md5_b64, 'base64'),
      },
      metadata: blob.metadata,
    });
  });
  return {
    container,
    sysroot: withContainer(manifest.datastore_sysroot_azure, container),
    cardRoot: withContainer(manifest.card_azureroot, container),
    manifest,
  };
}
