import { isDeepStrictEqual } from 'node:util';
import type { ObjectStore } from '../storage/object-store.js';
import { CAS_FOLDER, compareIds, lastSegment, METADATA_FOLDER } from './layout.js';
import { buildRunTree, isCloned, latestAttempt, type RunTree, type TaskTree } from './run-tree.js';

// The run a `resume` started from. Metaflow records it only as metadata (`origin-run-id`, in local metadata's
// `_meta/sysmeta_origin-run-id_<ts>.json` of each task, "None" for a run that is no resume), never in the
// datastore. Without metadata it is found from the data: a task cloned by resume holds the same artifact index
// (data.json objects) as the task it was cloned from, so the newest earlier run with a task of that step
// holding the same index is the origin.

/** Earlier runs compared at most, newest first: a resume almost always starts from one of the latest runs. */
const MAX_CANDIDATES = 20;
/** Metadata records read at most: every task of a resumed run holds the same value. */
const MAX_RECORDS = 3;

export async function originRunId(store: ObjectStore, root: string, flow: string, run: string, tree: RunTree): Promise<string | null> {
  return (await fromMetadata(store, tree)) ?? (await fromClones(store, root, flow, run, tree));
}

async function fromMetadata(store: ObjectStore, tree: RunTree): Promise<string | undefined> {
  for (const record of tree.originRecords.slice(0, MAX_RECORDS)) {
    try {
      const { value } = JSON.parse((await store.read(record.name)).toString('utf8')) as { value?: unknown };
      if (typeof value === 'string' && value !== 'None' && value !== '' && !value.includes('/')) return value;
    } catch {
      // An unreadable record: the next one, or the data, tells.
    }
  }
  return undefined;
}

async function objectsOf(store: ObjectStore, task: TaskTree): Promise<unknown> {
  const data = latestAttempt(task)?.files.get('data.json');
  if (!data) return undefined;
  try {
    return (JSON.parse((await store.read(data.name)).toString('utf8')) as { objects?: unknown }).objects;
  } catch {
    return undefined;
  }
}

async function fromClones(store: ObjectStore, root: string, flow: string, run: string, tree: RunTree): Promise<string | null> {
  const clone = tree.tasks.filter(isCloned).sort((a, b) => compareIds(a.id, b.id))[0];
  if (!clone) return null;
  const wanted = await objectsOf(store, clone);
  if (typeof wanted !== 'object' || wanted === null) return null;
  const listing = await store.listHierarchy(`${root}${flow}/`);
  const earlier = listing.prefixes
    .map(lastSegment)
    .filter((id) => id !== CAS_FOLDER && id !== METADATA_FOLDER && compareIds(id, run) < 0)
    .sort((a, b) => compareIds(b, a))
    .slice(0, MAX_CANDIDATES);
  for (const candidate of earlier) {
    const runPrefix = `${root}${flow}/${candidate}/`;
    const tasks = buildRunTree(runPrefix, await store.listAll(`${runPrefix}${clone.step}/`)).tasks;
    for (const task of tasks) {
      if (isDeepStrictEqual(await objectsOf(store, task), wanted)) return candidate;
    }
  }
  return null;
}
