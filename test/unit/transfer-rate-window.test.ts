import { describe, expect, it } from 'vitest';
import type { Sample } from '../../electron/transfer/job-state.js';
import { keepForWindow, RATE_WINDOW_MS, windowRate } from '../../electron/transfer/rate-window.js';

// The header's transfer rate is the bytes moved over the last seconds, read from progress samples
// taken every 200 ms: a transfer at 0 B moves nothing, a capped one moves at the cap.

const MiB = 1024 * 1024;
const TICK = 200;

/** Samples every TICK ms from 0 to `until` of a counter whose value at time t is `bytesAt(t)`. */
function sampled(until: number, bytesAt: (t: number) => number): Sample[] {
  const out: Sample[] = [];
  for (let at = 0; at <= until; at += TICK) out.push({ at, bytes: bytesAt(at) });
  return out;
}

describe('windowRate', () => {
  it('is 0 for a transfer still at 0 B, however long it has waited', () => {
    expect(windowRate(sampled(8000, () => 0), 8000)).toBe(0);
    expect(windowRate([], 8000)).toBe(0);
  });

  it('matches a bandwidth cap the bytes moved at, whatever the number of jobs sharing it', () => {
    const cap = 2 * MiB;
    // Two jobs share the cap half and half; the counter is their sum.
    const both = sampled(12_000, (t) => (cap / 2) * (t / 1000) + (cap / 2) * (t / 1000));
    expect(windowRate(both, 12_000)).toBeCloseTo(cap, 6);
  });

  it('counts block-sized steps over the whole window, so 4 MiB blocks under a 2 MiB/s cap read near the cap', () => {
    const cap = 2 * MiB;
    const block = 4 * MiB;
    // A block completes every two seconds.
    const steps = sampled(20_000, (t) => Math.floor(t / ((block / cap) * 1000)) * block);
    for (let now = 6000; now <= 20_000; now += TICK) {
      const rate = windowRate(steps.filter((s) => s.at <= now), now);
      expect(rate).toBeGreaterThanOrEqual(cap * 0.8);
      expect(rate).toBeLessThanOrEqual(cap * 1.2);
    }
  });

  it('falls to 0 once a stalled transfer has moved nothing for a whole window', () => {
    const moving = sampled(4000, (t) => t * 1000);
    const stalled = [...moving, ...sampled(4000 + RATE_WINDOW_MS, () => 4_000_000).filter((s) => s.at > 4000)];
    const now = 4000 + RATE_WINDOW_MS;
    expect(windowRate(stalled, 2000)).toBeGreaterThan(0);
    expect(windowRate(stalled, now)).toBe(0);
  });

  it('does not turn the first block of a transfer into a spike', () => {
    // 4 MiB done 200 ms after the start: measured over at least a second.
    expect(windowRate([{ at: 0, bytes: 0 }, { at: 200, bytes: 4 * MiB }], 200)).toBe(4 * MiB);
  });
});

describe('keepForWindow', () => {
  it('keeps the samples inside the window and the one where it starts, in order', () => {
    const samples = sampled(10_000, (t) => t);
    const kept = keepForWindow(samples, 10_000);
    expect(kept[0].at).toBe(10_000 - RATE_WINDOW_MS);
    expect(kept.at(-1)?.at).toBe(10_000);
    expect(windowRate(kept, 10_000)).toBe(windowRate(samples, 10_000));
  });
});
