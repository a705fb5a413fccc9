import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';

// Where generated blobs go: a folder (one file per blob name, '/' as the separator, so
// LocalObjectStore reads it back as a container) or a blob container.

export interface BlobSink {
  /**
   * Writes one blob; `name` is the full blob name. Metadata is kept only where the backend has any (Azure);
   * `modified` only where it can be set (a file's mtime; Azure stamps the upload time).
   */
  put(name: string, bytes: Buffer, metadata?: Record<string, string>, modified?: Date): Promise<void>;
  /** Writes in flight that the backend handles well. */
  readonly concurrency: number;
  readonly description: string;
}

/** Local disk copes with more parallel small writes than Azurite's ~270 creates/s. */
const FOLDER_CONCURRENCY = 64;
const AZURE_CONCURRENCY = 32;

export function folderSink(root: string): BlobSink {
  const base = path.resolve(root);
  // Each folder is made once, however many blobs land in it at the same time.
  const folders = new Map<string, Promise<unknown>>();
  const ensureFolder = (dir: string) => {
    let made = folders.get(dir);
    if (made === undefined) {
      made = mkdir(dir, { recursive: true });
      folders.set(dir, made);
    }
    return made;
  };
  return {
    concurrency: FOLDER_CONCURRENCY,
    description: `folder ${base}`,
    async put(name, bytes, _metadata, modified) {
      const file = path.join(base, ...name.split('/'));
      await ensureFolder(path.dirname(file));
      await writeFile(file, bytes);
      if (modified !== undefined) await utimes(file, modified, modified);
    },
  };
}

export function containerSink(container: ContainerClient): BlobSink {
  return {
    concurrency: AZURE_CONCURRENCY,
    description: `container ${container.containerName} at ${container.url}`,
    async put(name, bytes, metadata) {
      await container.getBlockBlobClient(name).upload(bytes, bytes.length, metadata === undefined ? {} : { metadata });
    },
  };
}

/** Runs at most `limit` writes at once; `add` waits for a free slot, so a producer cannot run ahead of the backend. */
export class WritePool {
  private readonly running = new Set<Promise<void>>();
  /** Producers waiting for a slot, woken one per finished write (cheaper than racing every running write). */
  private readonly waiting: (() => void)[] = [];
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  async add(work: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.throwIfFailed();
    const task: Promise<void> = work()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.running.delete(task);
        this.waiting.shift()?.();
      });
    this.running.add(task);
  }

  async drain(): Promise<void> {
    await Promise.all(this.running);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}
