import type { Sample } from './job-state.js';

// Transfer rates as the bytes a counter moved over the last seconds, read from samples of it: a rate
// that follows what reached the network (and, under a cap, the cap) rather than what was queued for it.

/** How far back a rate looks: a few blocks' worth, so block-sized steps do not make it jump. */
export const RATE_WINDOW_MS = 5000;
/** A counter seen for less than this is measured over this long, so the first block is not a spike. */
const MIN_SPAN_MS = 1000;

/**
 * The samples a rate at `now` still needs: those inside the window and the last one before it
 * (the counter's value where the window starts).
 */
export function keepForWindow(samples: readonly Sample[], now: number, windowMs = RATE_WINDOW_MS): Sample[] {
  let first = 0;
  while (first + 1 < samples.length && samples[first + 1].at <= now - windowMs) first++;
  return samples.slice(first);
}

/**
 * Bytes per second a counter moved over the `windowMs` before `now`, from samples of it in time order.
 * The counter holds its last sampled value until `now`, so a stalled transfer's rate falls to 0 as the
 * window passes; a counter that never moved has a rate of 0. Never negative.
 */
export function windowRate(samples: readonly Sample[], now: number, windowMs = RATE_WINDOW_MS): number {
  if (samples.length === 0) return 0;
  const start = now - windowMs;
  let from = samples[0];
  for (const s of samples) {
    if (s.at > start) break;
    from = s;
  }
  let to = from;
  for (const s of samples) if (s.at <= now) to = s;
  const startsAt = Math.max(from.at, start);
  const span = Math.max(now - startsAt, MIN_SPAN_MS);
  return Math.max(0, ((to.bytes - from.bytes) * 1000) / span);
}
