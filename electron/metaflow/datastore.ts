import type { MetaflowListing } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import { parseDataJson } from './data-json.js';
import { mapLimited } from '../core/limit.js';
import { flowCandidates, flowKind } from './sysroot-check.js';
import {
  CAS_FOLDER,
  compareIds,
  lastSegment,
  METADATA_FOLDER,
  PARAMETERS_STEP,
  parseAttemptFile,
  pathPrefix,
  type FlowPath,
} from './layout.js';

// Walks a Metaflow datastore one level at a time with hierarchical listings (delimiter '/'),
// so a flow's content-addressed store (`<Flow>/data/`) is never listed blob by blob.

/** Flow probes in flight while listing flows. */
const PROBE_CONCURRENCY = 16;

export class MetaflowDatastore {
  constructor(
    private readonly store: ObjectStore,
    /** The sysroot's blob prefix: '' or ending in '/'. */
    private readonly root: string,
  ) {}

  async list(path: FlowPath): Promise<MetaflowListing> {
    if (path.flow === undefined) return { level: 'flows', entries: await this.flows() };
    if (path.run === undefined) {
      const runs = await this.children(path, (name) => name !== CAS_FOLDER && name !== METADATA_FOLDER, (a, b) => compareIds(b, a));
      return { level: 'runs', entries: runs };
    }
    if (path.step === undefined) {
      const steps = await this.children(path, notMetadata, compareSteps);
      return { level: 'steps', entries: steps.map((s) => ({ name: s.name, pseudo: s.name === PARAMETERS_STEP })) };
    }
    if (path.task === undefined) return { level: 'tasks', entries: await this.children(path, notMetadata, compareIds) };
    return this.artifacts(path);
  }

  /**
   * Only folders that are flows (a content store, a started run, or local metadata): a folder that merely has a
   * flow-like name, such as a datastore under a sysroot set one level too high, is never offered as a flow.
   */
  private async flows() {
    const listing = await this.store.listHierarchy(this.root);
    const names = flowCandidates(listing.prefixes).sort(compareNames);
    const kinds = await mapLimited(names, PROBE_CONCURRENCY, (name) => flowKind(this.store, `${this.root}${name}/`));
    return names.flatMap((name, i) => (kinds[i] === 'other' ? [] : [{ name }]));
  }

  private async children(path: FlowPath, keep: (name: string) => boolean, order: (a: string, b: string) => number) {
    const listing = await this.store.listHierarchy(pathPrefix(this.root, path));
    const names = listing.prefixes.map(lastSegment).filter(keep).sort(order);
    if (names.length === 0 && path.flow !== undefined && listing.objects.length === 0) throw notFound(path);
    return names.map((name) => ({ name }));
  }

  private async artifacts(path: FlowPath): Promise<MetaflowListing> {
    const prefix = pathPrefix(this.root, path);
    const listing = await this.store.listHierarchy(prefix);
    if (listing.prefixes.length === 0 && listing.objects.length === 0) throw notFound(path);
    // The current attempt is the highest one that wrote its artifact index.
    let attempt = -1;
    for (const object of listing.objects) {
      const file = parseAttemptFile(object.name.slice(prefix.length));
      if (file?.kind === 'data.json' && file.attempt > attempt) attempt = file.attempt;
    }
    if (attempt < 0) {
      throw new StratusError({
        code: 'NOT_FOUND',
        message: `Task ${describe(path)} has no artifacts yet: no attempt has written its data.json (it may still be running).`,
      });
    }
    const name = `${prefix}${attempt}.data.json`;
    const entries = parseDataJson(await this.store.read(name), name);
    return { level: 'artifacts', attempt, entries };
  }
}

/** A local datastore interleaves the local metadata provider's `_meta/` folders with runs, steps and tasks. */
function notMetadata(name: string): boolean {
  return name !== METADATA_FOLDER;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Real steps by name; the `_parameters` pseudo step last. */
function compareSteps(a: string, b: string): number {
  if ((a === PARAMETERS_STEP) !== (b === PARAMETERS_STEP)) return a === PARAMETERS_STEP ? 1 : -1;
  return compareNames(a, b);
}

function describe(path: FlowPath): string {
  return [path.flow, path.run, path.step, path.task].filter((s) => s !== undefined).join('/');
}

function notFound(path: FlowPath): StratusError {
  return new StratusError({ code: 'NOT_FOUND', message: `${describe(path)} does not exist in this datastore.` });
}
