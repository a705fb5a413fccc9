import type { ObjectStore } from '../storage/object-store.js';
import { CAS_FOLDER, isFlowName, lastSegment, METADATA_FOLDER, PARAMETERS_STEP } from './layout.js';

// Whether a sysroot's children look like Metaflow flows, and if not, which sysroot one or two
// levels down or up does. A flow folder holds run folders and its content store `data/<sha[:2]>/`;
// a sysroot holds flows (and maybe `mf.cards`, a datatools `data/`). Every probe is a bounded
// hierarchical listing (one request), run in parallel, so a right sysroot costs a handful of
// requests and a wrong one a few dozen at most.

/** Children of a folder read to classify it. */
const PEEK = 200;
/** Flow-named children probed per folder: one real flow is enough to call it a sysroot. */
const PROBES = 3;
/** Child folders searched per level when looking down. */
const DESCEND = 6;

/** `flow`: has a content store (or a started run); `metadata`: known only from local metadata, no data; `other`: neither. */
export type FolderKind = 'flow' | 'metadata' | 'other';

/** A sysroot relative to the one checked: `up` segments removed, then `down` appended. */
export interface SysrootMove {
  up: number;
  down: string[];
}

export interface SysrootReport {
  /** `flows`: looks right. `metadata-only`: flows known from local metadata alone. `empty`: nothing there. `not-flows`: its children are not flows. */
  verdict: 'flows' | 'metadata-only' | 'empty' | 'not-flows';
  /** Some of the children that were looked at, for the message. */
  seen: string[];
  /** Sysroots that do hold flows, nearest first. */
  suggestions: SysrootMove[];
}

const CAS_SHARD = /^[0-9a-f]{2}\/$/;

async function firstChild(store: ObjectStore, prefix: string): Promise<string | undefined> {
  const listing = await store.listHierarchy(prefix, 1);
  return listing.prefixes[0]?.slice(prefix.length) ?? listing.objects[0]?.name.slice(prefix.length);
}

/** A content store's first child is a two-hex-digit shard; a datatools `data/` holds anything. */
async function hasContentStore(store: ObjectStore, folder: string): Promise<boolean> {
  const child = await firstChild(store, `${folder}${CAS_FOLDER}/`);
  return child !== undefined && CAS_SHARD.test(child);
}

/** The local metadata provider's flow record: `<Flow>/_meta/_self.json` naming the flow (a run's or step's also names those). */
async function hasFlowMetadata(store: ObjectStore, folder: string): Promise<boolean> {
  try {
    const self = JSON.parse((await store.read(`${folder}${METADATA_FOLDER}/_self.json`)).toString('utf8')) as Record<string, unknown>;
    return self.flow_id === lastSegment(folder) && self.run_number === undefined && self.step_name === undefined;
  } catch {
    return false;
  }
}

/** A run that has started but stored nothing yet: its first folder holds the `_parameters` pseudo step. */
async function hasStartedRun(store: ObjectStore, folder: string): Promise<boolean> {
  const listing = await store.listHierarchy(folder, PEEK);
  const run = listing.prefixes.find((p) => lastSegment(p) !== METADATA_FOLDER && lastSegment(p) !== CAS_FOLDER);
  if (!run) return false;
  const steps = await store.listHierarchy(run, PEEK);
  return steps.prefixes.some((p) => lastSegment(p) === PARAMETERS_STEP);
}

/** What the folder (a prefix ending in '/') is, as a flow. */
export async function flowKind(store: ObjectStore, folder: string): Promise<FolderKind> {
  if (await hasContentStore(store, folder)) return 'flow';
  if (await hasFlowMetadata(store, folder)) return 'metadata';
  return (await hasStartedRun(store, folder)) ? 'flow' : 'other';
}

/** Children of a sysroot that could be flows by their name (not `data/`, `_meta/`, `mf.cards/`…). */
export function flowCandidates(prefixes: string[]): string[] {
  return prefixes.map(lastSegment).filter((name) => isFlowName(name) && name !== METADATA_FOLDER);
}

interface Survey {
  flows: string[];
  metadata: string[];
  /** Child folders that are not flows (or were not probed), to look into when going down. */
  others: string[];
  children: number;
}

/** Probes the first few flow-named children of `prefix` (and `hint`, the folder a path came up from). */
async function survey(store: ObjectStore, prefix: string, hint?: string): Promise<Survey> {
  const listing = await store.listHierarchy(prefix, PEEK);
  const names = listing.prefixes.map(lastSegment);
  const candidates = flowCandidates(listing.prefixes);
  const probed = [...new Set([...(hint !== undefined && candidates.includes(hint) ? [hint] : []), ...candidates.slice(0, PROBES)])];
  const kinds = await Promise.all(probed.map((name) => flowKind(store, `${prefix}${name}/`)));
  const flows = probed.filter((_, i) => kinds[i] === 'flow');
  const metadata = probed.filter((_, i) => kinds[i] === 'metadata');
  return { flows, metadata, others: names.filter((n) => !flows.includes(n) && !metadata.includes(n)), children: names.length + listing.objects.length };
}

const join = (segments: string[]) => segments.map((s) => `${s}/`).join('');

export interface Reach {
  /** How many folders above the sysroot a suggestion may name (a bare container has none; a local folder has parents). */
  up: number;
  /** How many of those the store can list (a local folder's store starts at the sysroot: none). */
  listable: number;
}

/** Checks the sysroot at `segments` (folders inside the store). */
export async function checkSysrootData(store: ObjectStore, segments: string[], reach: Reach): Promise<SysrootReport> {
  const root = join(segments);
  const [here, isFlow, isRun] = await Promise.all([
    survey(store, root),
    reach.up >= 1 ? hasContentStore(store, root) : Promise.resolve(false),
    reach.up >= 2 ? firstChild(store, `${root}${PARAMETERS_STEP}/`).then((c) => c !== undefined) : Promise.resolve(false),
  ]);
  const seen = [...here.flows, ...here.metadata, ...here.others].slice(0, 8);
  if (here.flows.length > 0) return { verdict: 'flows', seen, suggestions: [] };
  const verdict = here.metadata.length > 0 ? 'metadata-only' : here.children === 0 ? 'empty' : 'not-flows';
  // The folder's own shape says where the sysroot is: a flow's parent, a run's grandparent.
  if (isFlow || isRun) return { verdict, seen, suggestions: [{ up: isFlow ? 1 : 2, down: [] }] };
  if (verdict === 'metadata-only') return { verdict, seen, suggestions: [] };

  const up = Math.min(2, reach.listable);
  const downOne = here.others.slice(0, DESCEND);
  const [upOne, below] = await Promise.all([
    up >= 1 ? survey(store, join(segments.slice(0, -1)), segments.at(-1)) : undefined,
    Promise.all(downOne.map((name) => survey(store, `${root}${name}/`))),
  ]);
  const near: SysrootMove[] = [
    ...(upOne && upOne.flows.length > 0 ? [{ up: 1, down: [] }] : []),
    ...downOne.filter((_, i) => below[i].flows.length > 0).map((name) => ({ up: 0, down: [name] })),
  ];
  if (near.length > 0) return { verdict, seen, suggestions: near };

  const downTwo = downOne.flatMap((name, i) => below[i].others.slice(0, 2).map((child) => [name, child])).slice(0, DESCEND);
  const [upTwo, deeper] = await Promise.all([
    up >= 2 ? survey(store, join(segments.slice(0, -2)), segments.at(-2)) : undefined,
    Promise.all(downTwo.map((path) => survey(store, `${root}${join(path)}`))),
  ]);
  const far: SysrootMove[] = [
    ...(upTwo && upTwo.flows.length > 0 ? [{ up: 2, down: [] }] : []),
    ...downTwo.filter((_, i) => deeper[i].flows.length > 0).map((down) => ({ up: 0, down })),
  ];
  return { verdict, seen, suggestions: far };
}

/** The segments of the sysroot a move leads to. */
export function applyMove(segments: string[], move: SysrootMove): string[] {
  return [...segments.slice(0, segments.length - move.up), ...move.down];
}

/** What the check found, in words, naming the sysroot as the user gave it and each suggestion as they would type it. */
export function describeReport(sysroot: string, report: SysrootReport, suggestions: string[]): string | null {
  const seen = report.seen.length > 0 ? ` (${report.seen.join(', ')}${report.seen.length === 8 ? ', …' : ''})` : '';
  const where = suggestions.length > 0 ? ` The flows are under ${suggestions.join(' and ')}.` : '';
  switch (report.verdict) {
    case 'flows':
      return null;
    case 'metadata-only':
      return `${sysroot} holds only Metaflow's local metadata${seen}, no data: runs show what the metadata says, without artifacts, logs or times.`;
    case 'empty':
      return `${sysroot} holds nothing: no Metaflow flow has been stored there.${where}`;
    case 'not-flows':
      return `The folders in ${sysroot}${seen} do not look like Metaflow flows: a flow folder holds run folders and a content store data/.${where}`;
  }
}
