import { describe, expect, it } from 'vitest';
import { instant } from '../../electron/cli/instant.js';

// `--since` / `--until` (and the token report's `--from` / `--to`): what a user types becomes epoch ms.

describe('a time on the command line', () => {
  const now = Date.UTC(2026, 11, 5, 12, 0, 0);

  it('reads a day as UTC midnight and an ISO time as written', () => {
    expect(instant('2026-12-04', 'since', now)).toBe(Date.UTC(2026, 11, 4));
    expect(instant('2026-12-04T18:34:55Z', 'since', now)).toBe(Date.UTC(2026, 11, 4, 18, 34, 55));
    expect(instant(undefined, 'since', now)).toBeUndefined();
  });

  it('reads a span as that long before now, only where a span is allowed', () => {
    expect(instant('7d', 'since', now)).toBe(now - 7 * 86_400_000);
    expect(instant('1d12h', 'until', now)).toBe(now - 36 * 3_600_000);
    expect(() => instant('7d', 'from')).toThrow(/--from takes a date/);
  });

  it('names the flag and the value it cannot read', () => {
    expect(() => instant('yesterday', 'since', now)).toThrow(/--since takes a date \(YYYY-MM-DD\) or an ISO time, or a span back from now \(7d, 12h\), not "yesterday"/);
  });
});
