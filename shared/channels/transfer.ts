import { z } from 'zod';
import { Id, NoArgs } from '../schemas/common.js';
import {
  Affected,
  DiscardUnfinishedRequest,
  DownloadRequest,
  JobIds,
  JobSelector,
  ResolveConflictRequest,
  ResumeUnfinishedRequest,
  RunDownloadRequest,
  RunUploadRequest,
  TransferList,
  TransferProgress,
  UnfinishedJob,
  UploadRequest,
} from '../schemas/transfer.js';

/** Uploads and downloads through the engine in main: one queue, one request pool, a journal for resume. */
export const transferChannels = {
  'transfer.list': { args: NoArgs, result: TransferList },
  'transfer.upload': { args: UploadRequest, result: JobIds },
  /** Files dropped onto an MLflow run's artifacts, uploaded where the run keeps them (wasbs:// locations only). */
  'transfer.uploadToRun': { args: RunUploadRequest, result: JobIds },
  'transfer.download': { args: DownloadRequest, result: JobIds },
  /** A run's artifacts (a file, a folder, or all) from its wasbs:// artifact location into a folder. */
  'transfer.downloadFromRun': { args: RunDownloadRequest, result: JobIds },
  'transfer.pause': { args: JobSelector, result: Affected },
  'transfer.resume': { args: JobSelector, result: Affected },
  'transfer.cancel': { args: JobSelector, result: Affected },
  'transfer.resolveConflict': { args: ResolveConflictRequest, result: Affected },
  'transfer.retry': { args: z.object({ jobId: Id }).strict(), result: Affected },
  /** Drops finished jobs (done, failed, cancelled) from the list; the next progress event names them in `removed`. */
  'transfer.clearFinished': { args: JobSelector, result: Affected },
  /** Jobs an earlier session left unfinished (crash, quit), each saying whether it can continue or restarts from zero. */
  'transfer.unfinished': { args: NoArgs, result: z.object({ jobs: z.array(UnfinishedJob) }) },
  'transfer.resumeUnfinished': { args: ResumeUnfinishedRequest, result: JobIds },
  'transfer.discardUnfinished': { args: DiscardUnfinishedRequest, result: Affected },
} as const;

export const transferEvents = {
  'transfer.progress': TransferProgress,
} as const;

export type TransferChannel = keyof typeof transferChannels;
