import { RestError, type ContainerClient } from '@azure/storage-blob';
import type { AccessTier, BlobTier, RehydratePriority } from '../../shared/access-tier.js';
import type { CredentialInput } from '../../shared/contract.js';
import { createBlobClient, type ClientAuth, type Env, type IdentityProvider } from './blob-client.js';
import type { HierarchyListing, ListedObject, ObjectRange, ObjectStore } from '../storage/object-store.js';
import { toAzureError } from './errors.js';

const PAGE_SIZE = 5000;

export class AzureObjectStore implements ObjectStore {
  readonly description: string;

  constructor(
    private readonly container: ContainerClient,
    private readonly endpoint: string,
    private readonly auth: ClientAuth,
  ) {
    this.description = `container "${container.containerName}" at ${endpoint}`;
  }

  async listHierarchy(prefix: string, limit?: number): Promise<HierarchyListing> {
    const listing: HierarchyListing = { prefixes: [], objects: [] };
    try {
      const pages = this.container.listBlobsByHierarchy('/', { prefix }).byPage({ maxPageSize: Math.min(limit ?? PAGE_SIZE, PAGE_SIZE) });
      for await (const page of pages) {
        for (const p of page.segment.blobPrefixes ?? []) listing.prefixes.push(p.name);
        for (const b of page.segment.blobItems) {
          listing.objects.push({
            name: b.name,
            size: b.properties.contentLength ?? 0,
            lastModified: b.properties.lastModified,
            etag: b.properties.etag,
          });
        }
        if (limit !== undefined && listing.prefixes.length + listing.objects.length >= limit) break;
      }
    } catch (err) {
      throw this.failure(err, `listing "${prefix}"`);
    }
    return listing;
  }

  async listAll(prefix: string): Promise<ListedObject[]> {
    const objects: ListedObject[] = [];
    try {
      for await (const page of this.container.listBlobsFlat({ prefix }).byPage({ maxPageSize: PAGE_SIZE })) {
        for (const b of page.segment.blobItems) {
          objects.push({
            name: b.name,
            size: b.properties.contentLength ?? 0,
            lastModified: b.properties.lastModified,
            etag: b.properties.etag,
            ...(b.properties.accessTier === undefined ? {} : { tier: b.properties.accessTier }),
          });
        }
      }
    } catch (err) {
      throw this.failure(err, `listing "${prefix}"`);
    }
    return objects;
  }

  async read(name: string): Promise<Buffer> {
    try {
      return await this.container.getBlobClient(name).downloadToBuffer();
    } catch (err) {
      throw this.failure(err, `reading "${name}"`);
    }
  }

  async readRange(name: string, offset: number, length: number): Promise<ObjectRange> {
    try {
      return await this.downloadRange(name, offset, length);
    } catch (err) {
      throw this.failure(err, `reading "${name}"`);
    }
  }

  async tier(name: string): Promise<BlobTier> {
    try {
      const p = await this.container.getBlobClient(name).getProperties();
      return { accessTier: p.accessTier ?? null, archiveStatus: p.archiveStatus ?? null };
    } catch (err) {
      throw this.failure(err, `reading the tier of "${name}"`);
    }
  }

  async setTier(name: string, tier: AccessTier, priority: RehydratePriority): Promise<void> {
    try {
      await this.container.getBlobClient(name).setAccessTier(tier, { rehydratePriority: priority });
    } catch (err) {
      throw this.failure(err, `setting the tier of "${name}" to ${tier}`);
    }
  }

  private async downloadRange(name: string, offset: number, length: number): Promise<ObjectRange> {
    const blob = this.container.getBlobClient(name);
    const nothing = async () => ({ data: Buffer.alloc(0), size: (await blob.getProperties()).contentLength ?? 0 });
    // A count of 0 would mean "to the end" to the SDK, and a range starting past the end is refused (416).
    if (length <= 0) return nothing();
    let response;
    try {
      response = await blob.download(offset, length);
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 416) return nothing();
      throw err;
    }
    const data = await collect(response.readableStreamBody);
    // Content-Range: bytes <first>-<last>/<size>
    const size = Number(/\/(\d+)$/.exec(response.contentRange ?? '')?.[1] ?? offset + data.length);
    return { data, size };
  }

  private failure(err: unknown, action: string) {
    return toAzureError(err, {
      action,
      endpoint: this.endpoint,
      container: this.container.containerName,
      auth: this.auth,
    });
  }
}

async function collect(body: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body ?? []) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export function openContainerStore(endpoint: string, credential: CredentialInput, env: Env, identity: IdentityProvider, container: string) {
  const { client, auth } = createBlobClient(endpoint, credential, env, identity);
  return new AzureObjectStore(client.getContainerClient(container), endpoint, auth);
}
