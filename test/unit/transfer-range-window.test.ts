import { describe, expect, it } from 'vitest';
import { RangeWindow } from '../../electron/transfer/range-window.js';

// A download's window of ranges in flight, fed simulated ranges: on a link where each connection
// has its own cap (per-range speed holds however many run) it grows to its maximum; where the ranges
// share one cap (each gets total / window) it gives back the step that slowed them and stays.

const RANGE = 8 * 1024 * 1024;

/** Feeds ranges until `count` have finished, each taking as long as `speed(window)` bytes/ms allows. */
function run(window: RangeWindow, count: number, speed: (inFlight: number) => number): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    window.done(RANGE, RANGE / speed(window.size));
    sizes.push(window.size);
  }
  return sizes;
}

describe('the range window', () => {
  it('grows by half per window of ranges while each range keeps its speed (per-connection caps)', () => {
    const window = new RangeWindow(8, 32);
    const sizes = run(window, 70, () => 5000);
    expect(sizes[7]).toBe(12);
    expect(sizes[19]).toBe(18);
    expect(sizes[37]).toBe(27);
    expect(sizes.at(-1)).toBe(32);
  });

  it('stays where it was when ranges slow down as more run (a shared total cap)', () => {
    const window = new RangeWindow(8, 32);
    const sizes = run(window, 60, (inFlight) => 40_000 / inFlight);
    expect(Math.max(...sizes)).toBe(12);
    expect(sizes.at(-1)).toBe(8);
  });
});
