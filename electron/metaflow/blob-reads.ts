import type { HierarchyListing, ListedObject, ObjectRange, ObjectStore } from '../storage/object-store.js';

// One answer's memo of blob reads (a run's summary, a run view, a task's row): the status probe, the times, the
// exception and the artifact index each ask for `N.runtime`, `N.data.json` or a log, and over a long link every read
// is a round trip. Keyed by blob name (and range), it lives only as long as the answer, so a running task's files
// are read afresh by the next one; it is not a cache. What it keeps is capped: past the cap a read is shared only
// while it is in flight, so a run of thousands of tasks cannot hold all their logs at once.

/** Bytes a memo keeps at most: what a run view's tasks write besides their logs, for a few thousand tasks. */
export const MEMO_BYTES = 8 * 1024 * 1024;

export class BlobReads implements ObjectStore {
  readonly description: string;
  private readonly reads = new Map<string, Promise<unknown>>();
  private kept = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly capBytes = MEMO_BYTES,
  ) {
    this.description = store.description;
  }

  read(name: string): Promise<Buffer> {
    return this.once(`${name}\n`, () => this.store.read(name), (data) => data.length);
  }

  readRange(name: string, offset: number, length: number): Promise<ObjectRange> {
    return this.once(`${name}\n${offset}+${length}`, () => this.store.readRange(name, offset, length), (range) => range.data.length);
  }

  /** Listings are not kept: the answer's own listing is what it reads from. */
  listHierarchy(prefix: string, limit?: number): Promise<HierarchyListing> {
    return this.store.listHierarchy(prefix, limit);
  }

  listAll(prefix: string): Promise<ListedObject[]> {
    return this.store.listAll(prefix);
  }

  forget(): void {
    this.reads.clear();
    this.kept = 0;
  }

  private once<T>(key: string, read: () => Promise<T>, size: (value: T) => number): Promise<T> {
    const known = this.reads.get(key) as Promise<T> | undefined;
    if (known) return known;
    const reading = read();
    this.reads.set(key, reading);
    reading.then(
      (value) => {
        const bytes = size(value);
        if (this.kept + bytes > this.capBytes) this.reads.delete(key);
        else this.kept += bytes;
      },
      // A failed read is not kept: whoever asks next tries again, and gets its own error.
      () => this.reads.delete(key),
    );
    return reading;
  }
}
