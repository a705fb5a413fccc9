import { StratusError } from '../../../shared/errors.js';
import { CAS_FOLDER, METADATA_FOLDER, lastSegment, parseAttemptFile } from '../../metaflow/layout.js';
import { localEtag } from '../../storage/object-deleter.js';
import type { ListedObject, ObjectStore } from '../../storage/object-store.js';
import type { Limiter } from '../../core/limit.js';

// What a flow's content-addressed store holds and what its tasks still name. The CAS listing and
// the index walk run at the same time through one limiter: data/ by its 256 two-hex-digit folders
// (one request each, in parallel), every run tree with one flat listing, every data.json read once.

const SHA1 = /^[0-9a-f]{40}$/;

export interface CasBlob {
  name: string;
  sha: string;
  size: number;
  etag: string;
  lastModified: number | null;
  /** The access tier the listing reported; absent for a local folder. */
  tier?: string;
}

export interface IndexRead {
  /** data.json blob name → the version read (etag). */
  versions: Map<string, string>;
  referenced: Set<string>;
  /** Index files that could not be read or parsed: while any exists, nothing in the flow may go. */
  unreadable: { name: string; message: string }[];
}

/** The version a listing saw: the etag, or for a folder its mtime and size. */
export function versionOf(object: ListedObject): string {
  return object.etag ?? localEtag(object.lastModified?.getTime() ?? 0, object.size);
}

export function casPrefix(root: string, flow: string): string {
  return `${root}${flow}/${CAS_FOLDER}/`;
}

/** Every blob under `<Flow>/data/` named like a CAS key (`<sha[:2]>/<sha>`); others are never candidates. */
export async function listCas(store: ObjectStore, root: string, flow: string, limiter: Limiter): Promise<{ blobs: CasBlob[]; foreign: number }> {
  const prefix = casPrefix(root, flow);
  const top = await limiter.run(() => store.listHierarchy(prefix));
  const pages = await Promise.all(top.prefixes.map((p) => limiter.run(() => store.listAll(p))));
  const blobs: CasBlob[] = [];
  let foreign = top.objects.length;
  for (const object of pages.flat()) {
    const rest = object.name.slice(prefix.length);
    const [folder, sha, extra] = rest.split('/');
    if (extra !== undefined || !SHA1.test(sha ?? '') || sha.slice(0, 2) !== folder) {
      foreign++;
      continue;
    }
    blobs.push({ name: object.name, sha, size: object.size, etag: versionOf(object), lastModified: object.lastModified?.getTime() ?? null, tier: object.tier });
  }
  return { blobs, foreign };
}

/** `<run>/<step>/<task>/<N>.data.json` under the flow, every attempt. */
function isTaskIndex(relative: string): boolean {
  const parts = relative.split('/');
  return parts.length === 4 && !parts.slice(0, 3).includes(METADATA_FOLDER) && parseAttemptFile(parts[3])?.kind === 'data.json';
}

/** The shas one data.json names in `objects`. Throws CORRUPT_DATA when it is not an artifact index. */
export function referencedBy(bytes: Buffer, name: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new StratusError({ code: 'CORRUPT_DATA', message: `The artifact index ${name} is not valid JSON.`, detail: (err as Error).message });
  }
  const objects = (parsed as { objects?: unknown } | null)?.objects;
  if (typeof objects !== 'object' || objects === null || Array.isArray(objects)) {
    throw new StratusError({ code: 'CORRUPT_DATA', message: `The artifact index ${name} has no "objects" map.` });
  }
  const shas = Object.values(objects);
  if (!shas.every((s): s is string => typeof s === 'string')) {
    throw new StratusError({ code: 'CORRUPT_DATA', message: `The artifact index ${name} names an artifact by something other than a key.` });
  }
  return shas;
}

/**
 * Lists every run tree of the flow and reads each task index as soon as its run is listed, skipping
 * those whose version `known` (the plan's) already holds; gathers every sha they name.
 */
export async function readIndexes(store: ObjectStore, root: string, flow: string, limiter: Limiter, known?: ReadonlyMap<string, string>): Promise<IndexRead> {
  const result: IndexRead = { versions: new Map(), referenced: new Set(), unreadable: [] };
  const flowPrefix = `${root}${flow}/`;
  const top = await limiter.run(() => store.listHierarchy(flowPrefix));
  const runs = top.prefixes.filter((p) => {
    const name = lastSegment(p);
    return name !== CAS_FOLDER && name !== METADATA_FOLDER;
  });
  const readOne = async (index: ListedObject) => {
    const version = versionOf(index);
    result.versions.set(index.name, version);
    if (known?.get(index.name) === version) return;
    try {
      const bytes = await limiter.run(() => store.read(index.name));
      for (const sha of referencedBy(bytes, index.name)) result.referenced.add(sha);
    } catch (err) {
      result.unreadable.push({ name: index.name, message: (err as Error).message });
    }
  };
  await Promise.all(
    runs.map(async (run) => {
      const tree = await limiter.run(() => store.listAll(run));
      await Promise.all(tree.filter((o) => isTaskIndex(o.name.slice(flowPrefix.length))).map(readOne));
    }),
  );
  return result;
}
