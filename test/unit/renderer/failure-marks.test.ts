import { describe, expect, it } from 'vitest';
import type { AttemptSummary, TaskSummary } from '../../../shared/contract.js';
import { exceptionText, failureText } from '../../../renderer/src/metaflow/run/failure-text.js';
import { marksText, stepMarks } from '../../../renderer/src/metaflow/run/step-marks.js';
import { nodeWidth } from '../../../renderer/src/metaflow/run/dag-layout.js';

// How a failure, a retry and a caught exception read: in the runs table's tooltip, the run view and the DAG.

const RAISED = { type: 'builtins.ValueError', message: 'bad input', traceback: 'Traceback…\nValueError: bad input\n' };

function attempt(n: number, status: AttemptSummary['status']): AttemptSummary {
  return { attempt: n, status, startedAt: 0, finishedAt: 1, approximate: null, exception: status === 'failed' ? RAISED : null };
}

function task(step: string, id: string, statuses: AttemptSummary['status'][], caught = false): TaskSummary {
  const attempts = statuses.map((s, i) => attempt(i, s));
  return { step, id, status: attempts.at(-1)?.status ?? 'unknown', attempts, cloned: false, caught: caught ? RAISED : null, problems: [] };
}

describe('failure text', () => {
  it('reads a builtin exception as Python prints it, and keeps the module of any other', () => {
    expect(exceptionText(RAISED)).toBe('ValueError: bad input');
    expect(exceptionText({ type: 'metaflow.exception.MetaflowException', message: '', traceback: '' })).toBe('metaflow.exception.MetaflowException');
  });

  it('names the failing step and task, with the exception or saying there is none', () => {
    expect(failureText({ step: 'train', task: '7', exception: RAISED })).toBe('Failed at train/7: ValueError: bad input');
    expect(failureText({ step: 'train', task: '7', exception: null })).toBe('Failed at train/7 (no exception recorded)');
  });
});

describe('step marks', () => {
  it('counts retried and caught tasks per step, and says so for one task or many', () => {
    const marks = stepMarks([
      task('start', '1', ['succeeded']),
      task('work', '2', ['failed', 'failed', 'succeeded']),
      task('work', '3', ['succeeded']),
      task('work', '4', ['failed', 'succeeded'], true),
      task('flaky', '5', ['failed', 'succeeded']),
      task('guarded', '6', ['succeeded'], true),
    ]);
    expect(marks.get('work')).toEqual({ retried: 2, maxAttempts: 3, caught: 1 });
    expect(marksText(marks.get('work'), 3)).toEqual(['2 retried', '1 caught']);
    expect(marksText(marks.get('flaky'), 1)).toEqual(['2 attempts']);
    expect(marksText(marks.get('guarded'), 1)).toEqual(['caught']);
    expect(marksText(marks.get('start'), 1)).toEqual([]);
    expect(marksText(undefined, 0)).toEqual([]);
  });
});

describe('DAG boxes', () => {
  it('widen to the info line when retries and caught tasks make it longer than the name', () => {
    const step = { name: 'work', type: 'linear', next: [], taskCount: 30, status: 'succeeded' as const };
    const plain = nodeWidth(step, '30 tasks'.length);
    expect(nodeWidth(step, '30 tasks  ·  foreach  ·  12 retried  ·  3 caught'.length)).toBeGreaterThan(plain);
  });
});
