import type { ContainerClient } from '@azure/storage-blob';
import type { BlobContainerLocation } from '../core/blob-location.js';
import type { TransferJob } from '../../shared/schemas/transfer.js';
import type { StratusError } from '../../shared/errors.js';
import { toAzureError } from '../azure/errors.js';
import { blockSizeFor } from './block-plan.js';
import type { DownloadState } from './download-job.js';
import type { JournalJob } from './journal.js';
import type { UploadState } from './upload-job.js';

// The one place a job is built (its row in the activity panel and the state its run works on) and
// the one place its journal row is written from, so a new, resumed or retried job cannot differ.

/** Where a job's blob is: a workspace's service and one of its containers. */
export interface JobTarget extends BlobContainerLocation {
  workspaceId: string;
}

export interface UploadSpec extends JobTarget {
  blobName: string;
  filePath: string;
}

export interface DownloadSpec extends JobTarget {
  blobName: string;
  /** The local file to create (already made safe and inside the chosen folder: see safe-path.ts). */
  filePath: string;
}

export interface Sample {
  at: number;
  bytes: number;
}

interface JobBase {
  view: TransferJob;
  endpoint: string;
  controller?: AbortController;
  /** Bytes done over the last seconds, for the job's rate. */
  samples: Sample[];
}

export type UploadJob = JobBase & {
  kind: 'upload';
  state: UploadState;
  /** The blob name asked for, before any "keep both" renaming. */
  requestedName: string;
  copyNumber?: number;
};

export type DownloadJob = JobBase & { kind: 'download'; state: DownloadState };

export type Job = UploadJob | DownloadJob;

/** A job's two ends: the container by name (shown and journalled) and by client (for requests). */
export interface JobPlace {
  id: string;
  workspaceId: string;
  endpoint: string;
  container: string;
  client: ContainerClient;
  blobName: string;
  localPath: string;
}

/** What a resumed upload keeps from the journal. */
export interface UploadResume {
  blockSize: number;
  staged: number[];
}

/** What a resumed download keeps: the blob it had started on and the ranges written whole. */
export interface DownloadResume {
  size: number;
  etag: string | undefined;
  ranges: number[];
}

function queuedView(place: JobPlace, kind: 'upload' | 'download', bytes: number): TransferJob {
  const remote = `${place.container}/${place.blobName}`;
  return {
    id: place.id,
    kind,
    workspaceId: place.workspaceId,
    source: kind === 'upload' ? place.localPath : remote,
    target: kind === 'upload' ? remote : place.localPath,
    container: place.container,
    blobName: place.blobName,
    localPath: place.localPath,
    bytes,
    bytesDone: 0,
    rate: 0,
    etaSeconds: null,
    state: 'queued',
    error: null,
    conflict: null,
    resolution: null,
    retries: 0,
    retryReason: null,
    restartReason: null,
    createdAt: new Date().toISOString(),
    finishedAt: null,
  };
}

/** An upload of a file of this size and mtime; a resumed one first asks the service which blocks it holds. */
export function uploadJob(place: JobPlace, file: { size: number; mtimeMs: number }, resumed?: UploadResume): UploadJob {
  const state: UploadState = {
    id: place.id,
    container: place.client,
    blobName: place.blobName,
    filePath: place.localPath,
    size: file.size,
    mtimeMs: file.mtimeMs,
    blockSize: resumed?.blockSize || blockSizeFor(file.size),
    staged: new Set(resumed?.staged),
    checkService: resumed !== undefined,
    overwriteEtag: undefined,
    restartReason: null,
  };
  return { kind: 'upload', view: queuedView(place, 'upload', file.size), endpoint: place.endpoint, state, samples: [], requestedName: place.blobName };
}

/** A download; a resumed one continues into its kept temporary file, or says why it starts again. */
export function downloadJob(place: JobPlace, resumed?: { kept: DownloadResume } | { restartReason: string }): DownloadJob {
  const kept = resumed && 'kept' in resumed ? resumed.kept : undefined;
  const state: DownloadState = {
    id: place.id,
    container: place.client,
    blobName: place.blobName,
    localPath: place.localPath,
    targetChosen: kept !== undefined,
    size: kept?.size ?? 0,
    etag: kept?.etag,
    doneRanges: new Set(kept?.ranges),
    restartReason: resumed && 'restartReason' in resumed ? resumed.restartReason : null,
  };
  return { kind: 'download', view: queuedView(place, 'download', 0), endpoint: place.endpoint, state, samples: [] };
}

/** The job's journal row as it is (re)started: a download's size, etag and ranges come once it has begun. */
export function journalRow(job: Job): JournalJob {
  const common = { id: job.view.id, endpoint: job.endpoint, container: job.view.container, createdAt: Date.now() };
  if (job.kind === 'download') return { ...common, kind: 'download', blobName: job.state.blobName, localPath: job.view.localPath, size: 0, mtimeMs: 0, blockSize: 0 };
  const u = job.state;
  return { ...common, kind: 'upload', blobName: u.blobName, localPath: u.filePath, size: u.size, mtimeMs: u.mtimeMs, blockSize: u.blockSize };
}

/** A job's failure (or a retried request's) as the user reads it. */
export function jobFailure(job: Job, err: unknown): StratusError {
  return toAzureError(err, { action: `${job.kind === 'upload' ? 'uploading' : 'downloading'} ${job.view.source}`, endpoint: job.endpoint, container: job.view.container });
}
