// How many requests of one job (a download's ranges, an upload's blocks) are in flight, chosen from
// measured throughput: after each full window of requests it compares their median speed with the
// first window's. Requests as fast as before while more run at once mean each connection, not the
// link, is the limit (a long, thin link, where every request in flight adds its share of the
// bandwidth-delay product): the window grows by half. Requests slowed down mean they share a limit
// (the link's total, the CPU, the service): the step is given back and the window stays. Downloads
// stream to disk, so a wider window costs sockets; an upload's is bounded by its buffer budget.

/** Requests that kept at least this share of the first window's speed did not slow each other. */
const KEPT_SPEED = 0.8;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export class RequestWindow {
  private current: number;
  private previous: number;
  private baseline: number | undefined;
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
    const speed = median(this.samples);
    this.samples = [];
    if (this.baseline === undefined) this.baseline = speed;
    else if (speed < this.baseline * KEPT_SPEED) {
      this.current = this.previous;
      this.settled = true;
      return;
    }
    if (this.current >= this.max) {
      this.settled = true;
      return;
    }
    this.previous = this.current;
    this.current = Math.min(this.max, Math.ceil(this.current * 1.5));
  }
}
