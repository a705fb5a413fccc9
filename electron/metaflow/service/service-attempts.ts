import type { WireMetadata } from './service-wire.js';

// A run's attempts from the metadata service's metadata rows, as Metaflow's client reads them: each row is tagged
// `attempt_id:N`; `attempt` marks the start of attempt N, `attempt_ok` ("True"/"False") its outcome, and
// `attempt-done` its end. An attempt that ended without `attempt_ok` (older clients) is judged by its `_task_ok`
// artifact, read by the caller only then.

export interface ServiceAttempt {
  attempt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** `attempt_ok`; undefined when the attempt recorded none. */
  ok: boolean | undefined;
  /** `attempt-done` or `attempt_ok` was recorded: the attempt ended. */
  done: boolean;
}

export interface ServiceTaskRecord {
  step: string;
  id: string;
  /** Ascending by attempt number. */
  attempts: ServiceAttempt[];
  /** `origin-task-id`: cloned by `resume` from that task of the origin run. */
  originTaskId: string | null;
  /** `origin-run-id`, when not "None". */
  originRunId: string | null;
  /** `ds-root`: the datastore root the task wrote to. */
  dsRoot: string | null;
}

const NONE = new Set(['None', '']);

function attemptOf(row: WireMetadata): number | undefined {
  for (const tag of row.tags) {
    const match = /^attempt_id:(\d{1,4})$/.exec(tag);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** Tasks keyed `<step>/<task id>`, with their attempts; a task with no attempt-tagged row has none. */
export function taskRecords(metadata: readonly WireMetadata[]): Map<string, ServiceTaskRecord> {
  const tasks = new Map<string, ServiceTaskRecord & { byAttempt: Map<number, ServiceAttempt & { firstAt: number | null }> }>();
  for (const row of metadata) {
    const key = `${row.step_name}/${row.task_id}`;
    let task = tasks.get(key);
    if (!task) {
      task = { step: row.step_name, id: row.task_id, attempts: [], originTaskId: null, originRunId: null, dsRoot: null, byAttempt: new Map() };
      tasks.set(key, task);
    }
    const value = NONE.has(row.value) ? null : row.value;
    if (row.field_name === 'origin-task-id') task.originTaskId = value;
    if (row.field_name === 'origin-run-id') task.originRunId = value;
    if (row.field_name === 'ds-root') task.dsRoot = value;
    const n = attemptOf(row);
    // Rows before the first `attempt` (registered when the task was made) carry attempt_id:0 but start nothing.
    if (n === undefined || !['attempt', 'attempt_ok', 'attempt-done'].includes(row.field_name)) continue;
    let attempt = task.byAttempt.get(n);
    if (!attempt) {
      attempt = { attempt: n, startedAt: null, finishedAt: null, ok: undefined, done: false, firstAt: row.ts_epoch };
      task.byAttempt.set(n, attempt);
    }
    if (row.ts_epoch !== null && (attempt.firstAt === null || row.ts_epoch < attempt.firstAt)) attempt.firstAt = row.ts_epoch;
    if (row.field_name === 'attempt') attempt.startedAt = row.ts_epoch;
    if (row.field_name === 'attempt_ok') {
      attempt.ok = row.value === 'True';
      attempt.done = true;
      attempt.finishedAt = attempt.finishedAt ?? row.ts_epoch;
    }
    if (row.field_name === 'attempt-done') {
      attempt.done = true;
      attempt.finishedAt = row.ts_epoch ?? attempt.finishedAt;
    }
  }
  const result = new Map<string, ServiceTaskRecord>();
  for (const [key, { byAttempt, ...task }] of tasks) {
    const attempts = [...byAttempt.values()]
      .sort((a, b) => a.attempt - b.attempt)
      .map(({ firstAt, ...a }) => ({ ...a, startedAt: a.startedAt ?? firstAt }));
    result.set(key, { ...task, attempts });
  }
  return result;
}
