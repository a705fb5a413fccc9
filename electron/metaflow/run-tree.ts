import type { ListedObject } from '../storage/object-store.js';
import { METADATA_FOLDER, PARAMETERS_STEP, parseAttemptFile } from './layout.js';

// A run's whole tree from one flat listing of `<Flow>/<run>/` (LAYOUT.md §7: the cheapest way to
// build a run view): steps, tasks, and each task's attempts with the files each attempt wrote.

const ORIGIN_RECORD = 'sysmeta_origin-run-id_';

export interface AttemptFiles {
  attempt: number;
  /** File kind ('attempt.json', 'DONE.lock', 'data.json', 'runtime', 'runtime_stdout.log', …) → listing entry. */
  files: Map<string, ListedObject>;
}

export interface TaskTree {
  step: string;
  id: string;
  /** Ascending by attempt number. */
  attempts: AttemptFiles[];
  /** Other files of the task folder that are not per-attempt (e.g. `_resume_done`). */
  extras: Map<string, ListedObject>;
}

export interface RunTree {
  /** Tasks of real steps, and the `_parameters` pseudo task apart. */
  tasks: TaskTree[];
  parameters?: TaskTree;
  /** Local metadata's `<step>/<task>/_meta/sysmeta_origin-run-id_<ts>.json` records, where the datastore holds them. */
  originRecords: ListedObject[];
  objectCount: number;
}

export function buildRunTree(runPrefix: string, objects: ListedObject[]): RunTree {
  const tasks = new Map<string, TaskTree>();
  const originRecords: ListedObject[] = [];
  for (const object of objects) {
    const [step, id, file, ...deeper] = object.name.slice(runPrefix.length).split('/');
    if (file === METADATA_FOLDER && deeper.length === 1 && deeper[0].startsWith(ORIGIN_RECORD)) originRecords.push(object);
    if (file === undefined || deeper.length > 0 || step === METADATA_FOLDER || id === METADATA_FOLDER) continue;
    const key = `${step}/${id}`;
    let task = tasks.get(key);
    if (!task) {
      task = { step, id, attempts: [], extras: new Map() };
      tasks.set(key, task);
    }
    const parsed = parseAttemptFile(file);
    if (!parsed) {
      task.extras.set(file, object);
      continue;
    }
    let attempt = task.attempts.find((a) => a.attempt === parsed.attempt);
    if (!attempt) {
      attempt = { attempt: parsed.attempt, files: new Map() };
      task.attempts.push(attempt);
    }
    attempt.files.set(parsed.kind, object);
  }
  const all = [...tasks.values()];
  for (const task of all) task.attempts.sort((a, b) => a.attempt - b.attempt);
  return {
    tasks: all.filter((t) => t.step !== PARAMETERS_STEP),
    parameters: all.find((t) => t.step === PARAMETERS_STEP),
    originRecords,
    objectCount: objects.length,
  };
}

/** The attempt Metaflow treats as current: the highest one that started (wrote attempt.json). */
export function latestAttempt(task: TaskTree): AttemptFiles | undefined {
  const started = task.attempts.filter((a) => a.files.has('attempt.json'));
  return (started.length > 0 ? started : task.attempts).at(-1);
}

/**
 * A task cloned by `resume` has only attempt.json, data.json and DONE.lock (per Metaflow source):
 * no task_begin, logs or runtime file.
 */
export function isCloned(task: TaskTree): boolean {
  if (task.attempts.length !== 1) return false;
  const kinds = [...task.attempts[0].files.keys()];
  return kinds.includes('data.json') && kinds.includes('DONE.lock') && !kinds.includes('task_begin') && !kinds.includes('runtime');
}
