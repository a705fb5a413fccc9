import { describe, expect, it } from 'vitest';
import { lastLogTime } from '../../electron/metaflow/mflog.js';

// An attempt's end from its logs: the latest mflog timestamp over all its files.

const line = (time: string, text: string) => `[MFLOG|0|${time}|runtime|00000000-0000-0000-0000-000000000000]${text}`;

describe('lastLogTime', () => {
  it('takes the latest timestamp across files, whatever their order', () => {
    const stdout = `${line('2026-11-22T06:00:18.758823Z', 'a')}\n${line('2026-11-22T06:00:20.100000Z', 'b')}\n`;
    const stderr = `${line('2026-11-22T06:00:19.000000Z', 'c')}\nan unstructured line\n`;
    expect(lastLogTime([stdout, stderr])).toBe(Date.UTC(2026, 10, 22, 6, 0, 20, 100));
  });

  it('has no time for empty logs or logs without mflog prefixes', () => {
    expect(lastLogTime([])).toBeNull();
    expect(lastLogTime(['', 'plain text\n'])).toBeNull();
    expect(lastLogTime([line('not-a-time', 'x')])).toBeNull();
  });
});
