import { stat } from 'node:fs/promises';
import type { ContainerClient } from '@azure/storage-blob';
import type { UnfinishedJob } from '../../shared/schemas/transfer.js';
import { discardTemp, tempPathFor } from './download-job.js';
import { downloadJob, uploadJob, type Job } from './job-state.js';
import type { TransferJournal } from './journal.js';
import { describeChange, statSource } from './upload-job.js';

// Jobs an earlier run left in the journal: listed with what can continue, loaded back as jobs, or
// discarded. `loaded` tells the jobs this session already holds, which are never touched here.

const NOTHING_KEPT = 'Nothing of this download was kept, so it starts again from the beginning.';

type JournalRow = ReturnType<TransferJournal['jobs']>[number];

/** A download that wrote whole ranges before it stopped, and whose temporary file is still there, continues. */
async function continuableDownload(row: JournalRow): Promise<boolean> {
  if (row.etag === null || row.stagedBlocks === 0) return false;
  return stat(tempPathFor(row.localPath, row.id)).then((s) => s.isFile(), () => false);
}

async function restartReasonOf(row: JournalRow): Promise<string | null> {
  if (row.kind === 'download') return (await continuableDownload(row)) ? null : NOTHING_KEPT;
  const now = await statSource(row.localPath).catch(() => undefined);
  return now ? describeChange(row, now) : `${row.localPath} is gone: the upload cannot continue.`;
}

export async function unfinishedJobs(journal: TransferJournal, loaded: (id: string) => boolean): Promise<UnfinishedJob[]> {
  const out: UnfinishedJob[] = [];
  for (const row of journal.jobs()) {
    if (loaded(row.id)) continue;
    out.push({
      id: row.id,
      kind: row.kind,
      endpoint: row.endpoint,
      container: row.container,
      blobName: row.blobName,
      localPath: row.localPath,
      bytes: row.size,
      bytesStaged: Math.min(row.size, row.stagedBlocks * row.blockSize),
      restartReason: await restartReasonOf(row),
      createdAt: new Date(row.createdAt).toISOString(),
    });
  }
  return out;
}

export interface ResumeTarget {
  workspaceId: string;
  endpoint: string;
  /** The client of one of the workspace's containers, made for the engine's request pool. */
  clientFor(container: string): ContainerClient;
}

/**
 * The unfinished jobs on the target's endpoint (or those of `jobIds`), rebuilt one at a time so each
 * can start before the next is read: uploads continue from their staged blocks, downloads from their ranges.
 */
export async function* resumedJobs(journal: TransferJournal, target: ResumeTarget, loaded: (id: string) => boolean, jobIds?: string[]): AsyncGenerator<Job> {
  const wanted = jobIds ? new Set(jobIds) : undefined;
  for (const row of journal.jobs()) {
    if (loaded(row.id) || (wanted && !wanted.has(row.id)) || row.endpoint !== target.endpoint) continue;
    const place = { id: row.id, workspaceId: target.workspaceId, endpoint: row.endpoint, container: row.container, client: target.clientFor(row.container), blobName: row.blobName, localPath: row.localPath };
    if (row.kind === 'upload') {
      yield uploadJob(place, row, { blockSize: row.blockSize, staged: journal.stagedBlocks(row.id) });
    } else if (await continuableDownload(row)) {
      yield downloadJob(place, { kept: { size: row.size, etag: row.etag ?? undefined, ranges: journal.stagedBlocks(row.id) } });
    } else {
      await discardTemp(place);
      yield downloadJob(place, { restartReason: NOTHING_KEPT });
    }
  }
}

/** Forgets unfinished jobs (all, or those of `jobIds`) with a download's partial file; answers how many. */
export async function discardUnfinished(journal: TransferJournal, loaded: (id: string) => boolean, jobIds?: string[]): Promise<number> {
  const wanted = jobIds ? new Set(jobIds) : undefined;
  let count = 0;
  for (const row of journal.jobs()) {
    if (loaded(row.id) || (wanted && !wanted.has(row.id))) continue;
    if (row.kind === 'download') await discardTemp({ localPath: row.localPath, id: row.id });
    journal.remove(row.id);
    count++;
  }
  return count;
}
