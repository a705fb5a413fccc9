import type { ObjectDeleter } from '../../storage/object-deleter.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { executeDeletions, type DeletionProgress } from '../execute-deletions.js';
import { SETTLED, type GcJournal } from '../journal.js';
import { Limiter } from '../../core/limit.js';
import { SCAN_CONCURRENCY } from './plan.js';
import { readIndexes } from './scan.js';

// Executing a Metaflow plan: first re-read every index written or changed since the plan (a task
// that finished meanwhile may name a candidate) and spare what became reachable, then delete the
// rest, each only if it still has the etag the plan saw.

export type ExecutePhase = 'rescanning' | 'deleting';

export interface MetaflowExecuteOptions {
  onPhase?: (phase: ExecutePhase) => void;
  onProgress?: (progress: DeletionProgress) => void;
  concurrency?: number;
}

export async function executeMetaflowPlan(
  journal: GcJournal,
  planId: string,
  store: ObjectStore,
  root: string,
  deleter: ObjectDeleter,
  options: MetaflowExecuteOptions = {},
): Promise<void> {
  const pending = journal.entries(planId).filter((e) => !SETTLED.includes(e.state));
  if (pending.length === 0) return;
  options.onPhase?.('rescanning');
  const known = journal.planIndexes(planId);
  const limiter = new Limiter(options.concurrency ?? SCAN_CONCURRENCY);
  const flows = [...new Set(pending.map((e) => e.group))];
  const reads = await Promise.all(flows.map(async (flow) => ({ flow, read: await readIndexes(store, root, flow, limiter, known) })));
  const blocked = new Map<string, string>();
  const reachable = new Set<string>();
  for (const { flow, read } of reads) {
    if (read.unreadable.length > 0) blocked.set(flow, `could not re-read ${read.unreadable[0].name}: ${read.unreadable[0].message}`);
    for (const sha of read.referenced) reachable.add(`${flow}/${sha}`);
  }
  const spared: { name: string; state: 'reachable' | 'failed'; detail: string }[] = [];
  const toDelete = pending.filter((entry) => {
    const why = blocked.get(entry.group);
    if (why !== undefined) {
      spared.push({ name: entry.name, state: 'failed', detail: `not deleted: ${why}` });
      return false;
    }
    const sha = entry.name.slice(entry.name.lastIndexOf('/') + 1);
    if (reachable.has(`${entry.group}/${sha}`)) {
      spared.push({ name: entry.name, state: 'reachable', detail: 'named by a data.json written since the plan: kept' });
      return false;
    }
    return true;
  });
  journal.markOutcomes(planId, spared, Date.now());
  options.onPhase?.('deleting');
  await executeDeletions(journal, planId, toDelete, deleter, options.onProgress ?? (() => undefined));
}
