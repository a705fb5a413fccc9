import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { BlobServiceClient } from '@azure/storage-blob';
import { StratusError } from '../../../shared/errors.js';
import { sysrootBlobPrefix } from '../../../shared/sysroot.js';
import { parseWasbs } from '../../../shared/wasbs.js';
import { toAzureError } from '../../azure/errors.js';
import { AzureObjectDeleter } from '../../storage/azure-object-deleter.js';
import { LocalObjectDeleter } from '../../storage/local-object-deleter.js';
import { LocalObjectStore } from '../../storage/local-object-store.js';
import type { DeleteRequest, ObjectDeleter } from '../../storage/object-deleter.js';
import type { ListedObject } from '../../storage/object-store.js';
import { versionOf } from '../metaflow/scan.js';

// Where an MLflow artifact URI points, as something to list and delete from: wasbs:// through the
// workspace's Azure access (its service client, so one token cache and the workspace's endpoint,
// as MLflow lets the connection string's endpoint win), or a local path / file:// URI.

export interface ArtifactFile {
  /** Relative to the location. */
  path: string;
  size: number;
  etag: string;
  lastModified: number | null;
}

export interface ArtifactLocation {
  list(): Promise<ArtifactFile[]>;
  /** Deletes by paths relative to the location. */
  deleter: ObjectDeleter;
}

export function resolveArtifactUri(uri: string, azure: BlobServiceClient | undefined): ArtifactLocation {
  if (/^wasbs?:\/\//i.test(uri)) {
    const parsed = parseWasbs(uri);
    if (!parsed.ok) throw new StratusError({ code: 'INVALID_ARGUMENT', message: `Artifact URI ${uri}: ${parsed.errors.join(' ')}` });
    if (!azure) {
      throw new StratusError({ code: 'INVALID_ARGUMENT', message: `Artifacts at ${uri} are in Azure, but this workspace has no Azure access.` });
    }
    if (azure.accountName !== '' && azure.accountName !== parsed.value.account) {
      throw new StratusError({
        code: 'FORBIDDEN',
        message: `Artifacts at ${uri} are in storage account "${parsed.value.account}", but this workspace is connected to "${azure.accountName}".`,
      });
    }
    const container = azure.getContainerClient(parsed.value.container);
    const prefix = sysrootBlobPrefix(parsed.value);
    const blobs = new AzureObjectDeleter(container, 16);
    return {
      async list() {
        const files: ArtifactFile[] = [];
        try {
          for await (const page of container.listBlobsFlat({ prefix }).byPage({ maxPageSize: 5000 })) {
            for (const b of page.segment.blobItems) {
              files.push({ path: b.name.slice(prefix.length), size: b.properties.contentLength ?? 0, etag: b.properties.etag ?? '', lastModified: b.properties.lastModified?.getTime() ?? null });
            }
          }
        } catch (err) {
          throw toAzureError(err, { action: `listing the artifacts at ${uri}`, endpoint: azure.url, container: parsed.value.container });
        }
        return files;
      },
      deleter: {
        batchSize: blobs.batchSize,
        deleteMany: (requests: readonly DeleteRequest[]) => blobs.deleteMany(requests.map((r) => ({ ...r, name: prefix + r.name }))),
      },
    };
  }
  const folder = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  if (!path.isAbsolute(folder)) throw new StratusError({ code: 'INVALID_ARGUMENT', message: `Artifact location ${uri} is neither a wasbs:// URI nor an absolute path.` });
  return localLocation(folder);
}

function localLocation(folder: string): ArtifactLocation {
  const store = new LocalObjectStore(folder);
  return {
    async list() {
      const listed: ListedObject[] = await store.listAll('');
      return listed.map((o) => ({ path: o.name, size: o.size, etag: versionOf(o), lastModified: o.lastModified?.getTime() ?? null }));
    },
    deleter: new LocalObjectDeleter(folder),
  };
}
