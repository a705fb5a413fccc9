import type { ArtifactEntry, ArtifactFile, Json } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import type { BlobTier, RehydratePriority, RehydrateTier } from '../../shared/access-tier.js';
import type { ArtifactReader, JsonPreview } from './artifacts.js';
import { mapLimited } from '../core/limit.js';
import { parseGraphInfo, type FlowGraph } from './graph.js';

// What a run view and a task view read from artifacts once they know where the artifacts are, whoever told them
// (the datastore's data.json or a metadata service's artifact records): the DAG, the parameters, an artifact's
// preview, tier and file.

const CONCURRENCY = 16;

/**
 * Every task holds the same `_graph_info`: the first index whose graph reads is used, so one damaged task does not
 * hide the DAG. Indexes are read one at a time, only until one serves. Only when none can be read is the last reason given.
 */
export async function graphFrom(artifacts: ArtifactReader, flow: string, indexes: (() => Promise<ArtifactEntry[] | undefined>)[]): Promise<FlowGraph | undefined> {
  let failure: Error | undefined;
  for (const index of indexes) {
    try {
      const entry = (await index())?.find((a) => a.name === '_graph_info');
      if (!entry) continue;
      const graph = parseGraphInfo(await artifacts.json(flow, entry.sha, 'The DAG (_graph_info)'));
      if (graph) return graph;
      failure = new Error('_graph_info does not describe steps');
    } catch (err) {
      if (err instanceof StratusError && err.code !== 'CORRUPT_DATA' && err.code !== 'NOT_FOUND') throw err;
      failure = err as Error;
    }
  }
  if (failure) throw failure;
  return undefined;
}

/** The run's parameters from the `_parameters` task's artifacts; one damaged parameter is told and shown as unavailable. */
export function parametersFrom(
  artifacts: ArtifactReader,
  flow: string,
  entries: ArtifactEntry[],
  graph: FlowGraph | undefined,
  problems: string[],
): Promise<{ name: string; value: Json }[]> {
  const wanted = graph ? new Set(graph.parameters) : undefined;
  const params = entries.filter((e) => (wanted ? wanted.has(e.name) : !e.name.startsWith('_') && e.name !== 'name'));
  return mapLimited(params, CONCURRENCY, async (e) => {
    try {
      return { name: e.name, value: (await artifacts.preview(flow, e, false)).value };
    } catch (err) {
      if (!(err instanceof StratusError) || (err.code !== 'CORRUPT_DATA' && err.code !== 'NOT_FOUND')) throw err;
      problems.push(`The parameter "${e.name}" could not be read: ${err.message}`);
      return { name: e.name, value: { kind: 'elided', reason: 'unavailable' } };
    }
  });
}

export interface ArtifactRef {
  flow: string;
  run: string;
  step: string;
  task: string;
  attempt?: number;
}

/** What the task view does with one artifact, once the reader behind it has found the artifact's entry. */
export class ArtifactActions {
  constructor(
    private readonly artifacts: ArtifactReader,
    private readonly entryOf: (ref: ArtifactRef, name: string) => Promise<ArtifactEntry>,
  ) {}

  async preview(ref: ArtifactRef, name: string, full: boolean): Promise<JsonPreview> {
    return this.artifacts.preview(ref.flow, await this.entryOf(ref, name), full);
  }

  async tier(ref: ArtifactRef, name: string): Promise<BlobTier | null> {
    return this.artifacts.tier(ref.flow, (await this.entryOf(ref, name)).sha);
  }

  /** The tier of the CAS blob `sha` of a flow; null where the store has no tiers. */
  blobTier(flow: string, sha: string): Promise<BlobTier | null> {
    return this.artifacts.tier(flow, sha);
  }

  /** Rehydrate an artifact out of Archive (Set Blob Tier to Hot or Cool); answers the tier it is in now. */
  async rehydrate(ref: ArtifactRef, name: string, tier: RehydrateTier, priority: RehydratePriority): Promise<BlobTier> {
    return this.artifacts.setTier(ref.flow, (await this.entryOf(ref, name)).sha, tier, priority);
  }

  /** The artifact as a file to save: its pickle, or its value as JSON. */
  async file(ref: ArtifactRef, name: string, format: 'pickle' | 'json'): Promise<ArtifactFile> {
    const entry = await this.entryOf(ref, name);
    const what = `The artifact "${entry.name}"`;
    const base = `${ref.flow}-${ref.run}-${ref.step}-${ref.task}-${entry.name}`;
    if (format === 'pickle') {
      const bytes = await this.artifacts.pickle(ref.flow, entry.sha, what);
      return { fileName: `${base}.pkl`, mimeType: 'application/octet-stream', base64: bytes.toString('base64') };
    }
    const json = JSON.stringify(await this.artifacts.json(ref.flow, entry.sha, what), null, 2);
    return { fileName: `${base}.json`, mimeType: 'application/json', base64: Buffer.from(json).toString('base64') };
  }
}
