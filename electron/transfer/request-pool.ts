import http from 'node:http';
import https from 'node:https';
import { sleep } from './retry.js';

// One pool for every transfer request: a global limit on requests in flight (which the tuner moves),
// a budget of buffered bytes (so memory stays under it however many blocks wait), a bandwidth cap,
// and the keep-alive agents every transfer client sends through.

interface Waiter {
  amount: number;
  resolve(): void;
  reject(err: Error): void;
  signal: AbortSignal;
  onAbort(): void;
}

/** A counting semaphore whose capacity can change while requests wait. */
export class Gate {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(private capacity: number) {}

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  get limit(): number {
    return this.capacity;
  }

  setLimit(capacity: number): void {
    this.capacity = capacity;
    this.drain();
  }

  async acquire(amount: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw signal.reason as Error;
    if (this.waiters.length === 0 && this.fits(amount)) {
      this.used += amount;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        amount,
        resolve: () => {
          this.used += amount;
          signal.removeEventListener('abort', waiter.onAbort);
          resolve();
        },
        reject,
        signal,
        onAbort: () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          reject(signal.reason as Error);
          this.drain();
        },
      };
      this.waiters.push(waiter);
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    });
  }

  release(amount: number): void {
    this.used -= amount;
    this.drain();
  }

  /** One oversized request may run alone, or it would wait forever. */
  private fits(amount: number): boolean {
    return this.used + amount <= this.capacity || this.used === 0;
  }

  private drain(): void {
    while (this.waiters.length > 0) {
      const next = this.waiters[0];
      if (!this.fits(next.amount)) return;
      this.waiters.shift();
      next.resolve();
    }
  }
}

export interface PoolOptions {
  concurrency: number;
  /** Bytes of file data held in memory at once, across all transfers. */
  bufferBudget: number;
  /** Bytes per second across all transfers; 0 for no cap. */
  bandwidth: number;
}

export class RequestPool {
  readonly requests: Gate;
  readonly buffers: Gate;
  readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' }),
    https: new https.Agent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' }),
  };
  private bandwidth: number;
  /** When the bandwidth cap next lets bytes through. */
  private nextFreeAt = 0;
  /** Aborted when the cap changes, waking the requests waiting for their share of the old one. */
  private capChanged = new AbortController();
  /** Bytes moved since start, read by the tuner. */
  bytesMoved = 0;

  constructor(options: PoolOptions) {
    this.requests = new Gate(options.concurrency);
    this.buffers = new Gate(options.bufferBudget);
    this.bandwidth = options.bandwidth;
  }

  /** A new cap holds at once: requests waiting under the old one take their turn again under it. */
  setBandwidth(bytesPerSecond: number): void {
    if (bytesPerSecond === this.bandwidth) return;
    this.bandwidth = bytesPerSecond;
    // Turns given under the old cap could lie minutes ahead (a tiny cap) and would hold back a raised one.
    this.nextFreeAt = 0;
    this.capChanged.abort();
    this.capChanged = new AbortController();
  }

  /** Runs one request inside a slot of the global limit. */
  async run<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    await this.requests.acquire(1, signal);
    try {
      return await fn();
    } finally {
      this.requests.release(1);
    }
  }

  /** Counts bytes moved and, under a cap, waits until they fit in it. */
  async account(bytes: number, signal: AbortSignal): Promise<void> {
    this.bytesMoved += bytes;
    while (this.bandwidth > 0) {
      const now = Date.now();
      const start = Math.max(now, this.nextFreeAt);
      this.nextFreeAt = start + (bytes / this.bandwidth) * 1000;
      if (start <= now) return;
      const changed = this.capChanged.signal;
      try {
        await sleep(start - now, AbortSignal.any([signal, changed]));
        return;
      } catch (err) {
        // The cap changed first: take a turn again under the new one.
        if (signal.aborted || !changed.aborted) throw err;
      }
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
