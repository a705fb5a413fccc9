import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunDetail, RunSummary, TaskDetail } from '../../../shared/schemas/metaflow.js';

// Runs, run views and task views as the datastore readers produce them, for the index tests.

export const FLOW = 'TrainFlow';
/** 2024-01-01T00:00:00Z: runs start a minute apart from here. */
export const T0 = Date.UTC(2024, 0, 1);

export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stratus-index-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** An exception as the readers decode Metaflow's MetaflowExceptionWrapper. */
const ERROR = { type: 'builtins.ValueError', message: 'bad value', traceback: 'Traceback (most recent call last):\nValueError: bad value\n' };

export function run(id: string, overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    flow: FLOW,
    id,
    status: 'succeeded',
    startedAt: T0,
    finishedAt: T0 + 1000,
    durationMs: 1000,
    user: 'alice',
    tags: ['nightly'],
    systemTags: ['user:alice', 'runtime:dev'],
    lastActivityAt: T0 + 1000,
    approximate: null,
    failure: null,
    ...overrides,
  };
}

/** Run i of a big flow: ids 1…n, a minute apart, a mix of states, users and tags. */
export function manyRuns(n: number): RunSummary[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    const status = i % 10 === 0 ? 'running' : i % 7 === 0 ? 'failed' : 'succeeded';
    const startedAt = T0 + i * 60_000;
    const durationMs = status === 'running' ? null : ((i * 7919) % 3600) * 1000;
    return run(String(i), {
      status,
      startedAt,
      finishedAt: durationMs === null ? null : startedAt + durationMs,
      durationMs,
      user: `user${i % 5}`,
      tags: [`t${i % 10}`],
      systemTags: [`user:user${i % 5}`, 'runtime:dev'],
    });
  });
}

export function runDetail(id: string, status: RunSummary['status'] = 'succeeded'): RunDetail {
  const done = status !== 'running';
  return {
    summary: run(id, { status, failure: status === 'failed' ? { step: 'train', task: '2', exception: ERROR } : null }),
    steps: [
      { name: 'start', type: 'split-foreach', next: ['train'], taskCount: 1, status: 'succeeded' },
      { name: 'train', type: 'linear', next: ['end'], taskCount: 2, status: done ? 'succeeded' : 'running' },
    ],
    tasks: [
      {
        step: 'start',
        id: '1',
        status: 'succeeded',
        cloned: false,
        caught: ERROR,
        problems: [],
        attempts: [{ attempt: 0, status: 'succeeded', startedAt: T0, finishedAt: T0 + 10, approximate: null, exception: null }],
      },
      {
        step: 'train',
        id: '2',
        status: done ? 'succeeded' : 'running',
        cloned: false,
        caught: null,
        problems: [],
        attempts: [
          { attempt: 0, status: 'failed', startedAt: T0 + 20, finishedAt: T0 + 30, approximate: null, exception: ERROR },
          { attempt: 1, status: done ? 'succeeded' : 'running', startedAt: T0 + 40, finishedAt: done ? T0 + 50 : null, approximate: null, exception: null },
        ],
      },
      {
        step: 'train',
        id: '10',
        status: 'unknown',
        cloned: true,
        caught: null,
        problems: ['0.data.json is damaged'],
        attempts: [{ attempt: 0, status: 'unknown', startedAt: null, finishedAt: T0 + 60, approximate: null, exception: null }],
      },
    ],
    parameters: [
      { name: 'alpha', value: { kind: 'float', value: 0.5 } },
      { name: 'layers', value: [1, 2, { deep: [null, true, 'x'] }] },
    ],
    resumed: null,
    problems: ['The DAG could not be read: example'],
  };
}

export function taskDetail(attempt: number): TaskDetail {
  return {
    task: {
      step: 'train',
      id: '2',
      status: 'succeeded',
      cloned: false,
      caught: null,
      problems: [],
      attempts: [{ attempt, status: 'succeeded', startedAt: T0, finishedAt: T0 + 5, approximate: null, exception: null }],
    },
    attempt,
    // Not in name order: the index keeps the order data.json gave.
    artifacts: [
      { name: 'model', sha: 'b'.repeat(40), size: 1234, type: 'sklearn.Model', encoding: 'gzip+pickle-v4' },
      { name: 'accuracy', sha: 'a'.repeat(40), size: null, type: null, encoding: 'gzip+pickle-v2' },
    ],
    artifactProblem: null,
    cards: [{ file: 'default-abc.html', type: 'default', id: null }],
  };
}
