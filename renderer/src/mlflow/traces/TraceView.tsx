import './traces.css';
import type { Span } from '../../../../shared/schemas/mlflow.js';
import type { TraceDetail } from '../../../../shared/schemas/mlflow.js';
import { formatCount, formatDuration, formatTime, isoTime } from '../../format.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { JsonValue } from '../JsonBlock.js';
import { KeyValueTable } from '../KeyValueTable.js';
import { SelectedSpan } from './SelectedSpan.js';
import { SpanTree } from './SpanTree.js';
import { mismatchTitle, shownUsage } from '../tokens/tokens-format.js';
import { TraceStateBadge } from './TraceState.js';
import { useSpanTree, useTraceSpans } from './useTraceSpans.js';

function TokenSummary({ detail }: { detail: TraceDetail }) {
  const usage = shownUsage(detail.info);
  if (usage === null) return <span className="muted">no token usage recorded</span>;
  return (
    <span data-testid="trace-tokens">
      <span data-testid="trace-tokens-input">{formatCount(usage.input)}</span> in · <span data-testid="trace-tokens-output">{formatCount(usage.output)}</span> out ·{' '}
      <strong data-testid="trace-tokens-total">{formatCount(usage.total)}</strong> total
      {detail.info.tokenMismatch && (
        <span className="ml-mismatch" title={mismatchTitle(detail.info)} data-testid="token-mismatch">
          {' '}
          ≠ stored {formatCount(detail.info.storedTokens?.total ?? 0)}
        </span>
      )}
    </span>
  );
}

const NO_SPANS: Span[] = [];

interface Props {
  workspaceId: string;
  traceId: string;
  /** The span picked (kept in the route). */
  spanId: string | undefined;
  onSpan: (spanId: string) => void;
  onEditWorkspace?: () => void;
}

/** One trace: its facts and token totals, the span tree with waterfall, and the selected span's detail. */
export function TraceView({ workspaceId, traceId, spanId, onSpan, onEditWorkspace }: Props) {
  const { query, detail, received, complete } = useTraceSpans(workspaceId, traceId);
  // The header paints with the first slice; the tree (tens of thousands of spans, possibly) waits for
  // the last one and is indexed in chunks, so input is handled in between.
  const spans = complete ? received : NO_SPANS;
  const tree = useSpanTree(complete ? received : null);
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} onEditWorkspace={onEditWorkspace} />;
  if (detail === undefined) return <Loading label="Reading the trace…" />;
  const { info } = detail;
  const traceStart = spans.reduce((min, s) => Math.min(min, s.startMs), info.timestampMs);
  // The first failing span is what the reader of an error trace is looking for.
  const errorIndex = spans.findIndex((s) => s.status === 'ERROR');
  const picked = spanId === undefined ? -1 : spans.findIndex((s) => s.spanId === spanId);
  const shown = picked >= 0 ? picked : errorIndex >= 0 ? errorIndex : spans.length > 0 ? 0 : null;

  return (
    <article className="ml-trace" data-testid="trace-view" data-trace-id={info.traceId}>
      <header className="ml-run__head">
        <h2 className="ml-title" data-testid="trace-name">
          {info.name ?? info.traceId}
        </h2>
        <TraceStateBadge state={info.state} />
      </header>
      <dl className="ml-facts">
        <dt>Trace ID</dt>
        <dd className="ml-mono">{info.traceId}</dd>
        <dt>Started</dt>
        <dd title={isoTime(info.timestampMs)}>{formatTime(info.timestampMs)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(info.durationMs)}</dd>
        <dt>Tokens</dt>
        <dd>
          <TokenSummary detail={detail} />
        </dd>
        {info.model && (
          <>
            <dt>Model</dt>
            <dd>{info.model}</dd>
          </>
        )}
        {info.user && (
          <>
            <dt>User</dt>
            <dd>{info.user}</dd>
          </>
        )}
        {info.session && (
          <>
            <dt>Session</dt>
            <dd>{info.session}</dd>
          </>
        )}
        {detail.spanSource && (
          <>
            <dt>Spans from</dt>
            <dd>{detail.spanSource}</dd>
          </>
        )}
      </dl>
      {detail.problems.map((p) => (
        <p key={p} className="note" role="status">
          {p}
        </p>
      ))}
      <details className="ml-section">
        <summary>Tags, metadata and assessments</summary>
        <div className="ml-columns">
          <KeyValueTable label="Tags" testId="trace-tags" entries={Object.entries(info.tags)} />
          <KeyValueTable label="Metadata" testId="trace-metadata" entries={Object.entries(detail.metadata)} />
        </div>
        {detail.assessments.length > 0 && (
          <table className="ml-table ml-table--compact" data-testid="trace-assessments">
            <thead>
              <tr>
                <th>Assessment</th>
                <th>Type</th>
                <th>Value</th>
                <th>Rationale</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {detail.assessments.map((a) => (
                <tr key={a.assessmentId}>
                  <td>{a.name}</td>
                  <td>{a.type}</td>
                  <td>
                    <JsonValue value={a.value} />
                  </td>
                  <td>{a.rationale ?? ''}</td>
                  <td>{[a.sourceType, a.sourceId].filter(Boolean).join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
      {!complete ? (
        <Loading label={`Loading spans ${formatCount(received.length)} / ${formatCount(detail.spanTotal)}…`} />
      ) : spans.length === 0 ? (
        <p className="empty">This trace has no spans to show.</p>
      ) : tree === null ? (
        <Loading label={`Laying out ${formatCount(spans.length)} spans…`} />
      ) : (
        <div className="ml-trace__split">
          <SpanTree spans={spans} tree={tree} selected={shown} onSelect={(index) => onSpan(spans[index].spanId)} />
          <div className="ml-trace__detail">
            {shown !== null && (
              <SelectedSpan workspaceId={workspaceId} traceId={info.traceId} span={spans[shown]} traceStartMs={traceStart} onRequest={detail.spanPayloads === 'on request'} />
            )}
          </div>
        </div>
      )}
    </article>
  );
}
