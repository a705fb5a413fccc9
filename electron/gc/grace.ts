import { StratusError } from '../../shared/errors.js';

// Only objects older than the grace period may go: a task writes its artifacts before the index
// that names them, so a young unreferenced blob may belong to a task still running. Never under an hour.

export const DEFAULT_GRACE_HOURS = 7 * 24;
export const MIN_GRACE_HOURS = 1;
const HOUR_MS = 3_600_000;

/** The newest Last-Modified a candidate may have, for a clock reading `now` (injectable for tests). */
export function graceCutoff(graceHours: number, now: number): number {
  if (!Number.isFinite(graceHours) || graceHours < MIN_GRACE_HOURS) {
    throw new StratusError({
      code: 'INVALID_ARGUMENT',
      message: `The grace period must be at least ${MIN_GRACE_HOURS} hour: younger objects may belong to a task that is still writing.`,
    });
  }
  return now - graceHours * HOUR_MS;
}
