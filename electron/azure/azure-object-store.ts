import type { ContainerClient } from '@azure/storage-blob';
import type { CredentialInput } from '../../shared/contract.js';
import { createBlobClient, type ClientAuth, type Env, type IdentityProvider } from './blob-client.js';
import type { HierarchyListing, ListedObject, ObjectStore } from '../storage/object-store.js';
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

  async listHierarchy(prefix: string): Promise<HierarchyListing> {
    const listing: HierarchyListing = { prefixes: [], objects: [] };
    try {
      const pages = this.container.listBlobsByHierarchy('/', { prefix }).byPage({ maxPageSize: PAGE_SIZE });
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
          objects.push({ name: b.name, size: b.properties.contentLength ?? 0, lastModified: b.properties.lastModified, etag: b.properties.etag });
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

  private failure(err: unknown, action: string) {
    return toAzureError(err, {
      action,
      endpoint: this.endpoint,
      container: this.container.containerName,
      auth: this.auth,
    });
  }
}

export function openContainerStore(endpoint: string, credential: CredentialInput, env: Env, identity: IdentityProvider, container: string) {
  const { client, auth } = createBlobClient(endpoint, credential, env, identity);
  return new AzureObjectStore(client.getContainerClient(container), endpoint, auth);
}
