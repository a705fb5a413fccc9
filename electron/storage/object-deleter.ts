// Conditional deletion for garbage collection: an object goes only if it is still exactly the
// version a plan saw (its etag), so nothing rewritten since the plan is ever removed.

export interface DeleteRequest {
  name: string;
  /** The version seen when planning: the Azure ETag, or for a folder `<mtimeMs>:<size>` (see localEtag). */
  etag: string;
}

/** 'gone' (already absent: a rerun after a crash) counts as done; 'changed' means it was rewritten since the plan. */
export type DeleteOutcome = { status: 'deleted' } | { status: 'gone' } | { status: 'changed' } | { status: 'failed'; message: string };

export interface ObjectDeleter {
  /** How many requests to give one deleteMany call: a service batch, or one parallel group. */
  readonly batchSize: number;
  /** Outcomes in request order; one object failing never fails the others. */
  deleteMany(requests: readonly DeleteRequest[]): Promise<DeleteOutcome[]>;
}

/** A folder has no etags: the modification time (as a Date gives it, whole ms) and size stand in for one. */
export function localEtag(mtimeMs: number, size: number): string {
  return `${Math.trunc(mtimeMs)}:${size}`;
}
