import type { TransferJob, TransferState } from '../../../shared/schemas/transfer.js';
import { formatBytes, formatDuration } from '../format.js';
import { displayName } from '../../../shared/display-name.js';

export const STATE_LABEL: Record<TransferState, string> = {
  queued: 'queued',
  running: 'running',
  paused: 'paused',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  conflict: 'name taken',
};

/** "3.1 MiB/s"; '' when nothing is moving. */
export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(Math.round(bytesPerSecond))}/s` : '';
}

/** "1m 05s left"; '' when unknown. */
export function formatEta(seconds: number | null): string {
  return seconds === null ? '' : `${formatDuration(seconds * 1000)} left`;
}

/** Whole percent, 0–100; a 0-byte job is complete when done. */
export function percent(done: number, total: number, finished = false): number {
  if (total === 0) return finished ? 100 : 0;
  return Math.min(100, Math.floor((done / total) * 100));
}

/** The line a job is known by: where an upload goes, where a download lands. */
export function jobTitle(job: TransferJob): string {
  return displayName(job.kind === 'upload' ? `${job.container}/${job.blobName}` : job.localPath);
}

const RETRIES_TITLE = 'Requests sent again after throttling or a network failure';

/** Why a running job is slow ("Retrying: No data moved for 60 s; …"); null when it is not retrying. */
export function retryNote(job: Pick<TransferJob, 'state' | 'retryReason'>): string | null {
  return job.state === 'running' && job.retryReason ? `Retrying: ${job.retryReason}` : null;
}

/** The retry count's tooltip: the last retry's reason when there is one. */
export function retriesTitle(job: Pick<TransferJob, 'retryReason'>): string {
  return job.retryReason ?? RETRIES_TITLE;
}
