import type { AttemptFiles, RunTree, TaskTree } from './run-tree.js';
import { latestAttempt } from './run-tree.js';

// Status from what the datastore holds (LAYOUT.md §3, §7). A DONE.lock only says an attempt
// ended: success comes from `N.runtime` (local runtime) or the `_task_ok` artifact, read through
// the probe. A run succeeded when its end task did; it is running while some current attempt has
// no DONE.lock; otherwise it failed (the runtime stops at a failed task once retries are spent).

export type Outcome = 'running' | 'succeeded' | 'failed' | 'unknown';

/** Reads whether a finished attempt succeeded; undefined when the datastore cannot tell. */
export type SuccessProbe = (task: TaskTree, attempt: AttemptFiles) => Promise<boolean | undefined>;

export const END_STEP = 'end';

/** Finished runs never change; running and stale ones are read again. */
export function isFinished(status: string): boolean {
  return status === 'succeeded' || status === 'failed';
}

export async function attemptOutcome(task: TaskTree, attempt: AttemptFiles, probe: SuccessProbe): Promise<Outcome> {
  if (!attempt.files.has('DONE.lock')) return 'running';
  const ok = await probe(task, attempt);
  return ok === undefined ? 'unknown' : ok ? 'succeeded' : 'failed';
}

export async function taskOutcome(task: TaskTree, probe: SuccessProbe): Promise<Outcome> {
  const current = latestAttempt(task);
  return current ? attemptOutcome(task, current, probe) : 'unknown';
}

export async function runOutcome(tree: RunTree, probe: SuccessProbe, endStep = END_STEP): Promise<Exclude<Outcome, 'unknown'>> {
  const ends = tree.tasks.filter((t) => t.step === endStep);
  for (const end of ends) {
    if ((await taskOutcome(end, probe)) === 'succeeded') return 'succeeded';
  }
  const unfinished = [tree.parameters, ...tree.tasks].some((t) => t !== undefined && !latestAttempt(t)?.files.has('DONE.lock'));
  return unfinished || tree.tasks.length === 0 ? 'running' : 'failed';
}

/** Epoch ms of the first attempt start and the last DONE.lock, from listing times (no reads). */
export function runTimes(tree: RunTree): { startedAt: number | null; finishedAt: number | null } {
  let startedAt: number | null = null;
  let finishedAt: number | null = null;
  for (const task of [tree.parameters, ...tree.tasks]) {
    for (const attempt of task?.attempts ?? []) {
      const start = attempt.files.get('attempt.json')?.lastModified?.getTime();
      const end = attempt.files.get('DONE.lock')?.lastModified?.getTime();
      if (start !== undefined && (startedAt === null || start < startedAt)) startedAt = start;
      if (end !== undefined && (finishedAt === null || end > finishedAt)) finishedAt = end;
    }
  }
  return { startedAt, finishedAt };
}
