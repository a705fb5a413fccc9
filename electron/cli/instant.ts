import { parseOlderThan } from '../gc/options.js';
import { usageError } from './output.js';

// A time given on the command line: a day (YYYY-MM-DD, UTC), an ISO time, or, where `now` is given, a span back
// from now in the `--older-than` form (`7d`, `12h`, `1d2h`).

const SPAN = /^(?=\d)(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/;

export function instant(value: string | undefined, flag: string, now?: number): number | undefined {
  if (value === undefined) return undefined;
  if (now !== undefined && SPAN.test(value)) return now - parseOlderThan(value);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(ms) || ms < 0) {
    const span = now === undefined ? '' : ', or a span back from now (7d, 12h)';
    throw usageError(`--${flag} takes a date (YYYY-MM-DD) or an ISO time${span}, not "${value}".`);
  }
  return ms;
}
