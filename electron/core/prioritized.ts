// Work over many keys, at most `concurrency` at a time, where the order can change while it runs: keys asked for
// by `prefer` (what the user sees now) go next, the others follow in their first order. A Limiter's (limit.ts) queue
// is fixed once a call waits in it; here `concurrency` lanes each take the next key only when they are free.

/** The most keys one `prefer` keeps: a screen of rows, not the whole list. */
export const MAX_PREFERRED = 500;

export class PrioritizedWork {
  private readonly pending: Set<string>;
  private preferred: string[] = [];
  private stopped = false;
  /** Resolves when every key was worked (or the work stopped); rejects with the first failure. */
  readonly done: Promise<void>;

  constructor(keys: readonly string[], concurrency: number, work: (key: string) => Promise<void>) {
    this.pending = new Set(keys);
    const lane = async () => {
      for (let key = this.next(); key !== undefined; key = this.next()) {
        try {
          await work(key);
        } catch (err) {
          this.stop();
          throw err;
        }
      }
    };
    const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, keys.length)) }, lane);
    this.done = Promise.all(lanes).then(() => undefined);
  }

  /** These keys go before any other still waiting, in this order; a later call replaces an earlier one. */
  prefer(keys: readonly string[]): void {
    this.preferred = keys.slice(0, MAX_PREFERRED).filter((k) => this.pending.has(k));
  }

  /** No key starts after this; those running finish. */
  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  get waiting(): number {
    return this.pending.size;
  }

  private next(): string | undefined {
    if (this.stopped) return undefined;
    for (let key = this.preferred.shift(); key !== undefined; key = this.preferred.shift()) {
      if (this.pending.delete(key)) return key;
    }
    const first = this.pending.values().next();
    if (first.done) return undefined;
    this.pending.delete(first.value);
    return first.value;
  }
}
