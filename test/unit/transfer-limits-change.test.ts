import { describe, expect, it } from 'vitest';
import { ConcurrencyTuner } from '../../electron/transfer/concurrency-tuner.js';
import { RequestPool } from '../../electron/transfer/request-pool.js';

// Transfer limits changed from Settings while transfers run: a new bandwidth cap holds at once, for
// the requests already waiting on the old one as well as for new ones; a low bound on requests holds.

const KiB = 1024;

function pool(bandwidth: number): RequestPool {
  return new RequestPool({ concurrency: 8, bufferBudget: 64 * KiB * KiB, bandwidth });
}

/** 'pending' unless the promise settled by the time a short timer fires (it could not: its wait is minutes). */
function stateOf(p: Promise<void>): Promise<'done' | 'pending'> {
  return Promise.race([p.then(() => 'done' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), 50))]);
}

describe('bandwidth cap changes', () => {
  it('lifting the cap releases requests waiting on it', async () => {
    const p = pool(KiB);
    const signal = new AbortController().signal;
    await p.account(KiB, signal);
    // 1,000 s of bytes at 1 KiB/s each, queued behind the first.
    const waiting = [p.account(1000 * KiB, signal), p.account(1000 * KiB, signal)];
    expect(await stateOf(waiting[0])).toBe('pending');
    p.setBandwidth(0);
    await Promise.all(waiting);
    p.close();
  });

  it('raising a tiny cap does not keep requests waiting for turns given under it', async () => {
    const p = pool(KiB);
    const signal = new AbortController().signal;
    await p.account(1000 * KiB, signal);
    const waiting = p.account(KiB, signal);
    expect(await stateOf(waiting)).toBe('pending');
    p.setBandwidth(1024 * KiB * KiB);
    await waiting;
    // A new request under the raised cap does not wait out the old schedule either.
    await p.account(KiB, signal);
    p.close();
  });

  it('saving the same cap again changes nothing, and a cancelled request stops waiting', async () => {
    const p = pool(KiB);
    const controller = new AbortController();
    await p.account(100 * KiB, controller.signal);
    const waiting = p.account(KiB, controller.signal);
    p.setBandwidth(KiB);
    expect(await stateOf(waiting)).toBe('pending');
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    p.close();
  });
});

describe('a low bound on requests in flight', () => {
  it('holds through throttling, and lifting it lets the tuner use its own floor again', () => {
    const p = pool(0);
    const tuner = new ConcurrencyTuner(p, { start: 32, min: 4, max: 256, step: 8, intervalMs: 1000 });
    tuner.setMax(1);
    expect(p.requests.limit).toBe(1);
    tuner.throttled();
    expect(p.requests.limit).toBe(1);
    tuner.setMax(256);
    p.requests.setLimit(12);
    tuner.throttled();
    expect(p.requests.limit).toBe(6);
    tuner.throttled();
    expect(p.requests.limit).toBe(4);
    tuner.stop();
    p.close();
  });
});
