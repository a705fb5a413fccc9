import { z } from 'zod';
import { hasControlCharacters } from '../sysroot.js';
import { Id, withinListBudget } from './common.js';
import { ArtifactPath, MlflowRunId } from './mlflow.js';

// Transfers between this computer and Blob Storage: the jobs the engine in main runs, as the
// activity panel and the CLI see them.

/** Azure container names: 3–63 lowercase letters, digits and single hyphens. */
export const ContainerName = z
  .string()
  .min(3, 'A container name has at least 3 characters')
  .max(63, 'A container name has at most 63 characters')
  .regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/, 'A container name is lowercase letters, digits and single hyphens');

/** A blob name, or the start of one: no control characters, no empty or '.'/'..' segments. */
const blobPath = (what: string, allowEmpty: boolean) =>
  z
    .string()
    .min(allowEmpty ? 0 : 1, `${what} must not be empty`)
    .max(1024, `${what} is too long (Azure allows 1,024 characters)`)
    .refine((s) => !hasControlCharacters(s), `${what} must not contain control characters`)
    .refine((s) => !s.includes('\\'), `${what} must use "/" as its separator`)
    .refine((s) => !s.startsWith('/'), `${what} must not start with "/"`)
    .refine(
      (s) => s.replace(/\/$/, '').split('/').every((seg) => s === '' || (seg !== '' && seg !== '.' && seg !== '..')),
      `${what} must not have empty, "." or ".." segments`,
    );

export const BlobName = blobPath('A blob name', false);
/** '' for the container's root; otherwise segments, a trailing '/' allowed. */
export const BlobPrefix = blobPath('A prefix', true);

/** An absolute local path (POSIX `/…` or Windows `C:\…`), as Electron gives for dropped files. */
export const LocalPath = z
  .string()
  .min(1, 'A local path must not be empty')
  .max(4096, 'A local path is too long')
  .refine((s) => !hasControlCharacters(s), 'A local path must not contain control characters')
  .refine((s) => s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\'), 'A local path must be absolute')
  .refine((s) => !s.split(/[\\/]/).includes('..'), 'A local path must not have ".." segments');

/** Where a dropped file goes under the prefix: its path relative to what was dropped, '/'-separated. */
export const RelativeName = blobPath('A relative name', false).refine((s) => !s.endsWith('/'), 'A relative name must name a file');

export const TransferKind = z.enum(['upload', 'download']);
export type TransferKind = z.infer<typeof TransferKind>;

export const TransferState = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled', 'conflict']);
export type TransferState = z.infer<typeof TransferState>;

export const ConflictChoice = z.enum(['skip', 'overwrite', 'keepBoth']);
export type ConflictChoice = z.infer<typeof ConflictChoice>;

/** The blob already there when an upload found its name taken. */
export const ConflictInfo = z.object({
  etag: z.string(),
  size: z.number().int().nonnegative(),
  lastModified: z.string().nullable(),
});
export type ConflictInfo = z.infer<typeof ConflictInfo>;

/** Longest retry reason a job carries: the message is cut to it. */
export const RETRY_REASON_MAX = 1000;

export const TransferJob = z.object({
  id: Id,
  kind: TransferKind,
  workspaceId: z.string(),
  /** Upload: the local file; download: `<container>/<blob>`. */
  source: z.string(),
  /** Upload: `<container>/<blob>`; download: the local file. */
  target: z.string(),
  container: z.string(),
  blobName: z.string(),
  localPath: z.string(),
  bytes: z.number().int().nonnegative(),
  bytesDone: z.number().int().nonnegative(),
  /** Bytes per second over the last few seconds. */
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  state: TransferState,
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  conflict: ConflictInfo.nullable(),
  /** How a conflict was settled, once it was. */
  resolution: ConflictChoice.nullable(),
  /** Requests sent again after throttling or a network failure. */
  retries: z.number().int().nonnegative(),
  /** Why a request was last sent again (throttling, a dropped or stalled connection); null before any retry. */
  retryReason: z.string().max(RETRY_REASON_MAX).nullable(),
  /** Set when a resumed job had to start again from zero, saying why. */
  restartReason: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type TransferJob = z.infer<typeof TransferJob>;

export const TransferTotals = z.object({
  jobs: z.number().int().nonnegative(),
  queued: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  paused: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
  conflicts: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  bytesDone: z.number().int().nonnegative(),
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** The request pool's current limit, as tuned from measured throughput. */
  concurrency: z.number().int().positive(),
  retries: z.number().int().nonnegative(),
});
export type TransferTotals = z.infer<typeof TransferTotals>;

export const TransferList = z.object({ jobs: z.array(TransferJob), totals: TransferTotals });
export type TransferList = z.infer<typeof TransferList>;

export const UploadFile = z.object({ path: LocalPath, name: RelativeName }).strict();

const UploadFiles = withinListBudget(z.array(UploadFile).min(1, 'Nothing to upload').max(100_000, 'At most 100,000 files per drop'), 'files');

export const UploadRequest = z.object({ workspaceId: Id, container: ContainerName, prefix: BlobPrefix, files: UploadFiles }).strict();
export type UploadRequest = z.infer<typeof UploadRequest>;

/** Files dropped onto an MLflow run's artifacts: under `path` (a folder of them; absent for the root). */
export const RunUploadRequest = z.object({ workspaceId: Id, runId: MlflowRunId, path: ArtifactPath.optional(), files: UploadFiles }).strict();
export type RunUploadRequest = z.infer<typeof RunUploadRequest>;

/** Either named blobs or everything under a prefix; each lands under targetFolder by its name (made safe). */
export const DownloadRequest = z
  .object({
    workspaceId: Id,
    container: ContainerName,
    blobs: withinListBudget(z.array(BlobName).min(1, 'Nothing to download').max(100_000, 'At most 100,000 blobs per download'), 'blob names').optional(),
    prefix: BlobPrefix.optional(),
    targetFolder: LocalPath,
  })
  .strict()
  .refine((r) => (r.blobs === undefined) !== (r.prefix === undefined), 'Give either blobs or a prefix');
export type DownloadRequest = z.infer<typeof DownloadRequest>;

/** A run's artifact file or folder (everything under it), or with no path all its artifacts, saved under targetFolder. */
export const RunDownloadRequest = z.object({ workspaceId: Id, runId: MlflowRunId, path: ArtifactPath.optional(), targetFolder: LocalPath }).strict();

export const JobIds = z.object({ jobIds: z.array(Id) });

/** One job, or every job. */
export const JobSelector = z.union([z.object({ jobId: Id }).strict(), z.object({ all: z.literal(true) }).strict()]);
export type JobSelector = z.infer<typeof JobSelector>;

export const Affected = z.object({ affected: z.number().int().nonnegative() });

export const ResolveConflictRequest = z.object({ jobId: Id, choice: ConflictChoice, applyToAll: z.boolean() }).strict();

/** A job the journal holds from an earlier session that did not finish. */
export const UnfinishedJob = z.object({
  id: Id,
  kind: TransferKind,
  endpoint: z.string(),
  container: z.string(),
  blobName: z.string(),
  localPath: z.string(),
  bytes: z.number().int().nonnegative(),
  /** Bytes the journal says the service acknowledged. */
  bytesStaged: z.number().int().nonnegative(),
  /** Why resuming must start from zero (source changed, a download), or null when it continues. */
  restartReason: z.string().nullable(),
  createdAt: z.string(),
});
export type UnfinishedJob = z.infer<typeof UnfinishedJob>;

/** Resume needs an open workspace on the same endpoint: the credentials live with it, not in the journal. */
export const ResumeUnfinishedRequest = z
  .object({ workspaceId: Id, jobIds: z.array(Id).max(100_000).optional() })
  .strict();

export const DiscardUnfinishedRequest = z.object({ jobIds: z.array(Id).max(100_000).optional() }).strict();

/** Throttled (≤ 5 a second): the jobs that changed since the last event, and the totals. */
export const TransferProgress = z.object({
  jobs: z.array(TransferJob),
  /** Jobs dropped from the list (cleared by the user, or the oldest finished ones beyond what is kept). */
  removed: z.array(Id).optional(),
  totals: TransferTotals,
});
export type TransferProgress = z.infer<typeof TransferProgress>;
