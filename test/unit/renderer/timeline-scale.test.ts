import { describe, expect, it } from 'vitest';
import type { AttemptSummary, TaskSummary } from '../../../shared/contract.js';
import { bars, offsetLabel, ticks, timelineScale } from '../../../renderer/src/metaflow/run/timeline-scale.js';

// The Gantt chart's axis and bars: where each attempt starts and ends on the run's span.

const T0 = Date.UTC(2026, 0, 1);

function attempt(
  n: number,
  startedAt: number | null,
  finishedAt: number | null,
  status: AttemptSummary['status'] = 'succeeded',
  approximate: string | null = null,
): AttemptSummary {
  return { attempt: n, status, startedAt, finishedAt, approximate, exception: null };
}

function task(id: string, attempts: AttemptSummary[]): TaskSummary {
  return { step: 'train', id, status: attempts.at(-1)?.status ?? 'unknown', cloned: false, caught: null, problems: [], attempts };
}

describe('timelineScale', () => {
  it('does not stretch to an end only a blob time gives (a copy makes it days late), and draws that bar as end-unknown', () => {
    const copiedDaysLater = T0 + 12 * 86_400_000;
    const tasks = [task('1', [attempt(0, T0, T0 + 4000)]), task('2', [attempt(0, T0 + 1000, copiedDaysLater, 'succeeded', 'The end is the blob time of DONE.lock')])];
    const scale = timelineScale(tasks, T0 + 60_000);
    expect(scale).toEqual({ start: T0, span: 4000 });
    expect(bars(tasks[1], scale ?? { start: T0, span: 1 }, T0 + 60_000)).toMatchObject([{ endUnknown: true, width: 0 }]);
  });

  it('spans from the first start to the last end', () => {
    const tasks = [task('1', [attempt(0, T0, T0 + 4000)]), task('2', [attempt(0, T0 + 2000, T0 + 10_000)])];
    expect(timelineScale(tasks, T0 + 60_000)).toEqual({ start: T0, span: 10_000 });
  });

  it('runs a running attempt to now, and spans at least a second', () => {
    expect(timelineScale([task('1', [attempt(0, T0, null, 'running')])], T0 + 30_000)).toEqual({ start: T0, span: 30_000 });
    expect(timelineScale([task('1', [attempt(0, T0, T0 + 10)])], T0)).toEqual({ start: T0, span: 1000 });
  });

  it('has no scale when no attempt has a start', () => {
    expect(timelineScale([task('1', [attempt(0, null, null)])], T0)).toBeNull();
    expect(timelineScale([], T0)).toBeNull();
  });
});

describe('bars', () => {
  const scale = { start: T0, span: 10_000 };

  it('places bars as fractions of the span', () => {
    const [bar] = bars(task('1', [attempt(0, T0 + 2000, T0 + 7000)]), scale, T0);
    expect(bar).toMatchObject({ left: 0.2, width: 0.5, open: false, endUnknown: false });
  });

  it('ends a retried attempt where the next one starts, whatever its Last-Modified says', () => {
    const [first, second] = bars(task('1', [attempt(0, T0, T0 + 9000, 'failed'), attempt(1, T0 + 3000, T0 + 5000)]), scale, T0);
    expect(first.width).toBeCloseTo(0.3);
    expect(second).toMatchObject({ left: 0.3, width: 0.2 });
  });

  it('marks an end before the start (a copied blob) as unknown, and a running attempt as open', () => {
    const [copied] = bars(task('1', [attempt(0, T0 + 5000, T0 + 1000)]), scale, T0);
    expect(copied).toMatchObject({ width: 0, endUnknown: true });
    const [running] = bars(task('2', [attempt(0, T0 + 5000, null, 'running')]), scale, T0 + 8000);
    expect(running).toMatchObject({ left: 0.5, open: true, endUnknown: false });
    expect(running.width).toBeCloseTo(0.3);
  });

  it('never draws past the end of the span, and skips attempts without a start', () => {
    const drawn = bars(task('1', [attempt(0, null, null), attempt(1, T0 + 8000, T0 + 20_000)]), scale, T0);
    expect(drawn).toHaveLength(1);
    expect(drawn[0].left + drawn[0].width).toBeCloseTo(1);
  });
});

describe('ticks and labels', () => {
  it('picks round steps, at most about max of them', () => {
    expect(ticks(10_000)).toEqual([0, 2000, 4000, 6000, 8000, 10_000]);
    expect(ticks(3_600_000)).toEqual([0, 600_000, 1_200_000, 1_800_000, 2_400_000, 3_000_000, 3_600_000]);
    expect(ticks(10 * 24 * 3_600_000, 5)).toEqual([0, 2, 4, 6, 8, 10].map((d) => d * 24 * 3_600_000));
  });

  it('labels offsets in hours, minutes and seconds', () => {
    expect(offsetLabel(0)).toBe('0');
    expect(offsetLabel(90_000)).toBe('+1m 30s');
    expect(offsetLabel(2 * 3_600_000)).toBe('+2h');
    expect(offsetLabel(3_600_000 + 5000)).toBe('+1h 5s');
  });
});
