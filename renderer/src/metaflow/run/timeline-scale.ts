import type { AttemptSummary, TaskSummary } from '../../../../shared/contract.js';

// The time axis of the Gantt chart: one span for all attempts, bars as fractions of it.

export interface Bar {
  attempt: AttemptSummary;
  /** Fractions of the span, 0..1. */
  left: number;
  width: number;
  /** Still running: the bar runs to now and stays open. */
  open: boolean;
  /** Finished, but its end is not known (or is before its start, as after a copy resets Last-Modified). */
  endUnknown: boolean;
}

export interface Scale {
  start: number;
  span: number;
}

const MIN_SPAN_MS = 1000;

/**
 * The end an attempt is drawn to: now while running, its finish when Metaflow recorded it, else none. A blob's
 * Last-Modified (an approximate time) is no end to draw: after a copy it is days late and would stretch the chart.
 */
function endOf(a: AttemptSummary, now: number): number | null {
  if (a.startedAt === null) return null;
  if (a.status === 'running') return Math.max(now, a.startedAt);
  if (a.approximate !== null) return null;
  return a.finishedAt !== null && a.finishedAt >= a.startedAt ? a.finishedAt : null;
}

export function timelineScale(tasks: TaskSummary[], now: number): Scale | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const task of tasks) {
    for (const a of task.attempts) {
      if (a.startedAt === null) continue;
      lo = Math.min(lo, a.startedAt);
      hi = Math.max(hi, endOf(a, now) ?? a.startedAt);
    }
  }
  if (!Number.isFinite(lo)) return null;
  return { start: lo, span: Math.max(hi - lo, MIN_SPAN_MS) };
}

export function bars(task: TaskSummary, scale: Scale, now: number): Bar[] {
  return task.attempts.flatMap((attempt, i) => {
    if (attempt.startedAt === null) return [];
    // Attempts run one after another: one ends before the next starts, whatever a Last-Modified says.
    const next = task.attempts[i + 1]?.startedAt ?? null;
    const recorded = endOf(attempt, now);
    const end = recorded !== null && next !== null && next >= attempt.startedAt ? Math.min(recorded, next) : recorded;
    const left = (attempt.startedAt - scale.start) / scale.span;
    return [
      {
        attempt,
        left,
        width: end === null ? 0 : Math.min((end - attempt.startedAt) / scale.span, 1 - left),
        open: attempt.status === 'running',
        endUnknown: end === null,
      },
    ];
  });
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const STEPS = [
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR,
];

/** Evenly spaced offsets from the start (ms), at most about `max` of them, on round values. */
export function ticks(span: number, max = 6): number[] {
  const step = STEPS.find((s) => span / s <= max) ?? Math.ceil(span / max / (24 * HOUR)) * 24 * HOUR;
  const out: number[] = [];
  for (let t = 0; t <= span; t += step) out.push(t);
  return out;
}

/** An offset as a short label: "+0s", "+1m 30s", "+2h". */
export function offsetLabel(ms: number): string {
  if (ms === 0) return '0';
  const h = Math.floor(ms / HOUR);
  const m = Math.floor((ms % HOUR) / MINUTE);
  const s = Math.round((ms % MINUTE) / SECOND);
  return `+${[h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].filter(Boolean).join(' ')}`;
}
