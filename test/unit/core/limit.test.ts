import { describe, expect, it } from 'vitest';
import { Limiter, mapLimited } from '../../../electron/core/limit.js';

// The one limiter behind gc scans, Metaflow and MLflow reads and local deletions.

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('Limiter', () => {
  it('never has more than its limit in flight, and runs every call', async () => {
    const limiter = new Limiter(3);
    let inFlight = 0;
    let most = 0;
    const done = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        limiter.run(async () => {
          most = Math.max(most, ++inFlight);
          if (i % 3 !== 0) await tick();
          inFlight--;
          return i;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(done).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('frees the slot of a failed call', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });
});

describe('mapLimited', () => {
  it('keeps the input order whatever order calls finish in', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimited([5, 1, 4, 2, 3], 2, async (n, index) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight--;
      return `${index}:${n}`;
    });
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3']);
    expect(most).toBe(2);
  });
});
