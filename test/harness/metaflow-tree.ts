import type { Manifest } from './metaflow-fixture.js';

// The run trees of the shared Metaflow fixture as its manifest's blob names describe them
// (LAYOUT.md §2): `<Flow>/<run>/<step>/<task>/<attempt>.<kind>`, attempts from the `N.` prefix.
// Tests derive what the app must show from this, never from the app's own readers.

export interface FixtureTask {
  flow: string;
  run: string;
  step: string;
  id: string;
  /** Attempt numbers, ascending. */
  attempts: number[];
  /** File names in the task folder, e.g. `0.data.json`. */
  files: string[];
}

export interface FixtureRun {
  flow: string;
  id: string;
  /** Real steps → their tasks, ascending by numeric id; `_parameters` is apart. */
  steps: Map<string, FixtureTask[]>;
  parameters: FixtureTask | undefined;
}

/** Blob-name prefix of the datastore inside the container ('ds/' for the shared set). */
export function datastorePrefix(manifest: Manifest): string {
  const root = manifest.datastore_sysroot_azure;
  const slash = root.indexOf('/');
  return slash < 0 ? '' : `${root.slice(slash + 1)}/`;
}

/** Flow → run id → run, from every blob `<prefix><Flow>/<run>/<step>/<task>/<file>` outside the CAS. */
export function fixtureRuns(manifest: Manifest): Map<string, Map<string, FixtureRun>> {
  const prefix = datastorePrefix(manifest);
  const flows = new Map<string, Map<string, FixtureRun>>();
  const tasks = new Map<string, FixtureTask>();
  for (const { name } of manifest.blobs) {
    if (!name.startsWith(prefix)) continue;
    const parts = name.slice(prefix.length).split('/');
    if (parts.length !== 5 || parts[1] === 'data') continue;
    const [flow, run, step, id, file] = parts;
    const key = `${flow}/${run}/${step}/${id}`;
    let task = tasks.get(key);
    if (task === undefined) {
      task = { flow, run, step, id, attempts: [], files: [] };
      tasks.set(key, task);
    }
    task.files.push(file);
    const attempt = /^(\d+)\./.exec(file);
    if (attempt !== null && !task.attempts.includes(Number(attempt[1]))) task.attempts.push(Number(attempt[1]));
  }
  for (const task of tasks.values()) {
    task.attempts.sort((a, b) => a - b);
    const runs = flows.get(task.flow) ?? new Map<string, FixtureRun>();
    flows.set(task.flow, runs);
    const run = runs.get(task.run) ?? { flow: task.flow, id: task.run, steps: new Map<string, FixtureTask[]>(), parameters: undefined };
    runs.set(task.run, run);
    if (task.step === '_parameters') run.parameters = task;
    else run.steps.set(task.step, [...(run.steps.get(task.step) ?? []), task].sort((a, b) => Number(a.id) - Number(b.id)));
  }
  return flows;
}

/** Every task of a run, across its steps. */
export function runTasks(run: FixtureRun): FixtureTask[] {
  return [...run.steps.values()].flat();
}

/** The latest mflog time over an attempt's log files, from the fixture's own bytes; null when no line carries one. */
export function lastLogLine(task: FixtureTask, attempt: number, read: (file: string) => Buffer): number | null {
  const times = task.files
    .filter((f) => f.startsWith(`${attempt}.`) && f.endsWith('.log'))
    .flatMap((f) => [...read(f).toString('utf8').matchAll(/^\[MFLOG\|0\|([^|]+)\|/gm)].map((m) => Date.parse(m[1])));
  return times.length > 0 ? Math.max(...times) : null;
}

/**
 * What Metaflow recorded of a run's times (LAYOUT.md): the start in `_parameters/0/0.attempt.json`, the end at the
 * last log line of its end task, or of any task when it failed. `read` gives a task's file.
 */
export function recordedRunTimes(run: FixtureRun, read: (task: FixtureTask, file: string) => Buffer): { startedAt: number; finishedAt: number } | undefined {
  if (run.parameters === undefined) return undefined;
  const startedAt = Math.round((JSON.parse(read(run.parameters, '0.attempt.json').toString('utf8')) as { time: number }).time * 1000);
  const latest = (t: FixtureTask) => t.attempts.filter((n) => t.files.includes(`${n}.attempt.json`)).at(-1) ?? 0;
  const ending = run.steps.has('end') ? (run.steps.get('end') ?? []) : runTasks(run);
  const ends = ending.map((t) => lastLogLine(t, latest(t), (f) => read(t, f))).filter((t): t is number => t !== null);
  return { startedAt, finishedAt: Math.max(startedAt, ...ends) };
}
