import { isFlowName, lastSegment } from '../../metaflow/layout.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { graceCutoff } from '../grace.js';
import type { PlannedDeletion } from '../journal.js';
import { Limiter } from '../../core/limit.js';
import { listCas, readIndexes } from './scan.js';

// A Metaflow gc plan: per flow, the CAS blobs no data.json of any attempt of any task of any run
// names, older than the grace period. A flow with an index that cannot be read gets no candidates:
// what it names is unknown, so nothing of it is provably unreachable.

export const SCAN_CONCURRENCY = 32;

export interface FlowPlan {
  flow: string;
  objects: number;
  bytes: number;
  indexes: number;
  referenced: number;
  candidates: number;
  candidateBytes: number;
  /** Unreferenced but younger than the grace period: kept. */
  recent: number;
  recentBytes: number;
  /** Objects under data/ not named like CAS keys: never touched. */
  foreign: number;
  /** Why the flow has no candidates although it may have garbage (an unreadable index). */
  blocked?: string;
}

export interface MetaflowPlan {
  flows: FlowPlan[];
  candidates: PlannedDeletion[];
  /** Every index read: name → version, so executing re-reads only what changed. */
  indexes: Map<string, string>;
  requests: number;
}

export interface MetaflowPlanOptions {
  flows?: readonly string[];
  graceHours: number;
  /** The clock; tests move it forward instead of ageing blobs. */
  now?: number;
  concurrency?: number;
}

/** Counts store requests, for the plan's report and the benchmark. */
export function countingStore(store: ObjectStore): { store: ObjectStore; requests: () => number } {
  let requests = 0;
  const counted: ObjectStore = {
    description: store.description,
    listHierarchy: (prefix) => (requests++, store.listHierarchy(prefix)),
    listAll: (prefix) => (requests++, store.listAll(prefix)),
    read: (name) => (requests++, store.read(name)),
    readRange: (name, offset, length) => (requests++, store.readRange(name, offset, length)),
  };
  return { store: counted, requests: () => requests };
}

export async function listFlows(store: ObjectStore, root: string): Promise<string[]> {
  const top = await store.listHierarchy(root);
  return top.prefixes.map(lastSegment).filter(isFlowName).sort();
}

export async function planMetaflow(source: ObjectStore, root: string, options: MetaflowPlanOptions): Promise<MetaflowPlan> {
  const cutoff = graceCutoff(options.graceHours, options.now ?? Date.now());
  const { store, requests } = countingStore(source);
  const limiter = new Limiter(options.concurrency ?? SCAN_CONCURRENCY);
  const flows = options.flows ? [...options.flows] : await listFlows(store, root);
  const plan: MetaflowPlan = { flows: [], candidates: [], indexes: new Map(), requests: 0 };
  const scans = await Promise.all(
    flows.map(async (flow) => {
      const [cas, read] = await Promise.all([listCas(store, root, flow, limiter), readIndexes(store, root, flow, limiter)]);
      return { flow, cas, read };
    }),
  );
  for (const { flow, cas, read } of scans) {
    const summary: FlowPlan = {
      flow,
      objects: cas.blobs.length,
      bytes: 0,
      indexes: read.versions.size,
      referenced: 0,
      candidates: 0,
      candidateBytes: 0,
      recent: 0,
      recentBytes: 0,
      foreign: cas.foreign,
    };
    if (read.unreadable.length > 0) {
      const first = read.unreadable[0];
      summary.blocked = `${read.unreadable.length} artifact index(es) could not be read, e.g. ${first.name}: ${first.message}`;
    }
    for (const [name, version] of read.versions) plan.indexes.set(name, version);
    const reason = `not named by any of the ${read.versions.size} data.json files (every attempt of every task) of ${flow}`;
    for (const blob of cas.blobs) {
      summary.bytes += blob.size;
      if (read.referenced.has(blob.sha)) {
        summary.referenced++;
      } else if (blob.lastModified === null || blob.lastModified > cutoff) {
        summary.recent++;
        summary.recentBytes += blob.size;
      } else if (summary.blocked === undefined) {
        summary.candidates++;
        summary.candidateBytes += blob.size;
        plan.candidates.push({ name: blob.name, group: flow, etag: blob.etag, size: blob.size, lastModified: blob.lastModified, reason });
      }
    }
    plan.flows.push(summary);
  }
  plan.requests = requests();
  return plan;
}
