import type { RunStatus, RunSummary } from '../../shared/schemas/metaflow.js';

// What the local index is asked and answers, shared by the store in the worker and MetaflowIndex on the main side.

export type RunSort = 'startedAt' | 'id' | 'duration' | 'status';

export interface IndexRunQuery {
  status?: RunStatus[];
  /** Matches user and system tags alike, as Metaflow's `Flow.runs(*tags)` does. */
  tag?: string;
  user?: string;
  /** Started at or after, epoch ms. */
  from?: number;
  /** Started at or before, epoch ms. */
  to?: number;
  /** Default startedAt, newest first; ties (and runs without a start) go by run id. */
  sort?: RunSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export interface IndexRunPage {
  runs: RunSummary[];
  /** Runs matching the filters, over all pages. */
  total: number;
}

/** A value as stored, in a contract shape but unchecked. */
export interface Stored<K> {
  key: K;
  value: unknown;
}

export interface StoredRunPage {
  runs: Stored<string>[];
  total: number;
}

export interface TaskKey {
  flow: string;
  run: string;
  step: string;
  task: string;
}

export interface ObjectVersion {
  name: string;
  etag?: string;
  /** Epoch ms. */
  lastModified?: number;
}

export interface RecordedObject {
  name: string;
  etag: string | null;
  lastModified: number | null;
  readAt: number;
}
