import { describe, expect, it } from 'vitest';
import { retriesTitle, retryNote } from '../../../renderer/src/transfers/transfer-format.js';

// A job slowed by retries says why in its row: the reason of the last retry (a stalled connection,
// throttling) while it runs, and on the retry count's tooltip.

const STALLED = 'No data moved for 60 s; the connection looks stalled.';

describe('a transfer row', () => {
  it('shows why a running job was retried', () => {
    expect(retryNote({ state: 'running', retryReason: STALLED })).toBe(`Retrying: ${STALLED}`);
    expect(retriesTitle({ retryReason: STALLED })).toBe(STALLED);
  });

  it('says nothing of retrying for a job never retried, nor once it has stopped running', () => {
    expect(retryNote({ state: 'running', retryReason: null })).toBeNull();
    expect(retriesTitle({ retryReason: null })).toMatch(/sent again/);
    for (const state of ['queued', 'paused', 'done', 'failed', 'cancelled', 'conflict'] as const) expect(retryNote({ state, retryReason: STALLED })).toBeNull();
  });
});
