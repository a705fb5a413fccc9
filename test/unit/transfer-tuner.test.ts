import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConcurrencyTuner } from '../../electron/transfer/concurrency-tuner.js';
import { RequestPool } from '../../electron/transfer/request-pool.js';

// The tuner on a simulated long link: every request in flight adds its share of throughput up to a
// ceiling (where the link, the CPU or the service becomes the limit). While each step pays nearly in
// proportion the limit grows by half at a time, so it reaches the ceiling in a few samples; past the
// ceiling a step that does not pay is given back whole.

const INTERVAL = 1000;
let pool: RequestPool;
let waiting: AbortController;

beforeEach(() => {
  vi.useFakeTimers();
  pool = new RequestPool({ concurrency: 32, bufferBudget: 1 << 20, bandwidth: 0 });
  waiting = new AbortController();
});

afterEach(() => {
  waiting.abort(new Error('test over'));
  pool.close();
  vi.useRealTimers();
});

/** One interval of traffic: `perRequest` bytes for each request in flight, up to `ceiling` requests; more work always waits. */
async function interval(ceiling: number, perRequest = 4096): Promise<void> {
  pool.bytesMoved += Math.min(pool.requests.limit, ceiling) * perRequest;
  if (pool.requests.waiting === 0) {
    await pool.requests.acquire(Math.max(0, pool.requests.limit - pool.requests.inUse), waiting.signal);
    void pool.requests.acquire(1, waiting.signal).catch(() => undefined);
  }
  await vi.advanceTimersByTimeAsync(INTERVAL);
}

describe('the concurrency tuner on a long link', () => {
  it('grows the limit by half while each step pays in proportion, then steps by 8 again and gives back the step that did not pay', async () => {
    const tuner = new ConcurrencyTuner(pool, { start: 32, min: 4, max: 256, step: 8, intervalMs: INTERVAL });
    tuner.start();
    const limits: number[] = [];
    for (let i = 0; i < 7; i++) {
      await interval(150);
      limits.push(pool.requests.limit);
    }
    tuner.stop();
    // +8 while the first step is judged, then half of the limit at a time up to past the ceiling of 150;
    // that step paid only a little (+11%), so the next is +8, which did not pay and is given back.
    expect(limits).toEqual([40, 60, 90, 135, 203, 211, 203]);
  });

  it('steps by the fixed step when a step pays less than in proportion (the link or the service is near its limit)', async () => {
    const tuner = new ConcurrencyTuner(pool, { start: 32, min: 4, max: 256, step: 8, intervalMs: INTERVAL });
    tuner.start();
    const limits: number[] = [];
    // Each request adds a little less than the one before: a step raises throughput by under a fifth.
    for (let i = 0; i < 4; i++) {
      pool.bytesMoved += Math.round(Math.sqrt(pool.requests.limit) * 100_000);
      await interval(0);
      limits.push(pool.requests.limit);
    }
    tuner.stop();
    expect(limits).toEqual([40, 48, 56, 64]);
  });
});
