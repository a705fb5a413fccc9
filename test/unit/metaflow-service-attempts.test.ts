import { describe, expect, it } from 'vitest';
import { taskRecords } from '../../electron/metaflow/service/service-attempts.js';
import { artifactEntry, checkDsRoot, type DatastoreIdentity } from '../../electron/metaflow/service/service-locations.js';
import { WireArtifact, WireMetadata } from '../../electron/metaflow/service/service-wire.js';
import { recorded, recordedRuns } from '../harness/service-recording.js';

// Attempts as the service's metadata rows tell them, and the check that an artifact record names this workspace's
// datastore before anything is read from where it points.

/** Times in ms, as the service sends `ts_epoch`; `at(n)` is n ms after a fixed start. */
const T0 = 1_700_000_000_000;
const at = (ms: number) => T0 + ms;
const row = (field: string, value: string, attempt: number | null, ts: number, task = '7', step = 'train') =>
  WireMetadata.parse({ step_name: step, task_id: task, field_name: field, value, ts_epoch: at(ts), tags: attempt === null ? [] : [`attempt_id:${attempt}`] });

describe('attempts from service metadata', () => {
  it('reads a retried task: a failed attempt, then one that succeeded, with their start and end times', () => {
    const tasks = taskRecords([
      row('user', 'ann', 0, 900),
      row('attempt', '0', 0, 1000),
      row('attempt_ok', 'False', 0, 1500),
      row('attempt-done', '0', 0, 1600),
      row('attempt', '1', 1, 2000),
      row('attempt_ok', 'True', 1, 2500),
      row('attempt-done', '1', 1, 2600),
    ]);
    expect(tasks.get('train/7')?.attempts).toEqual([
      { attempt: 0, startedAt: at(1000), finishedAt: at(1600), ok: false, done: true },
      { attempt: 1, startedAt: at(2000), finishedAt: at(2600), ok: true, done: true },
    ]);
  });

  it('leaves an attempt without outcome unfinished, and one that ended without attempt_ok for _task_ok to judge', () => {
    const tasks = taskRecords([row('attempt', '0', 0, 1000), row('attempt', '0', 0, 1000, '8'), row('attempt-done', '0', 0, 1200, '8')]);
    expect(tasks.get('train/7')?.attempts).toEqual([{ attempt: 0, startedAt: at(1000), finishedAt: null, ok: undefined, done: false }]);
    expect(tasks.get('train/8')?.attempts).toEqual([{ attempt: 0, startedAt: at(1000), finishedAt: at(1200), ok: undefined, done: true }]);
  });

  it('tells a task cloned by resume, and the run it came from', () => {
    const tasks = taskRecords([row('origin-run-id', '6', 0, 1), row('origin-task-id', '33', 0, 1), row('origin-run-id', 'None', 0, 1, '9')]);
    expect(tasks.get('train/7')).toMatchObject({ originRunId: '6', originTaskId: '33' });
    expect(tasks.get('train/9')).toMatchObject({ originRunId: null, originTaskId: null });
  });

  it('finds the recorded retried task among the fixture\'s runs', async () => {
    let retried = 0;
    for (const [flow, runs] of await recordedRuns()) {
      for (const run of runs) {
        const metadata = WireMetadata.array().parse((await recorded(`/flows/${flow}/runs/${run.run_number}/metadata`)).body);
        for (const task of taskRecords(metadata).values()) {
          if (task.attempts.length < 2) continue;
          retried++;
          // Only the last attempt can have succeeded: a retry follows a failure.
          expect(task.attempts.slice(0, -1).every((a) => a.ok === false)).toBe(true);
        }
      }
    }
    expect(retried).toBeGreaterThan(0);
  });
});

describe('artifact locations from a service', () => {
  const identity: DatastoreIdentity = { dsType: 'azure', roots: ['team/metaflow'] };
  const record = (location: string | null, dsType: string | null = 'azure') =>
    WireArtifact.parse({ step_name: 's', task_id: 1, name: 'x', location, ds_type: dsType, sha: 'ab'.repeat(20), content_type: 'pickle-v4', attempt_id: 0 });

  it('accepts a record in the workspace\'s datastore, with its encoding', () => {
    expect(artifactEntry(record(':root:team/metaflow'), identity)).toEqual({ name: 'x', sha: 'ab'.repeat(20), size: null, type: null, encoding: 'pickle-v4' });
    expect(artifactEntry(record(':root:team/metaflow/'), identity).sha).toBe('ab'.repeat(20));
  });

  it('refuses records that point at another container, a sibling prefix, a path out, another store or nowhere', () => {
    for (const [location, dsType] of [
      [':root:other/metaflow', 'azure'],
      [':root:team/metaflow-evil', 'azure'],
      [':root:team/metaflow/../secrets', 'azure'],
      [':root:team', 'azure'],
      ['https://evil.example/team/metaflow', 'azure'],
      [':root:team/metaflow', 's3'],
      [null, 'azure'],
    ] as const) {
      expect(() => artifactEntry(record(location, dsType), identity), `${location} ${dsType}`).toThrow(/outside this workspace's datastore/);
    }
  });

  it('refuses a task whose ds-root is elsewhere, and reads one that names none from the workspace', () => {
    expect(() => checkDsRoot('other/metaflow', identity, 'the logs')).toThrow(/the logs/);
    expect(() => checkDsRoot(null, identity, 'the logs')).not.toThrow();
    expect(() => checkDsRoot('team/metaflow', identity, 'the logs')).not.toThrow();
  });
});
