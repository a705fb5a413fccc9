import { lstat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { mapLimited } from '../core/limit.js';
import { localEtag, type DeleteOutcome, type DeleteRequest, type ObjectDeleter } from './object-deleter.js';

// Deletes files of a folder read as a blob container (see LocalObjectStore), each only when its
// modification time and size still match the plan. A check-then-unlink has a tiny window that a
// folder cannot close; the store's writers (Metaflow) only ever add files, they do not rewrite them.

const PARALLEL = 16;

export class LocalObjectDeleter implements ObjectDeleter {
  readonly batchSize = 64;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  deleteMany(requests: readonly DeleteRequest[]): Promise<DeleteOutcome[]> {
    return mapLimited(requests, PARALLEL, (request) => this.deleteOne(request));
  }

  private async deleteOne({ name, etag }: DeleteRequest): Promise<DeleteOutcome> {
    const file = path.resolve(this.root, ...name.split('/').filter((s) => s !== ''));
    if (!file.startsWith(this.root + path.sep)) return { status: 'failed', message: `"${name}" is outside ${this.root}.` };
    try {
      const info = await lstat(file);
      if (!info.isFile() || localEtag(info.mtime.getTime(), info.size) !== etag) return { status: 'changed' };
      await unlink(file);
      return { status: 'deleted' };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'gone' };
      return { status: 'failed', message: (err as Error).message };
    }
  }
}
