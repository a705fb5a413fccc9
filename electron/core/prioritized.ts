// Work over many keys, at most `concurrency` at a time, where the order can change while it runs: keys asked for
// by `prefer` (what the user sees now) go next, the others follow in their first order. A Limiter's (limit.ts) queue
// is fixed once a call waits in it; here `concurrency` lanes each take the next key only when they are free.
// Preferred keys do not wait for a lane to free: up to `concurrency` more lanes start for them alone, so what the
// user looks at is read at once, beside the keys already running.

/** The most keys one `prefer` keeps: a screen of rows, not the whole list. */
export const MAX_PREFERRED = 500;

export class PrioritizedWork {
  private readonly pending: Set<string>;
  private preferred: string[] = [];
  private stopped = false;
  /** Lanes running preferred keys only. */
  private extraLanes = 0;
  private lanes = 0;
  private failure: { error: unknown } | undefined;
  private settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;
  /** Resolves when every key was worked (or the work stopped); rejects with the first failure. */
  readonly done: Promise<void>;

  /** `after`: no key starts before it resolves (work that must go out first); it must not reject. */
  constructor(
    keys: readonly string[],
    private readonly concurrency: number,
    private readonly work: (key: string) => Promise<void>,
    private readonly after?: Promise<void>,
  ) {
    this.pending = new Set(keys);
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    for (let i = 0; i < Math.max(1, Math.min(concurrency, keys.length)); i++) this.startLane(false);
  }

  /** These keys go before any other still waiting, in this order; a later call replaces an earlier one. */
  prefer(keys: readonly string[]): void {
    this.preferred = keys.slice(0, MAX_PREFERRED).filter((k) => this.pending.has(k));
    const wanted = Math.min(this.concurrency, this.preferred.length);
    while (!this.stopped && this.extraLanes < wanted) this.startLane(true);
  }

  /** No key starts after this; those running finish. */
  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  get waiting(): number {
    return this.pending.size;
  }

  private startLane(preferredOnly: boolean): void {
    this.lanes++;
    if (preferredOnly) this.extraLanes++;
    this.lane(preferredOnly)
      .catch((error: unknown) => {
        this.failure ??= { error };
        this.stop();
      })
      .finally(() => {
        this.lanes--;
        if (preferredOnly) this.extraLanes--;
        if (this.lanes > 0) return;
        if (this.failure) this.settle?.reject(this.failure.error);
        else this.settle?.resolve();
      });
  }

  private async lane(preferredOnly: boolean): Promise<void> {
    if (this.after) await this.after;
    for (let key = this.next(preferredOnly); key !== undefined; key = this.next(preferredOnly)) await this.work(key);
  }

  private next(preferredOnly: boolean): string | undefined {
    if (this.stopped) return undefined;
    for (let key = this.preferred.shift(); key !== undefined; key = this.preferred.shift()) {
      if (this.pending.delete(key)) return key;
    }
    if (preferredOnly) return undefined;
    const first = this.pending.values().next();
    if (first.done) return undefined;
    this.pending.delete(first.value);
    return first.value;
  }
}
