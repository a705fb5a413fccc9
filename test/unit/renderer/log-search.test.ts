import { describe, expect, it } from 'vitest';
import { findMatches, logTime, splitMatches, type LogLine } from '../../../renderer/src/metaflow/task/log-search.js';

// Log search: which lines match, how a line is cut for highlighting, how times are shown.

function lines(...texts: string[]): LogLine[] {
  return texts.map((text, i) => ({ n: i + 1, time: null, source: 'task', text }));
}

describe('findMatches', () => {
  it('finds the lines containing the query, ignoring case', () => {
    expect(findMatches(lines('Loading data', 'epoch 1 loss=0.3', 'ERROR: loss is NaN', 'done'), 'LOSS')).toEqual([1, 2]);
  });

  it('finds nothing for an empty query or no match', () => {
    expect(findMatches(lines('a', 'b'), '')).toEqual([]);
    expect(findMatches(lines('a', 'b'), 'zz')).toEqual([]);
  });
});

describe('splitMatches', () => {
  it('cuts a line into matching and other runs, keeping the original case', () => {
    expect(splitMatches('Loss and LOSS', 'loss')).toEqual([
      { text: 'Loss', match: true },
      { text: ' and ', match: false },
      { text: 'LOSS', match: true },
    ]);
  });

  it('keeps text around matches and joins back to the line', () => {
    const segments = splitMatches('xxabxxab', 'ab');
    expect(segments.map((s) => s.text).join('')).toBe('xxabxxab');
    expect(segments.filter((s) => s.match)).toHaveLength(2);
    expect(splitMatches('aaaa', 'aa')).toEqual([
      { text: 'aa', match: true },
      { text: 'aa', match: true },
    ]);
  });

  it('returns the line whole for an empty query or no match', () => {
    expect(splitMatches('hello', '')).toEqual([{ text: 'hello', match: false }]);
    expect(splitMatches('hello', 'zz')).toEqual([{ text: 'hello', match: false }]);
  });
});

describe('logTime', () => {
  it('shows an mflog timestamp as local time with milliseconds', () => {
    const iso = '2026-11-22T05:59:51.807110Z';
    const d = new Date(iso);
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    expect(logTime(iso)).toBe(`${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.807`);
  });

  it('shows text that is not a time as is, and nothing for none', () => {
    expect(logTime('not a time')).toBe('not a time');
    expect(logTime(null)).toBe('');
  });
});
