import type { IndexStore } from './index-store.js';

// Messages between MetaflowIndex (main thread) and the index worker. Each operation is an
// IndexStore method, so its arguments and result are typed once, by the method itself.

export const INDEX_OPS = [
  'putFlows',
  'getFlows',
  'putRuns',
  'getRuns',
  'forgetRuns',
  'unfinishedRuns',
  'putRunDetail',
  'getRunDetail',
  'forgetRunDetail',
  'putTaskDetail',
  'getTaskDetail',
  'forgetTaskDetail',
  'recordObjects',
  'getObjects',
  'putServiceRefresh',
  'getServiceRefresh',
  'putUsageRuns',
  'putUsageCas',
  'forgetUsage',
  'usageScanned',
  'usageFlowNames',
  'usageFlows',
  'usageRuns',
  'usageSteps',
  'usageRunUnique',
  'usageBuiltAt',
] as const satisfies readonly (keyof IndexStore)[];

export type IndexOp = (typeof INDEX_OPS)[number];

export type OpRequest = { [K in IndexOp]: { id: number; op: K; args: Parameters<IndexStore[K]> } }[IndexOp];

export type IndexRequest = { id: number; op: 'open'; file: string } | { id: number; op: 'close' } | OpRequest;

/** An error as it crosses the thread boundary; `version` rebuilds a SchemaVersionError. */
export interface ErrorShape {
  name: string;
  message: string;
  version?: { file: string; found: number; supported: number };
}

