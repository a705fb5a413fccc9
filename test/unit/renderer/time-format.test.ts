import { afterEach, describe, expect, it } from 'vitest';
import { formatClock, formatTime, formatTimeAt, formatZone } from '../../../renderer/src/format.js';

// Every time the app shows names its zone, so a time read off a screen or a screenshot is one instant.

const INSTANT = Date.UTC(2026, 11, 4, 13, 3, 22); // 2026-12-04 13:03:22 UTC
const SUMMER = Date.UTC(2026, 6, 4, 13, 3, 22);
const savedTz = process.env.TZ;

afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('formatTimeAt', () => {
  it('shows the wall clock of the offset and names the offset', () => {
    expect(formatTimeAt(INSTANT, 60)).toBe('2026-12-04 14:03:22 UTC+01:00');
    expect(formatTimeAt(INSTANT, 0)).toBe('2026-12-04 13:03:22 UTC');
    expect(formatTimeAt(INSTANT, 330)).toBe('2026-12-04 18:33:22 UTC+05:30');
    // West of UTC the date can be the day before.
    expect(formatTimeAt(Date.UTC(2026, 11, 4, 1, 0, 0), -210)).toBe('2026-12-03 21:30:00 UTC-03:30');
  });

  it('says "—" for a time that is not known', () => {
    expect(formatTimeAt(null, 60)).toBe('—');
    expect(formatTime(null)).toBe('—');
    expect(formatTime(Number.NaN)).toBe('—');
  });
});

describe('formatZone', () => {
  it('names whole and partial hour offsets both ways', () => {
    expect(formatZone(0)).toBe('UTC');
    expect(formatZone(120)).toBe('UTC+02:00');
    expect(formatZone(-480)).toBe('UTC-08:00');
    expect(formatZone(345)).toBe('UTC+05:45');
  });
});

describe('formatTime', () => {
  it("uses the computer's zone with its offset on that date (summer time included)", () => {
    process.env.TZ = 'Europe/Paris';
    expect(formatTime(INSTANT)).toBe('2026-12-04 14:03:22 UTC+01:00');
    expect(formatTime(SUMMER)).toBe('2026-07-04 15:03:22 UTC+02:00');
    process.env.TZ = 'America/New_York';
    expect(formatTime(INSTANT)).toBe('2026-12-04 08:03:22 UTC-05:00');
    process.env.TZ = 'UTC';
    expect(formatTime(INSTANT)).toBe('2026-12-04 13:03:22 UTC');
  });

  it('gives chart axes the time of day alone', () => {
    process.env.TZ = 'Asia/Kolkata';
    expect(formatClock(INSTANT)).toBe('18:33:22');
  });
});
