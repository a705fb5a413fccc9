import { indexFileFor } from './index-location.js';
import { MetaflowIndex } from './metaflow-index.js';

// One index worker per workspace key, shared by every open workspace reading that data: connecting
// the same workspace again reuses it, and it is closed when the last workspace using it closes.

interface Entry {
  index: Promise<MetaflowIndex | undefined>;
  users: number;
}

export class IndexPool {
  private readonly entries = new Map<string, Entry>();

  /** `userDataDir`: where the index files live. */
  constructor(private readonly userDataDir: string) {}

  /** The key's index, opened on first use; undefined when it cannot be opened (reads then go to the datastore). */
  acquire(key: string): Promise<MetaflowIndex | undefined> {
    let entry = this.entries.get(key);
    if (!entry) {
      const opening = MetaflowIndex.open(indexFileFor(this.userDataDir, key)).catch(() => undefined);
      entry = { index: opening, users: 0 };
      const opened = entry;
      // A failed open is not kept: the next connect tries again (a newer Stratus may have released the file).
      void opening.then((index) => {
        if (index === undefined && this.entries.get(key) === opened) this.entries.delete(key);
      });
      this.entries.set(key, entry);
    }
    entry.users += 1;
    return entry.index;
  }

  /** One user of the key's index is done; the last one closes it. */
  async release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.users -= 1;
    if (entry.users > 0) return;
    this.entries.delete(key);
    await (await entry.index)?.close();
  }

  /** Closes every index, whoever still uses it. */
  async close(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map(async (entry) => (await entry.index)?.close()));
  }
}
