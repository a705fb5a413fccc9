import { describe, expect, it } from 'vitest';
import { RequestWindow } from '../../electron/transfer/request-window.js';

// A job's window of requests in flight (a download's ranges, an upload's blocks), fed simulated
// requests: on a link where each connection has its own cap (per-request speed holds however many
// run) it grows to its maximum; where the requests share one cap (each gets total / window) it gives
// back the step that slowed them and stays; on a link with both it settles where the link is full.

const RANGE = 8 * 1024 * 1024;

/** Feeds ranges until `count` have finished, each taking as long as `speed(window)` bytes/ms allows. */
function run(window: RequestWindow, count: number, speed: (inFlight: number) => number): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    window.done(RANGE, RANGE / speed(window.size));
    sizes.push(window.size);
  }
  return sizes;
}

describe('the range window', () => {
  it('grows by half per window of ranges while each range keeps its speed (per-connection caps)', () => {
    const window = new RequestWindow(8, 32);
    const sizes = run(window, 70, () => 5000);
    expect(sizes[7]).toBe(12);
    expect(sizes[19]).toBe(18);
    expect(sizes[37]).toBe(27);
    expect(sizes.at(-1)).toBe(32);
  });

  it('stays where it was when ranges slow down as more run (a shared total cap)', () => {
    const window = new RequestWindow(8, 32);
    const sizes = run(window, 60, (inFlight) => 40_000 / inFlight);
    expect(Math.max(...sizes)).toBe(12);
    expect(sizes.at(-1)).toBe(8);
  });

  it('settles with enough requests in flight to fill a link whose connections are each slower than it', () => {
    // The office and home profiles: 100 Mbit/s per connection of 500 in all, 40 of 200.
    for (const [perConnection, total] of [
      [12_500, 62_500],
      [5_000, 25_000],
    ]) {
      const window = new RequestWindow(4, 7);
      run(window, 40, (inFlight) => Math.min(perConnection, total / inFlight));
      expect(window.size * perConnection).toBeGreaterThanOrEqual(total);
      expect(window.size).toBeLessThan(7);
    }
  });

  it('keeps growing while the window as a whole moves more, though each request slows a little (time waiting on the service)', () => {
    // Each request spends a fixed time waiting besides its transfer: per-request speed falls as more
    // share the link, but every step still adds a fifth or more to what the window moves.
    const window = new RequestWindow(8, 64);
    run(window, 200, (inFlight) => 10_000 / (1 + 0.05 * inFlight));
    expect(window.size).toBeGreaterThanOrEqual(27);
  });
});
