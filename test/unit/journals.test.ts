import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcJournal } from '../../electron/gc/journal.js';
import { TransferJournal } from '../../electron/transfer/journal.js';

// The transfer and gc journals share the numbered migrations of electron/core/migrate.ts: an older journal is brought
// up to date keeping its rows, and one written by a newer Stratus is refused, untouched.

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-journals-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function userVersion(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

function writtenByNewer(file: string): void {
  const db = new Database(file);
  db.pragma('user_version = 99');
  db.close();
}

describe('journal schemas', () => {
  it('a transfer journal from before downloads kept their etag keeps its jobs and blocks, and its downloads start over', () => {
    const file = path.join(work, 'old', 'transfers.db');
    const v1 = new TransferJournal(file);
    v1.record({ id: 'up', kind: 'upload', endpoint: 'e', container: 'c', blobName: 'b', localPath: '/f', size: 10, mtimeMs: 1, blockSize: 4, createdAt: 1 });
    v1.markStaged('up', 0);
    v1.close();
    // Back to the first schema, as a journal written by the previous release would be.
    const db = new Database(file);
    db.exec('ALTER TABLE jobs DROP COLUMN etag');
    db.pragma('user_version = 1');
    db.close();

    const upgraded = new TransferJournal(file);
    try {
      expect(upgraded.jobs()).toMatchObject([{ id: 'up', stagedBlocks: 1, etag: null }]);
      expect(upgraded.stagedBlocks('up')).toEqual([0]);
    } finally {
      upgraded.close();
    }
    expect(userVersion(file)).toBe(2);
  });

  it('a transfer journal written by a newer Stratus is refused and left as it was', () => {
    const file = path.join(work, 'newer-transfers.db');
    writtenByNewer(file);
    expect(() => new TransferJournal(file)).toThrow(/^The transfer journal .*transfers\.db has schema version 99, .* newer Stratus\. Update Stratus/);
    expect(() => new TransferJournal(file)).not.toThrow(/local index/);
    expect(userVersion(file)).toBe(99);
  });

  it('a gc journal written by a newer Stratus is refused with its own message and left as it was', () => {
    const file = path.join(work, 'newer-gc.db');
    writtenByNewer(file);
    expect(() => GcJournal.open(file)).toThrow(/gc journal .* newer Stratus \(schema 99\)/);
    expect(userVersion(file)).toBe(99);
  });
});
