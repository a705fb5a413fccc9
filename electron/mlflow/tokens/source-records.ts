import { fileURLToPath } from 'node:url';
import type { TraceRow } from '../../../shared/schemas/mlflow.js';
import { StratusError } from '../../../shared/errors.js';
import { sqliteFile } from '../open-source.js';
import type { MlflowSource } from '../source.js';
import type { SummaryFilter, TraceUsageRecord } from './aggregate.js';
import { modelShare } from './trace-usage.js';

// How token analytics reaches a workspace's MLflow data: an sqlite store by its file (the usage
// cache reads it directly), a tracking server and a file store through the trace cache
// (../trace-cache/); any other source through its trace list, whose rows carry each trace's usage
// already computed by MLflow's rule.

/** Beyond this, reading every trace row through a file store is too slow to wait for. */
export const MAX_LISTED_TRACES = 50_000;
const PAGE = 500;

/** The mlflow.db behind an sqlite source, resolved the way openMlflowSource opened it. */
export async function sqliteFileOf(uri: string): Promise<string> {
  const trimmed = uri.trim();
  if (/^sqlite:\/\/\//i.test(trimmed)) return sqliteFile(trimmed);
  if (/^file:\/\//i.test(trimmed)) return fileURLToPath(trimmed);
  return trimmed;
}

/**
 * A trace list row as a usage record. The row names one model (its first span's), so a trace that
 * called several models has all its tokens on that one: a per-model split needs every trace's spans,
 * which these stores only give one trace at a time.
 */
export function recordOfRow(row: TraceRow): TraceUsageRecord {
  // Spans unreadable for this row: MLflow's stored total stands in, on an unknown model, as in the sqlite cache.
  const usage = row.spanCount === null ? row.storedTokens : row.tokens;
  const model = row.spanCount === null ? null : row.model;
  return {
    traceId: row.traceId,
    experimentId: row.experimentId,
    name: row.name,
    timestamp: row.timestampMs,
    user: row.user,
    session: row.session,
    usage,
    byModel: usage ? [modelShare(model, usage)] : [],
    stored: row.storedTokens,
    durationMs: row.durationMs,
    status: row.state,
  };
}

export async function recordsFromSource(source: MlflowSource, filter: SummaryFilter): Promise<TraceUsageRecord[]> {
  const records: TraceUsageRecord[] = [];
  let pageToken: string | undefined;
  do {
    const page = await source.traces({
      experimentIds: [...filter.experimentIds],
      // The trace list's range is inclusive at both ends; the summary's end is exclusive.
      filter: { fromMs: filter.from, toMs: filter.to === undefined ? undefined : filter.to - 1 },
      sort: { by: 'timestamp', order: 'desc' },
      pageSize: PAGE,
      pageToken,
    });
    records.push(...page.traces.map(recordOfRow));
    if (records.length > MAX_LISTED_TRACES) {
      throw new StratusError({
        code: 'INVALID_ARGUMENT',
        message: `Token usage over a ${source.info.kind === 'rest' ? 'tracking server' : 'file store'} is limited to ${MAX_LISTED_TRACES.toLocaleString('en-US')} traces, and this selection has more.`,
        hint: 'Narrow the date range or the experiments, or point the workspace at the sqlite database (sqlite:///…/mlflow.db), which is summarized from a local cache.',
      });
    }
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return records;
}
