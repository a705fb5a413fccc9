import { z } from 'zod';
import { Json } from '../json.js';
import { hasControlCharacters } from '../sysroot.js';
import { Id } from './common.js';
import { BlobEntry, PageToken } from './blobs.js';
import { BlobName, BlobPrefix, ContainerName } from './transfer.js';

// One blob looked at closely (its properties, a bounded preview of its content), deleting a
// selection, and finding blobs by name below a prefix: the blob browser's side panel and toolbar.

export const BlobRequest = z.object({ workspaceId: Id, container: ContainerName, blob: BlobName }).strict();
export type BlobRequest = z.infer<typeof BlobRequest>;

export const BlobProperties = z.object({
  name: z.string(),
  size: z.number().int().nonnegative(),
  contentType: z.string().nullable(),
  contentEncoding: z.string().nullable(),
  /** Base64, as Azure stores it; null when the uploader set none (large block uploads often do not). */
  contentMd5: z.string().nullable(),
  etag: z.string().nullable(),
  blobType: z.string().nullable(),
  accessTier: z.string().nullable(),
  /** True when the tier is the account's default rather than set on the blob. */
  accessTierInferred: z.boolean(),
  /** Rehydration in progress out of Archive (e.g. 'rehydrate-pending-to-hot'), else null. */
  archiveStatus: z.string().nullable(),
  leaseState: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  /** Epoch milliseconds. */
  createdOn: z.number().nullable(),
  lastModified: z.number().nullable(),
});
export type BlobProperties = z.infer<typeof BlobProperties>;

/** How much of the blob a preview read, so the panel can say what it left out. */
const Extent = { bytesRead: z.number().int().nonnegative(), totalBytes: z.number().int().nonnegative() };

export const BlobPreview = z.discriminatedUnion('kind', [
  /** `format` picks the view: JSON pretty-printed (when whole), CSV/TSV as a table, else plain text. */
  z.object({ kind: z.literal('text'), format: z.enum(['text', 'json', 'csv', 'tsv']), text: z.string(), ...Extent }),
  z.object({ kind: z.literal('image'), mimeType: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml']), base64: z.string(), ...Extent }),
  z.object({
    kind: z.literal('parquet'),
    columns: z.array(z.object({ name: z.string(), type: z.string() })),
    /** The first rows, each cell as text. */
    rows: z.array(z.array(z.string())),
    rowCount: z.number().int().nonnegative(),
    rowGroups: z.number().int().nonnegative(),
    /** Why no rows (or fewer) are shown: a codec Stratus lacks, a first row group beyond the preview's budget. */
    note: z.string().nullable(),
    ...Extent,
  }),
  /** A Python pickle (a Metaflow artifact, gzipped or not) through the artifact decoder; `value` is a PreviewValue. */
  z.object({ kind: z.literal('pickle'), value: Json, complete: z.boolean(), ...Extent }),
  z.object({ kind: z.literal('none'), reason: z.string(), ...Extent }),
]);
export type BlobPreview = z.infer<typeof BlobPreview>;

/** At most this many blobs per delete call: one screenful of selection many times over. */
export const MAX_DELETE = 1000;

/** The container's name typed by the user to confirm a change that cannot be taken back at once. */
export const TypedContainer = z
  .string()
  .min(1, "Type the container's name to confirm")
  .max(63, 'A container name has at most 63 characters')
  .refine((s) => !hasControlCharacters(s), 'A container name has no control characters');

export const DeleteBlobsRequest = z
  .object({
    workspaceId: Id,
    container: ContainerName,
    /** Each with the etag the user saw: a blob changed since is kept, not deleted. */
    blobs: z
      .array(z.object({ name: BlobName, etag: z.string().max(256).refine((s) => !hasControlCharacters(s), 'An etag has no control characters').nullable() }).strict())
      .max(MAX_DELETE, `At most ${MAX_DELETE} blobs per delete`),
    /** Folders (ending in '/'), each with every blob below it as listed when the delete starts. */
    folders: z
      .array(BlobPrefix.refine((s) => s.endsWith('/'), 'A folder ends with "/"'))
      .max(MAX_DELETE, `At most ${MAX_DELETE} folders per delete`)
      .optional(),
    /** The container's name, typed by the user. */
    typedContainer: TypedContainer,
  })
  .strict();
export type DeleteBlobsRequest = z.infer<typeof DeleteBlobsRequest>;

/** Blobs below the selected folders deleted in one call at most; a larger folder is refused before anything is deleted. */
export const MAX_FOLDER_BLOBS = 5000;

export const DeleteBlobsResult = z.object({
  deleted: z.array(z.string()),
  /** Blobs kept, each with why (changed since listed, refused, already gone is counted as deleted). */
  kept: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type DeleteBlobsResult = z.infer<typeof DeleteBlobsResult>;

export const DeletePolicyRequest = z.object({ workspaceId: Id }).strict();

/** The account's soft delete for blobs, as "Delete" must state it before anything goes. */
export const DeletePolicy = z.object({
  state: z.enum(['enabled', 'disabled', 'unknown']),
  /** Days a deleted blob can be undeleted, when enabled. */
  days: z.number().int().nullable(),
  /** Why the state is unknown (the credential may not read the account's properties, the emulator has none). */
  detail: z.string().nullable(),
});
export type DeletePolicy = z.infer<typeof DeletePolicy>;

export const BlobSearchRequest = z
  .object({
    workspaceId: Id,
    container: ContainerName,
    prefix: BlobPrefix,
    /** Part of a name below the prefix, matched case-insensitively. */
    query: z
      .string()
      .min(1, 'Type part of a name to search for')
      .max(256, 'A search is at most 256 characters')
      .refine((s) => !hasControlCharacters(s), 'A search must not contain control characters'),
    pageToken: PageToken.optional(),
  })
  .strict();
export type BlobSearchRequest = z.infer<typeof BlobSearchRequest>;

export const BlobSearchPage = z.object({
  matches: z.array(BlobEntry),
  /** Blobs looked at on this page, matching or not. */
  scanned: z.number().int().nonnegative(),
  /** Set when more blobs below the prefix are still to be looked at. */
  nextPageToken: z.string().nullable(),
});
export type BlobSearchPage = z.infer<typeof BlobSearchPage>;
