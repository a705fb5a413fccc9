// How many requests of one job (a download's ranges, an upload's blocks) are in flight, chosen from
// measured throughput: after each full window of requests it estimates what the window moved (its
// size × their median speed) and compares it with the window before. While a step up raised that
// by a tenth or more, the round trip and the time each request waits on the service, not the link's
// total, are the limit (a long, thin link: each request in flight adds its share of the
// bandwidth-delay product) and the window grows by half again. A step that did not pay means the
// requests share a limit (the link's total, the CPU, the service): it is given back and the window
// stays. Per-request speed alone would stop too early: on a busy link each request slows a little
// while the window as a whole still moves more. Downloads stream to disk, so a wider window costs
// sockets; an upload's is bounded by its buffer budget.

/** A step up that raised the window's throughput by less than this did not pay. */
const PAID = 1.1;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export class RequestWindow {
  private current: number;
  private previous: number;
  /** Bytes per millisecond the last window moved. */
  private lastRate: number | undefined;
  private samples: number[] = [];
  private settled = false;

  constructor(
    start: number,
    private readonly max: number,
  ) {
    this.current = start;
    this.previous = start;
  }

  get size(): number {
    return this.current;
  }

  /** One request finished: `bytes` in `ms`. */
  done(bytes: number, ms: number): void {
    if (this.settled) return;
    this.samples.push(bytes / Math.max(1, ms));
    if (this.samples.length < this.current) return;
    const rate = median(this.samples) * this.current;
    this.samples = [];
    if (this.lastRate !== undefined && rate < this.lastRate * PAID) {
      this.current = this.previous;
      this.settled = true;
      return;
    }
    this.lastRate = rate;
    if (this.current >= this.max) {
      this.settled = true;
      return;
    }
    this.previous = this.current;
    this.current = Math.min(this.max, Math.ceil(this.current * 1.5));
  }
}
