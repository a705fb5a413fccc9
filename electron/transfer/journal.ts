import type Database from 'better-sqlite3';
import { migrate } from '../core/migrate.js';
import { openPrivateDatabase } from '../storage/private-database.js';

// The transfer journal (`transfers.db` in user data): every job, and for block uploads every block
// with whether the service acknowledged it. A block's row says staged only after the service
// answered its Put Block, so after a crash the journal never claims more than was sent. Downloads
// keep the blob's etag and the ranges written whole into their temporary file the same way. Its writes
// are single-row and small, so it stays on the main thread (WAL, synchronous=NORMAL) rather than in
// a worker: a round trip to a worker would cost more than the write.

const MIGRATIONS: readonly string[] = [
  // 1: jobs and their blocks.
  `
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('upload', 'download')),
    endpoint TEXT NOT NULL,
    container TEXT NOT NULL,
    blob_name TEXT NOT NULL,
    local_path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ms INTEGER NOT NULL,
    block_size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE blocks (
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    PRIMARY KEY (job_id, idx)
  ) WITHOUT ROWID;
  `,
  // 2: a started download's etag (its ranges are rows of blocks); null until the first range arrives.
  `ALTER TABLE jobs ADD COLUMN etag TEXT;`,
];

export interface JournalJob {
  id: string;
  kind: 'upload' | 'download';
  endpoint: string;
  container: string;
  blobName: string;
  localPath: string;
  size: number;
  mtimeMs: number;
  blockSize: number;
  createdAt: number;
}

interface JobRow {
  etag: string | null;
  id: string;
  kind: 'upload' | 'download';
  endpoint: string;
  container: string;
  blob_name: string;
  local_path: string;
  size: number;
  mtime_ms: number;
  block_size: number;
  created_at: number;
  staged: number;
}

export class TransferJournal {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    this.db = openPrivateDatabase(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    try {
      migrate(this.db, { name: 'The transfer journal' }, file, MIGRATIONS);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.statements = {
      addJob: this.db.prepare(
        `INSERT OR REPLACE INTO jobs (id, kind, endpoint, container, blob_name, local_path, size, mtime_ms, block_size, created_at)
         VALUES (@id, @kind, @endpoint, @container, @blobName, @localPath, @size, @mtimeMs, @blockSize, @createdAt)`,
      ),
      staged: this.db.prepare('INSERT OR IGNORE INTO blocks (job_id, idx) VALUES (?, ?)'),
      clearBlocks: this.db.prepare('DELETE FROM blocks WHERE job_id = ?'),
      removeJob: this.db.prepare('DELETE FROM jobs WHERE id = ?'),
      retarget: this.db.prepare('UPDATE jobs SET blob_name = ? WHERE id = ?'),
      started: this.db.prepare('UPDATE jobs SET local_path = @localPath, size = @size, block_size = @blockSize, etag = @etag WHERE id = @id'),
      list: this.db.prepare(
        `SELECT j.*, (SELECT count(*) FROM blocks b WHERE b.job_id = j.id) AS staged FROM jobs j ORDER BY created_at, id`,
      ),
      blocksOf: this.db.prepare('SELECT idx FROM blocks WHERE job_id = ? ORDER BY idx'),
    };
  }

  record(job: JournalJob): void {
    this.statements.addJob.run(job);
  }

  markStaged(jobId: string, index: number): void {
    this.statements.staged.run(jobId, index);
  }

  /** The source changed or the blocks are gone: what was staged counts for nothing. */
  clearStaged(jobId: string): void {
    this.statements.clearBlocks.run(jobId);
  }

  retarget(jobId: string, blobName: string): void {
    this.statements.retarget.run(blobName, jobId);
  }

  /** A download knows its blob (size, etag), its file and its range size: from now on its ranges can be kept. */
  downloadStarted(jobId: string, start: { localPath: string; size: number; blockSize: number; etag: string }): void {
    this.statements.started.run({ id: jobId, ...start });
  }

  /** A job that finished, failed for good or was cancelled leaves the journal. */
  remove(jobId: string): void {
    this.statements.removeJob.run(jobId);
  }

  jobs(): (JournalJob & { stagedBlocks: number; etag: string | null })[] {
    return (this.statements.list.all() as JobRow[]).map((r) => ({
      id: r.id,
      kind: r.kind,
      endpoint: r.endpoint,
      container: r.container,
      blobName: r.blob_name,
      localPath: r.local_path,
      size: r.size,
      mtimeMs: r.mtime_ms,
      blockSize: r.block_size,
      createdAt: r.created_at,
      stagedBlocks: r.staged,
      etag: r.etag,
    }));
  }

  stagedBlocks(jobId: string): number[] {
    return (this.statements.blocksOf.all(jobId) as { idx: number }[]).map((r) => r.idx);
  }

  close(): void {
    this.db.close();
  }
}
