// Work over many keys, at most `concurrency` at a time, where the order can change while it runs: keys asked for
// by `prefer` (what the user sees now) go next, the others follow in their first order. A Limiter's (limit.ts) queue
// is fixed once a call waits in it; here `concurrency` lanes each take the next key only when they are free.
// Preferred keys do not wait for a lane to free: up to `concurrency` more lanes start for them alone, so what the
// user looks at is read at once; and while any of them runs, no other key starts, so that the service (Azurite,
// or an account's request rate) answers theirs first rather than work nobody looks at.

/** The most keys one `prefer` keeps: a screen of rows, not the whole list. */
export const MAX_PREFERRED = 500;

export class PrioritizedWork {
  private readonly pending: Set<string>;
  private preferred: string[] = [];
  /** The last `prefer`'s keys, started or not. */
  private wanted = new Set<string>();
  private readonly running = new Set<string>();
  /** Lanes waiting for the preferred keys running to end. */
  private idle: (() => void)[] = [];
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
    this.wanted = new Set(keys.slice(0, MAX_PREFERRED));
    this.preferred = [...this.wanted].filter((k) => this.pending.has(k));
    const wanted = Math.min(this.concurrency, this.preferred.length);
    while (!this.stopped && this.extraLanes < wanted) this.startLane(true);
    this.wake();
  }

  /** No key starts after this; those running finish. */
  stop(): void {
    this.stopped = true;
    this.pending.clear();
    this.wake();
  }

  get waiting(): number {
    return this.pending.size;
  }

  /** Of these keys, those not started yet. */
  waitingOf(keys: readonly string[]): string[] {
    return keys.filter((k) => this.pending.has(k));
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
    for (;;) {
      let key = this.next(preferredOnly);
      while (key === null) {
        await new Promise<void>((resolve) => this.idle.push(resolve));
        key = this.next(preferredOnly);
      }
      if (key === undefined) return;
      this.running.add(key);
      try {
        await this.work(key);
      } finally {
        this.running.delete(key);
        if (!this.preferredRunning()) this.wake();
      }
    }
  }

  private preferredRunning(): boolean {
    for (const key of this.running) if (this.wanted.has(key)) return true;
    return false;
  }

  private wake(): void {
    for (const resolve of this.idle.splice(0)) resolve();
  }

  /** The key to work next; undefined when none is left for this lane, null when it must wait for preferred keys to end. */
  private next(preferredOnly: boolean): string | undefined | null {
    if (this.stopped) return undefined;
    for (let key = this.preferred.shift(); key !== undefined; key = this.preferred.shift()) {
      if (this.pending.delete(key)) return key;
    }
    if (preferredOnly) return undefined;
    if (this.pending.size > 0 && this.preferredRunning()) return null;
    const first = this.pending.values().next();
    if (first.done) return undefined;
    this.pending.delete(first.value);
    return first.value;
  }
}
