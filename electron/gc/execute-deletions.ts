import type { DeleteOutcome, ObjectDeleter } from '../storage/object-deleter.js';
import type { DeletionState, GcJournal, JournalEntry } from './journal.js';
import { Limiter } from '../core/limit.js';

// Sends a plan's remaining deletions in the deleter's batches, a few batches at a time. Each batch
// is journalled as requested before it goes out and with its outcomes after, so a run killed in
// between is finished by running the plan again (an object already gone answers 404 and counts as done).

/** Batches (or parallel groups) in flight at once; with Blob Batch each is one request. */
const BATCHES_IN_FLIGHT = 4;

export interface DeletionProgress {
  done: number;
  total: number;
  deletedBytes: number;
}

export async function executeDeletions(
  journal: GcJournal,
  planId: string,
  entries: readonly JournalEntry[],
  deleter: ObjectDeleter,
  onProgress: (progress: DeletionProgress) => void,
  /** The name the deleter knows an entry by, when it is not the journalled name. */
  deleterName: (name: string) => string = (name) => name,
): Promise<void> {
  const total = entries.length;
  let done = 0;
  let deletedBytes = 0;
  const batches: JournalEntry[][] = [];
  for (let start = 0; start < entries.length; start += deleter.batchSize) batches.push(entries.slice(start, start + deleter.batchSize));
  const limiter = new Limiter(BATCHES_IN_FLIGHT);
  await Promise.all(
    batches.map((batch) =>
      limiter.run(async () => {
        journal.markRequested(planId, batch.map((e) => e.name), Date.now());
        const outcomes = await deleter.deleteMany(batch.map((e) => ({ name: deleterName(e.name), etag: e.etag })));
        journal.markOutcomes(
          planId,
          batch.map((entry, i) => ({ name: entry.name, ...journalled(outcomes[i]) })),
          Date.now(),
        );
        done += batch.length;
        deletedBytes += batch.reduce((sum, e, i) => sum + (outcomes[i].status === 'deleted' ? e.size : 0), 0);
        onProgress({ done, total, deletedBytes });
      }),
    ),
  );
}

function journalled(outcome: DeleteOutcome): { state: DeletionState; detail?: string } {
  switch (outcome.status) {
    case 'deleted':
      return { state: 'deleted' };
    case 'gone':
      return { state: 'gone', detail: 'already absent (a previous run deleted it)' };
    case 'changed':
      return { state: 'changed', detail: 'changed since plan: skipped' };
    case 'failed':
      return { state: 'failed', detail: outcome.message };
  }
}
