import type { RunStatus, RunSummary } from '../../../shared/contract.js';
import { END_STEP } from '../run-status.js';
import type { WireMetadata, WireRun } from './service-wire.js';

// A run's status from the metadata service's records, as Metaflow's client and the service itself read them:
// each task's latest attempt (`attempt` metadata) succeeded or failed by its `attempt_ok`; the run succeeded when
// an `end` task did, failed when a task's latest attempt failed (its retries are spent), else it is unfinished.
// An unfinished run is running only while its heartbeat is fresh: the service's RUN_INACTIVE_CUTOFF_TIME
// (360 s by default) decides, so a run whose worker was killed is not "running" for ever.

/** The service's default RUN_INACTIVE_CUTOFF_TIME. */
export const DEFAULT_HEARTBEAT_CUTOFF_S = 360;

export type Outcome = 'succeeded' | 'failed' | 'unfinished';

interface TaskAttempts {
  step: string;
  latest: number;
  ok: Map<number, boolean>;
}

function attemptOf(row: WireMetadata): number | undefined {
  for (const tag of row.tags) {
    const match = /^attempt_id:(\d+)$/.exec(tag);
    if (match) return Number(match[1]);
  }
  return undefined;
}

export interface RunOutcome {
  outcome: Outcome;
  /** When the run ended: the end task's success, or the last record of a failed run; null while unfinished. */
  finishedAt: number | null;
  /** The newest record of any task. */
  lastRecordAt: number | null;
}

export function runOutcome(metadata: readonly WireMetadata[]): RunOutcome {
  const tasks = new Map<string, TaskAttempts>();
  let lastRecordAt: number | null = null;
  let endOkAt: number | null = null;
  for (const row of metadata) {
    if (row.ts_epoch !== null && (lastRecordAt === null || row.ts_epoch > lastRecordAt)) lastRecordAt = row.ts_epoch;
    const key = `${row.step_name}/${row.task_id}`;
    const task = tasks.get(key) ?? { step: row.step_name, latest: 0, ok: new Map<number, boolean>() };
    tasks.set(key, task);
    const attempt = attemptOf(row);
    if (row.field_name === 'attempt' && attempt !== undefined) task.latest = Math.max(task.latest, attempt);
    if (row.field_name === 'attempt_ok' && attempt !== undefined) {
      const ok = row.value === 'True';
      task.ok.set(attempt, ok);
      if (ok && row.step_name === END_STEP && row.ts_epoch !== null) endOkAt = Math.max(endOkAt ?? 0, row.ts_epoch);
    }
  }
  if (endOkAt !== null) return { outcome: 'succeeded', finishedAt: endOkAt, lastRecordAt };
  const failed = [...tasks.values()].some((t) => t.ok.get(t.latest) === false);
  return failed ? { outcome: 'failed', finishedAt: lastRecordAt, lastRecordAt } : { outcome: 'unfinished', finishedAt: null, lastRecordAt };
}

/** Running while the heartbeat is within the cutoff; stale (its worker is gone) after it. */
export function liveness(outcome: Outcome, lastHeartbeatAt: number | null, cutoffMs: number, now: number): RunStatus {
  if (outcome !== 'unfinished') return outcome;
  return lastHeartbeatAt !== null && now - lastHeartbeatAt <= cutoffMs ? 'running' : 'stale';
}

/** The contract's run summary of a service run, its status as of `now`. */
export function serviceRunSummary(run: WireRun, outcome: RunOutcome, cutoffMs: number, now: number): RunSummary & { lastHeartbeatAt: number | null } {
  const startedAt = run.ts_epoch;
  const lastHeartbeatAt = run.last_heartbeat_ts;
  const activity = [lastHeartbeatAt, outcome.lastRecordAt].filter((t): t is number => t !== null);
  const finishedAt = outcome.finishedAt;
  return {
    flow: run.flow_id,
    id: run.run_id ?? run.run_number,
    status: liveness(outcome.outcome, lastHeartbeatAt, cutoffMs, now),
    startedAt,
    finishedAt,
    durationMs: startedAt !== null && finishedAt !== null ? finishedAt - startedAt : null,
    user: run.user ?? userFromTags(run.system_tags) ?? run.user_name ?? null,
    tags: [...run.tags].sort(),
    systemTags: [...run.system_tags].sort(),
    lastActivityAt: activity.length > 0 ? Math.max(...activity) : null,
    approximate: null,
    // Where a failed run stopped is read from the datastore with its run view; the list names none.
    failure: null,
    lastHeartbeatAt,
  };
}

function userFromTags(systemTags: readonly string[]): string | undefined {
  return systemTags.find((t) => t.startsWith('user:'))?.slice('user:'.length);
}
