import type { BlobSearchPage, BlobSearchRequest } from '../../shared/schemas/blob-details.js';
import type { AzureAccess } from '../azure/azure-access.js';
import { toAzureError } from '../azure/errors.js';
import { blobEntry } from './blob-listing.js';

// Name search below a prefix. Blob Storage filters names only by prefix, so a search lists every
// blob below it (flat, at any depth) and keeps those whose name past the prefix contains the query,
// case-insensitively: one listing page per call, so a search of millions of blobs shows matches as
// it goes and can be stopped.

/** Blobs listed per call: one Azure page. */
export const SEARCH_PAGE = 5000;

export async function searchBlobs(azure: AzureAccess, request: BlobSearchRequest): Promise<BlobSearchPage> {
  const { container, prefix, query, pageToken } = request;
  const needle = query.toLowerCase();
  try {
    const pages = azure.service.getContainerClient(container).listBlobsFlat({ prefix }).byPage({ maxPageSize: SEARCH_PAGE, continuationToken: pageToken });
    const next = await pages.next();
    if (next.done === true) return { matches: [], scanned: 0, nextPageToken: null };
    const items = next.value.segment.blobItems;
    return {
      matches: items.filter((b) => b.name.slice(prefix.length).toLowerCase().includes(needle)).map(blobEntry),
      scanned: items.length,
      nextPageToken: next.value.continuationToken ? next.value.continuationToken : null,
    };
  } catch (err) {
    throw toAzureError(err, { action: `searching "${prefix}" in container "${container}"`, endpoint: azure.endpoint, container, auth: azure.auth });
  }
}
