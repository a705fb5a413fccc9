import { referencedBy } from '../../gc/metaflow/scan.js';
import type { Limiter } from '../../core/limit.js';
import { latestAttempt, buildRunTree, type TaskTree } from '../../metaflow/run-tree.js';
import { END_STEP } from '../../metaflow/run-status.js';
import { PARAMETERS_STEP } from '../../metaflow/layout.js';
import type { ListedObject, ObjectStore } from '../../storage/object-store.js';
import type { UsageRunRecord, UsageStepRecord } from '../../index/usage-types.js';

// One run's usage from two flat listings (its datastore tree and its cards) and a read of every
// attempt's data.json: what each step names in the CAS (every attempt, as gc counts them), and its
// logs and cards. The CAS keys are read the way gc reads them (referencedBy), so usage and gc agree.

/**
 * A run whose current attempts all ended is finished once its end step ended, or once nothing has
 * happened for this long: Metaflow starts a retry seconds after a failed attempt, so a quiet failed
 * run will not change.
 */
export const QUIET_MS = 60 * 60 * 1000;

export interface CardsRoot {
  store: ObjectStore;
  /** The card root's blob prefix: '' or ending in '/'. */
  prefix: string;
}

function isFinished(tasks: TaskTree[], objects: ListedObject[], now: number): boolean {
  if (tasks.length === 0) return false;
  const ended = (task: TaskTree) => latestAttempt(task)?.files.has('DONE.lock') === true;
  if (!tasks.every(ended)) return false;
  if (tasks.some((t) => t.step === END_STEP)) return true;
  const newest = Math.max(...objects.map((o) => o.lastModified?.getTime() ?? 0));
  return now - newest > QUIET_MS;
}

/** The step a card file belongs to: `steps/<step>/tasks/<task>/…`, or as older Metaflow wrote, `tasks/<task>/…`. */
function cardStep(relative: string, stepOfTask: Map<string, string>): string | undefined {
  const parts = relative.split('/');
  if (parts[0] === 'steps' && parts[2] === 'tasks') return parts[1];
  if (parts[0] === 'tasks') return stepOfTask.get(parts[1]);
  return undefined;
}

export async function readRunUsage(
  store: ObjectStore,
  root: string,
  cards: CardsRoot,
  flow: string,
  run: string,
  limiter: Limiter,
  now: number,
): Promise<UsageRunRecord> {
  const runPrefix = `${root}${flow}/${run}/`;
  const cardPrefix = `${cards.prefix}${flow}/runs/${run}/`;
  const [objects, cardObjects] = await Promise.all([limiter.run(() => store.listAll(runPrefix)), limiter.run(() => cards.store.listAll(cardPrefix))]);
  const tree = buildRunTree(runPrefix, objects);
  const tasks = tree.parameters ? [tree.parameters, ...tree.tasks] : tree.tasks;
  const steps = new Map<string, UsageStepRecord & { named: Set<string> }>();
  const stepOf = (name: string) => {
    let step = steps.get(name);
    if (!step) steps.set(name, (step = { step: name, tasks: 0, logBytes: 0, logs: 0, cardBytes: 0, cards: 0, shas: [], named: new Set() }));
    return step;
  };
  const problems: string[] = [];
  const reads: Promise<void>[] = [];
  for (const task of tasks) {
    const step = stepOf(task.step);
    step.tasks++;
    for (const attempt of task.attempts) {
      for (const [kind, object] of attempt.files) {
        if (kind.endsWith('.log')) {
          step.logs++;
          step.logBytes += object.size;
        } else if (kind === 'data.json') {
          reads.push(
            limiter
              .run(() => store.read(object.name))
              .then((bytes) => {
                for (const sha of referencedBy(bytes, object.name)) step.named.add(sha);
              })
              .catch((err: unknown) => void problems.push(`${object.name}: ${(err as Error).message}`)),
          );
        }
      }
    }
  }
  await Promise.all(reads);
  const stepOfTask = new Map(tasks.filter((t) => t.step !== PARAMETERS_STEP).map((t) => [t.id, t.step]));
  for (const card of cardObjects) {
    const name = cardStep(card.name.slice(cardPrefix.length), stepOfTask);
    if (name === undefined) continue;
    const step = stepOf(name);
    step.cards++;
    step.cardBytes += card.size;
  }
  return {
    run,
    finished: isFinished(tree.tasks, objects, now),
    problem: problems.length === 0 ? null : `${problems.length} artifact index(es) could not be read, e.g. ${problems[0]}`,
    steps: [...steps.values()].map(({ named, ...step }) => ({ ...step, shas: [...named] })),
  };
}
