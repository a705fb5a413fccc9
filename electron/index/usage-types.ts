import type { UsageRow, UsageSort } from '../../shared/schemas/usage.js';

// What the usage scan stores in the local index and reads back, shared by the worker and the main side.

export interface UsageStepRecord {
  step: string;
  tasks: number;
  logBytes: number;
  logs: number;
  cardBytes: number;
  cards: number;
  /** CAS keys any attempt's data.json of the step's tasks names. */
  shas: string[];
}

export interface UsageRunRecord {
  run: string;
  /** Finished runs never change: a rebuild skips them. */
  finished: boolean;
  /** Why some of its indexes could not be read; such a run is read again next time. */
  problem: string | null;
  steps: UsageStepRecord[];
}

export interface UsageCasRecord {
  sha: string;
  size: number;
  tier: string | null;
}

export interface UsageRowPage {
  rows: UsageRow[];
  total: number;
}

export interface UsageRowQuery {
  sort?: UsageSort;
  limit?: number;
}

/** A run's CAS blobs no other run of its flow names, and whether the run is scanned and finished. */
export interface UsageRunUnique {
  /** 'missing': never scanned; 'running': still running or not fully readable. */
  state: 'missing' | 'running' | 'finished';
  blobs: { sha: string; size: number }[];
}
