import type { RequestPool } from './request-pool.js';

// Moves the pool's request limit from measured throughput: it starts near AzCopy's 32, steps up
// while each step brings more bytes per second and requests are waiting for a slot, steps back when
// a step did not pay, and halves on throttling (429/503), holding a while before it probes again.
// A step that paid nearly in proportion (throughput up by a fifth or more) says the round trip, not
// the link, the CPU or the service, is the limit: on a long link every request in flight adds its
// share, so the next step grows the limit by half instead of by `step` (TCP's slow start, for
// requests), and a many-file transfer reaches the limit that fills the link in a few samples.

export interface TunerOptions {
  start: number;
  min: number;
  max: number;
  step: number;
  /** How often throughput is sampled. */
  intervalMs: number;
}

/** A step that raised throughput by this factor or more paid nearly in proportion. */
const PAID_WELL = 1.2;

export function defaultStart(cpus: number, max: number): number {
  return Math.min(max, cpus <= 4 ? 32 : Math.min(64, cpus * 8));
}

export class ConcurrencyTuner {
  private timer: NodeJS.Timeout | undefined;
  private lastBytes = 0;
  private lastAt = Date.now();
  private previousRate = 0;
  private steppedUp = false;
  private holdUntil = 0;
  /** How much the last step up added, so giving it back returns to where it was. */
  private lastStep = 0;
  /** The floor asked for at construction; a lower max lowers it for a while. */
  private readonly floor: number;

  constructor(
    private readonly pool: RequestPool,
    private options: TunerOptions,
  ) {
    this.floor = options.min;
  }

  /** A bound below the tuner's floor (Settings allow 1) becomes the floor too: halving on throttling must not step over it. */
  setMax(max: number): void {
    this.options = { ...this.options, max, min: Math.min(this.floor, max) };
    if (this.pool.requests.limit > max) this.pool.requests.setLimit(max);
  }

  start(): void {
    if (this.timer) return;
    this.lastBytes = this.pool.bytesMoved;
    this.lastAt = Date.now();
    this.timer = setInterval(() => this.sample(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  throttled(): void {
    const limit = this.pool.requests.limit;
    this.pool.requests.setLimit(Math.max(this.options.min, Math.floor(limit / 2)));
    this.holdUntil = Date.now() + 10 * this.options.intervalMs;
    this.steppedUp = false;
  }

  private sample(): void {
    const now = Date.now();
    const rate = (this.pool.bytesMoved - this.lastBytes) / Math.max(1, now - this.lastAt);
    this.lastBytes = this.pool.bytesMoved;
    this.lastAt = now;
    const gate = this.pool.requests;
    if (now < this.holdUntil || rate === 0) return;
    if (this.steppedUp && rate < this.previousRate * 1.05) {
      // The last step did not pay: give it back and stay there.
      gate.setLimit(Math.max(this.options.min, gate.limit - this.lastStep));
      this.steppedUp = false;
      this.holdUntil = now + 5 * this.options.intervalMs;
    } else if (gate.waiting > 0 && gate.limit < this.options.max) {
      const paidWell = this.steppedUp && rate >= this.previousRate * PAID_WELL;
      const before = gate.limit;
      gate.setLimit(Math.min(this.options.max, before + (paidWell ? Math.max(this.options.step, Math.ceil(before / 2)) : this.options.step)));
      this.lastStep = gate.limit - before;
      this.steppedUp = true;
    } else {
      this.steppedUp = false;
    }
    this.previousRate = rate;
  }
}
