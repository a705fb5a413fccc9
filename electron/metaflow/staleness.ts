import type { RunDetail, RunList, RunSummary } from '../../shared/contract.js';
import { DEFAULT_STALE_AFTER_HOURS } from '../../shared/stale-runs.js';

// A datastore has no heartbeats: a run whose process died stays "running" for ever. A run that has not finished
// and whose tasks recorded nothing (attempt starts, log lines) for longer than the threshold is shown as stale.
// Applied when a list or view is served, since it depends on the clock: the index keeps such runs as running.

const HOUR_MS = 3_600_000;

export function staleAfterMs(hours: number | undefined): number {
  return (hours ?? DEFAULT_STALE_AFTER_HOURS) * HOUR_MS;
}

export function withStaleness(summary: RunSummary, thresholdMs: number, now: number): RunSummary {
  if (summary.status !== 'running' && summary.status !== 'stale') return summary;
  const quiet = summary.lastActivityAt !== null && now - summary.lastActivityAt > thresholdMs;
  return { ...summary, status: quiet ? 'stale' : 'running' };
}

export function listWithStaleness(list: RunList, thresholdMs: number, now: number): RunList {
  return { ...list, runs: list.runs.map((run) => withStaleness(run, thresholdMs, now)) };
}

export function detailWithStaleness(detail: RunDetail, thresholdMs: number, now: number): RunDetail {
  return { ...detail, summary: withStaleness(detail.summary, thresholdMs, now) };
}
