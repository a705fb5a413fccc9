import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { BlobSearchPage } from '../../../shared/schemas/blob-details.js';
import type { BlobEntry, BlobListing } from '../../../shared/schemas/blobs.js';
import { call } from '../api/client.js';

// The blob browser's cache entries. Keys start with the channel and the workspace id, like the
// Metaflow views', so refreshing a workspace's blobs is one prefix match.

export const containersQuery = (workspaceId: string) =>
  queryOptions({
    queryKey: ['blobs.containers', workspaceId],
    queryFn: () => call('blobs.containers', { workspaceId }),
  });

export const levelQuery = (workspaceId: string, container: string, prefix: string) =>
  infiniteQueryOptions({
    queryKey: ['blobs.list', workspaceId, container, prefix],
    queryFn: ({ pageParam }) => call('blobs.list', { workspaceId, container, prefix, pageToken: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: BlobListing) => last.nextPageToken ?? undefined,
  });

/** The key prefix of every listing of one container (refreshed after an upload into it ends). */
export const containerLevelsKey = (workspaceId: string, container: string) => ['blobs.list', workspaceId, container] as const;

export type Row = { kind: 'prefix'; name: string } | { kind: 'blob'; name: string; blob: BlobEntry };

/** The loaded pages as rows: child prefixes first, then blobs, each in name order as Azure gave them. */
export function rowsOf(pages: BlobListing[]): Row[] {
  const prefixes: Row[] = [];
  const blobs: Row[] = [];
  for (const page of pages) {
    for (const name of page.prefixes) prefixes.push({ kind: 'prefix', name });
    for (const blob of page.blobs) blobs.push({ kind: 'blob', name: blob.name, blob });
  }
  return [...prefixes, ...blobs];
}

/** The last segment of a blob or prefix name: what a row shows. */
export function leafName(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

export const propertiesQuery = (workspaceId: string, container: string, blob: string) =>
  queryOptions({
    queryKey: ['blobs.properties', workspaceId, container, blob],
    queryFn: () => call('blobs.properties', { workspaceId, container, blob }),
  });

export const previewQuery = (workspaceId: string, container: string, blob: string) =>
  queryOptions({
    queryKey: ['blobs.preview', workspaceId, container, blob],
    queryFn: () => call('blobs.preview', { workspaceId, container, blob }),
    // A preview is up to a few MiB: read again when looked at again rather than kept.
    gcTime: 30_000,
  });

export const deletePolicyQuery = (workspaceId: string) =>
  queryOptions({
    queryKey: ['blobs.deletePolicy', workspaceId],
    queryFn: () => call('blobs.deletePolicy', { workspaceId }),
  });

export const searchQuery = (workspaceId: string, container: string, prefix: string, query: string) =>
  infiniteQueryOptions({
    queryKey: ['blobs.search', workspaceId, container, prefix, query],
    queryFn: ({ pageParam }) => call('blobs.search', { workspaceId, container, prefix, query, pageToken: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: BlobSearchPage) => last.nextPageToken ?? undefined,
  });

/** Search pages as rows of the list. */
export function searchRows(pages: BlobSearchPage[]): Row[] {
  return pages.flatMap((page) => page.matches.map((blob): Row => ({ kind: 'blob', name: blob.name, blob })));
}
