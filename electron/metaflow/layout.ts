// Metaflow's Azure datastore path scheme, as recorded in the shared fixture's LAYOUT.md:
//   <sysroot>/<Flow>/<run>/<step>/<task>/<attempt>.<kind>   and   <sysroot>/<Flow>/data/<sha[:2]>/<sha>

export const PARAMETERS_STEP = '_parameters';
export const CAS_FOLDER = 'data';

/** Where Metaflow's local metadata provider keeps its records, inside a local datastore's tree. */
export const METADATA_FOLDER = '_meta';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Children of a sysroot that are flows: Python identifiers, minus the datatools root `data/`. Skips e.g. `mf.cards/`. */
export function isFlowName(name: string): boolean {
  return IDENTIFIER.test(name) && name !== CAS_FOLDER;
}

/** The last path segment of a listed prefix ('a/b/c/' → 'c'). */
export function lastSegment(prefix: string): string {
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export interface AttemptFile {
  attempt: number;
  kind: string;
}

/** Parses `<attempt>.<kind>` task file names such as `1.data.json` or `0.runtime_stdout.log`. */
export function parseAttemptFile(fileName: string): AttemptFile | undefined {
  const match = /^(\d+)\.(.+)$/.exec(fileName);
  if (!match) return undefined;
  return { attempt: Number(match[1]), kind: match[2] };
}

const NUMERIC = /^\d+$/;

/** Run and task ids are opaque strings; numeric ones (the local runtime's) compare as numbers. */
export function compareIds(a: string, b: string): number {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface FlowPath {
  flow?: string;
  run?: string;
  step?: string;
  task?: string;
}

/** Blob-name prefix (ending in '/') of a flow, run, step or task under the sysroot prefix ('' or 'x/'). */
export function pathPrefix(root: string, path: FlowPath): string {
  const segments = [path.flow, path.run, path.step, path.task].filter((s): s is string => s !== undefined);
  return root + segments.map((s) => `${s}/`).join('');
}
