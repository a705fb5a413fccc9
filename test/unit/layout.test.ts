import { describe, expect, it } from 'vitest';
import { compareIds, isFlowName, lastSegment, parseAttemptFile, pathPrefix } from '../../electron/metaflow/layout.js';

describe('compareIds', () => {
  it('sorts numeric ids as numbers, not as text', () => {
    expect(['10', '9', '100', '2', '1'].sort(compareIds)).toEqual(['1', '2', '9', '10', '100']);
  });

  it('orders local-runtime run ids (microsecond epochs) correctly', () => {
    const runs = ['1795327236114459', '1795327185626482', '999999999999999', '1795327214776270'];
    expect([...runs].sort(compareIds)).toEqual(['999999999999999', '1795327185626482', '1795327214776270', '1795327236114459']);
  });

  it('compares ids beyond 2^53 exactly', () => {
    // As doubles these two are equal; a reader must not collapse them.
    const a = '9007199254740993';
    const b = '9007199254740992';
    expect(compareIds(a, b)).toBeGreaterThan(0);
    expect(compareIds(b, a)).toBeLessThan(0);
    expect(['100000000000000000000', '99999999999999999999'].sort(compareIds)).toEqual(['99999999999999999999', '100000000000000000000']);
  });

  it('puts numeric ids before scheduler ids, which sort as text', () => {
    expect(['sfn-b', '12', 'argo-x', '3', 'argo-a'].sort(compareIds)).toEqual(['3', '12', 'argo-a', 'argo-x', 'sfn-b']);
  });

  it('is a consistent ordering: antisymmetric, and zero only for equal ids', () => {
    const ids = ['1', '2', '10', '01', 'a', 'b', 'argo-1', '1795327185626482'];
    for (const a of ids) {
      for (const b of ids) {
        expect(Math.sign(compareIds(a, b)) + Math.sign(compareIds(b, a))).toBe(0);
        if (a === b) expect(compareIds(a, b)).toBe(0);
      }
    }
  });
});

describe('parseAttemptFile', () => {
  it.each([
    ['0.data.json', { attempt: 0, kind: 'data.json' }],
    ['1.data.json', { attempt: 1, kind: 'data.json' }],
    ['0.runtime_stdout.log', { attempt: 0, kind: 'runtime_stdout.log' }],
    ['12.DONE.lock', { attempt: 12, kind: 'DONE.lock' }],
    ['3.attempt.json', { attempt: 3, kind: 'attempt.json' }],
    ['0.task_end', { attempt: 0, kind: 'task_end' }],
  ])('parses %s', (file, expected) => {
    expect(parseAttemptFile(file)).toEqual(expected);
  });

  it.each(['_resume_done', 'data.json', '.data.json', '1.', 'x1.data.json', '-1.data.json', '1data.json', ''])(
    'ignores %j, which is not an attempt file',
    (file) => {
      expect(parseAttemptFile(file)).toBeUndefined();
    },
  );
});

describe('path helpers', () => {
  it('accepts Python identifiers as flows but not the datatools root or dotted names', () => {
    expect(isFlowName('RetryFlow')).toBe(true);
    expect(isFlowName('_Private1')).toBe(true);
    expect(isFlowName('data')).toBe(false);
    expect(isFlowName('mf.cards')).toBe(false);
    expect(isFlowName('1Flow')).toBe(false);
  });

  it('takes the last segment of a listed prefix', () => {
    expect(lastSegment('ds/RetryFlow/1795327214776270/')).toBe('1795327214776270');
    expect(lastSegment('ds/')).toBe('ds');
    expect(lastSegment('top')).toBe('top');
  });

  it('builds listing prefixes under the sysroot prefix', () => {
    expect(pathPrefix('ds/', {})).toBe('ds/');
    expect(pathPrefix('', { flow: 'F' })).toBe('F/');
    expect(pathPrefix('ds/', { flow: 'F', run: '1', step: 'start', task: '1' })).toBe('ds/F/1/start/1/');
  });
});
