import { z } from 'zod';
import { hasControlCharacters } from '../sysroot.js';
import { Id } from './common.js';
import { BlobPrefix, ContainerName } from './transfer.js';

// Browsing the blobs of an Azure workspace's storage account: containers, and one level of a
// container below a prefix ('/'-delimited, like folders), a page at a time. Container and prefix
// rules are the transfer engine's, so whatever the browser shows can be downloaded or uploaded to.

/** Continuation tokens are opaque markers from Azure; real ones are far shorter. */
const MAX_PAGE_TOKEN = 2048;

export const PageToken = z
  .string()
  .min(1, 'A page token must not be empty')
  .max(MAX_PAGE_TOKEN, 'A page token is too long')
  .refine((s) => !hasControlCharacters(s), 'A page token must not contain control characters');

export const BlobContainersRequest = z.object({ workspaceId: Id }).strict();

export const BlobContainers = z.object({
  /** Containers of the account, sorted; only the workspace's own when the credential may not list the account. */
  containers: z.array(z.string()),
  /** The workspace's own container (of its sysroot), the one to open first. */
  current: z.string(),
  /** Why the account's containers could not be listed (a container SAS, a role scoped to one container). */
  listProblem: z.string().nullable(),
});
export type BlobContainers = z.infer<typeof BlobContainers>;

export const BlobListRequest = z
  .object({ workspaceId: Id, container: ContainerName, prefix: BlobPrefix, pageToken: PageToken.optional() })
  .strict();
export type BlobListRequest = z.infer<typeof BlobListRequest>;

export const BlobEntry = z.object({
  name: z.string(),
  size: z.number().int().nonnegative(),
  /** Epoch milliseconds. */
  lastModified: z.number().nullable(),
  etag: z.string().nullable(),
  contentType: z.string().nullable(),
  /** Hot, Cool, Cold or Archive as listed; null where the service reports none. */
  accessTier: z.string().max(32).nullable(),
  /** e.g. 'rehydrate-pending-to-hot' while a rehydration from Archive runs, else null. */
  archiveStatus: z.string().max(64).nullable(),
});
export type BlobEntry = z.infer<typeof BlobEntry>;

export const BlobListing = z.object({
  container: z.string(),
  prefix: z.string(),
  /** Child "folders" on this page, each ending in '/'. */
  prefixes: z.array(z.string()),
  blobs: z.array(BlobEntry),
  /** Set when more entries follow: pass it back as `pageToken`. */
  nextPageToken: z.string().nullable(),
});
export type BlobListing = z.infer<typeof BlobListing>;
