import type { RunSummary } from '../../shared/contract.js';

// The row of a run a listing named and nothing has read yet (a progressive runs list). The local runtime names a
// run by its start (`int(time.time()*1e6)`, LAYOUT.md), so such an id gives an approximate start until
// `_parameters` is read; any other id (argo-…, sfn-…) gives none.

export const START_FROM_ID = 'The start is the time in the run id (the local runtime names runs by their start); it is read from _parameters next.';

/** Numeric ids of 16 digits are microseconds since 1970 (years 2001–2286). */
const MICROSECOND_ID = /^[1-9]\d{15}$/;

export function startFromId(id: string): number | null {
  return MICROSECOND_ID.test(id) ? Math.floor(Number(id) / 1000) : null;
}

export function listedRun(flow: string, id: string, hasMetadata: boolean): RunSummary {
  const startedAt = startFromId(id);
  return {
    flow,
    id,
    status: 'unknown',
    startedAt,
    finishedAt: null,
    durationMs: null,
    user: null,
    tags: hasMetadata ? [] : null,
    systemTags: hasMetadata ? [] : null,
    lastActivityAt: null,
    approximate: startedAt === null ? null : START_FROM_ID,
    failure: null,
    listedOnly: true,
  };
}
