import { describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../../shared/contract.js';
import { heartbeatText, taskBadgeStatus } from '../../../renderer/src/metaflow/run/task-liveness.js';

// How a task's liveness reads in the step's task list and the task view: a killed task is stale, not running.

const base: TaskSummary = { step: 'train', id: '7', status: 'running', attempts: [], cloned: false, caught: null, problems: [] };

describe('task liveness from a metadata service', () => {
  it('shows a task whose heartbeat stopped as stale, with when it stopped', () => {
    const killed = { ...base, lastHeartbeatAt: 1_700_000_000_000, stale: true };
    expect(taskBadgeStatus(killed)).toBe('stale');
    expect(heartbeatText(killed)).toMatch(/^last heartbeat .*2023.*: not finished, and its heartbeat stopped/);
  });

  it('keeps a live task running, and says nothing of heartbeats without a service', () => {
    const live = { ...base, lastHeartbeatAt: 1_700_000_000_000, stale: false };
    expect(taskBadgeStatus(live)).toBe('running');
    expect(heartbeatText(live)).toMatch(/^last heartbeat [^:]*2023[^]*$/);
    expect(heartbeatText(live)).not.toContain('stopped');
    expect(taskBadgeStatus(base)).toBe('running');
    expect(heartbeatText(base)).toBeUndefined();
    expect(heartbeatText({ ...base, lastHeartbeatAt: null, stale: true })).toMatch(/^no heartbeat recorded: /);
  });
});
