import { describe, expect, it } from 'vitest';
import { logFileNames, mergeLogs } from '../../electron/metaflow/mflog.js';
import { readFixtureBlobs } from '../harness/metaflow-fixture.js';

const line = (time: string, source: string, text: string) => `[MFLOG|0|${time}|${source}|00000000-0000-0000-0000-000000000000]${text}`;

describe('mergeLogs', () => {
  it('strips the mflog prefix and keeps time and source', () => {
    const merged = mergeLogs([{ source: 'runtime', text: `${line('2026-11-22T06:00:18.758823Z', 'runtime', 'hello')}\n` }]);
    expect(merged).toEqual([{ n: 1, time: '2026-11-22T06:00:18.758823Z', source: 'runtime', text: 'hello' }]);
  });

  it('interleaves runtime and task files by timestamp', () => {
    const runtime = [line('2026-01-01T00:00:01.000000Z', 'runtime', 'r1'), line('2026-01-01T00:00:03.000000Z', 'runtime', 'r2')].join('\n');
    const task = [line('2026-01-01T00:00:02.000000Z', 'task', 't1'), line('2026-01-01T00:00:04.000000Z', 'task', 't2')].join('\n');
    const merged = mergeLogs([{ source: 'task', text: task }, { source: 'runtime', text: runtime }]);
    expect(merged.map((l) => l.text)).toEqual(['r1', 't1', 'r2', 't2']);
    expect(merged.map((l) => l.n)).toEqual([1, 2, 3, 4]);
  });

  it('keeps an unstructured line after the structured line before it', () => {
    const text = [line('2026-01-01T00:00:01.000000Z', 'runtime', 'a'), 'plain continuation', line('2026-01-01T00:00:05.000000Z', 'runtime', 'b')].join('\n');
    const other = line('2026-01-01T00:00:03.000000Z', 'task', 'middle');
    const merged = mergeLogs([{ source: 'runtime', text }, { source: 'task', text: other }]);
    expect(merged.map((l) => [l.text, l.time])).toEqual([
      ['a', '2026-01-01T00:00:01.000000Z'],
      ['plain continuation', null],
      ['middle', '2026-01-01T00:00:03.000000Z'],
      ['b', '2026-01-01T00:00:05.000000Z'],
    ]);
  });

  it('gives an empty log no lines', () => {
    expect(mergeLogs([{ source: 'runtime', text: '' }])).toEqual([]);
  });

  it('reads the traceback of a real failed attempt line by line', async () => {
    const blobs = await readFixtureBlobs();
    const [name, bytes] = [...blobs].find(([n]) => /RetryFlow\/\d+\/flaky\/\d+\/0\.runtime_stderr\.log$/.test(n)) ?? [];
    expect(name).toBeDefined();
    const raw = bytes?.toString('utf8') ?? '';
    const merged = mergeLogs([{ source: 'runtime', text: raw }]);
    expect(merged.length).toBe(raw.split('\n').filter((l) => l !== '').length);
    expect(merged.some((l) => l.text.startsWith('Traceback (most recent call last):'))).toBe(true);
    expect(merged.every((l) => !l.text.startsWith('[MFLOG'))).toBe(true);
  });
});

describe('logFileNames', () => {
  it('names remote, local and legacy files of an attempt', () => {
    expect(logFileNames(1, 'stderr').map((f) => f.name)).toEqual(['1.task_stderr.log', '1.runtime_stderr.log', '1.stderr.log']);
  });
});
