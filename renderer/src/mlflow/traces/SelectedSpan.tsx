import { useQuery } from '@tanstack/react-query';
import type { Span } from '../../../../shared/schemas/mlflow.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { spanQuery } from '../queries.js';
import { SpanDetail } from './SpanDetail.js';

interface Props {
  workspaceId: string;
  traceId: string;
  span: Span;
  traceStartMs: number;
  /** The trace came without span payloads: read this span whole. */
  onRequest: boolean;
}

function SpanWithPayload({ workspaceId, traceId, span, traceStartMs }: Omit<Props, 'onRequest'>) {
  const query = useQuery(spanQuery(workspaceId, traceId, span.spanId));
  if (query.isPending) return <Loading label={`Reading ${span.name}…`} />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />;
  return <SpanDetail span={query.data} traceStartMs={traceStartMs} />;
}

/** The selected span's detail; for a large trace its inputs, outputs and attributes are read on selection. */
export function SelectedSpan({ onRequest, ...props }: Props) {
  return onRequest ? <SpanWithPayload key={props.span.spanId} {...props} /> : <SpanDetail span={props.span} traceStartMs={props.traceStartMs} />;
}
