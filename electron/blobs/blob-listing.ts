import type { BlobItem, BlobServiceClient } from '@azure/storage-blob';
import type { BlobContainers, BlobEntry, BlobListing } from '../../shared/schemas/blobs.js';
import type { AzureAccess } from '../azure/azure-access.js';
import { toAzureError } from '../azure/errors.js';

// One level of a container below a prefix, a page at a time, through the workspace's own
// authenticated service client (one token cache for browsing, transfers and the datastore).

/** Entries per page: a screenful many times over, and one Azure round trip. */
export const PAGE_SIZE = 1000;
/** Containers of an account listed at most; an account with more is not browsed by picking from a list. */
const MAX_CONTAINERS = 5000;

/** Listings may give an etag bare; headers (and If-Match conditions) carry it quoted. One form for both. */
function quotedEtag(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/** A service-reported label, dropped when absent or longer than any real one. */
function bounded(value: string | undefined, max: number): string | null {
  return value !== undefined && value.length <= max ? value : null;
}

/** A listed blob as the browser shows it. */
export function blobEntry(b: BlobItem): BlobEntry {
  return {
    name: b.name,
    size: b.properties.contentLength ?? 0,
    lastModified: b.properties.lastModified?.getTime() ?? null,
    etag: b.properties.etag ? quotedEtag(b.properties.etag) : null,
    contentType: b.properties.contentType ?? null,
    accessTier: bounded(b.properties.accessTier, 32),
    archiveStatus: bounded(b.properties.archiveStatus, 64),
  };
}

async function accountContainers(service: BlobServiceClient): Promise<string[]> {
  const names: string[] = [];
  for await (const page of service.listContainers().byPage({ maxPageSize: MAX_CONTAINERS })) {
    for (const item of page.containerItems) names.push(item.name);
    if (names.length >= MAX_CONTAINERS) break;
  }
  return names.sort();
}

export async function listContainers(azure: AzureAccess): Promise<BlobContainers> {
  try {
    const containers = await accountContainers(azure.service);
    if (!containers.includes(azure.container)) containers.push(azure.container);
    return { containers: containers.sort(), current: azure.container, listProblem: null };
  } catch (err) {
    const failure = toAzureError(err, { action: 'listing the containers of the account', endpoint: azure.endpoint });
    // A container SAS or a role scoped to one container still browses that container.
    if (failure.code === 'FORBIDDEN' || failure.code === 'AUTH_FAILED') {
      const problem =
        `This credential may not list the account's containers (${failure.message}); only "${azure.container}" is offered. ` +
        'A container SAS, or a role assigned on one container, allows no more.';
      return { containers: [azure.container], current: azure.container, listProblem: problem };
    }
    throw failure;
  }
}

export async function listLevel(azure: AzureAccess, container: string, prefix: string, pageToken?: string): Promise<BlobListing> {
  const client = azure.service.getContainerClient(container);
  try {
    const pages = client.listBlobsByHierarchy('/', { prefix }).byPage({ maxPageSize: PAGE_SIZE, continuationToken: pageToken });
    const next = await pages.next();
    if (next.done === true) return { container, prefix, prefixes: [], blobs: [], nextPageToken: null };
    const page = next.value;
    return {
      container,
      prefix,
      prefixes: (page.segment.blobPrefixes ?? []).map((p) => p.name),
      blobs: page.segment.blobItems.map(blobEntry),
      nextPageToken: page.continuationToken ? page.continuationToken : null,
    };
  } catch (err) {
    throw toAzureError(err, { action: `listing "${prefix}" in container "${container}"`, endpoint: azure.endpoint, container });
  }
}
