import type { ObjectStore } from '../storage/object-store.js';
import { CAS_FOLDER, isFlowName, lastSegment, PARAMETERS_STEP, type FlowPath } from './layout.js';

// A path such as `container/some/prefix/Flow/run/step/task` does not say where the sysroot ends,
// since the prefix may have any number of segments. The first segment that is a flow folder
// (it holds the flow's content store `data/`, or runs with a `_parameters/` pseudo step) starts the flow part.

export interface LocatedPath {
  /** Segments of the sysroot prefix (after the container). */
  prefix: string[];
  path: FlowPath;
}

const MAX_FLOW_DEPTH = 4;

async function isFlowFolder(store: ObjectStore, folder: string): Promise<boolean> {
  const listing = await store.listHierarchy(folder);
  if (listing.prefixes.some((p) => lastSegment(p) === CAS_FOLDER)) return true;
  const firstRun = listing.prefixes.find((p) => lastSegment(p) !== CAS_FOLDER);
  if (!firstRun) return false;
  const run = await store.listHierarchy(firstRun);
  return run.prefixes.some((p) => lastSegment(p) === PARAMETERS_STEP);
}

export async function locateMetaflowPath(store: ObjectStore, segments: string[]): Promise<LocatedPath> {
  for (let j = Math.max(0, segments.length - MAX_FLOW_DEPTH); j < segments.length; j++) {
    const folder = segments.slice(0, j + 1).map((s) => `${s}/`).join('');
    if (isFlowName(segments[j]) && (await isFlowFolder(store, folder))) {
      const [flow, run, step, task] = segments.slice(j);
      return { prefix: segments.slice(0, j), path: { flow, run, step, task } };
    }
  }
  return { prefix: segments, path: {} };
}
