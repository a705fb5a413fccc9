import './traces.css';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import type { TraceFilter, TraceSort } from '../../../../shared/schemas/mlflow.js';
import { call } from '../../api/client.js';
import { formatCount } from '../../format.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { TRACE_PAGE_SIZE, tracesQueryKey } from '../queries.js';
import { TraceFilterBar } from './TraceFilterBar.js';
import { TracesList } from './TracesList.js';

interface Props {
  workspaceId: string;
  experimentId: string;
  onOpen: (traceId: string) => void;
  onEditWorkspace?: () => void;
}

/** The traces tab: filter bar and the sortable, paged, virtualized list. */
export function TracesView({ workspaceId, experimentId, onOpen, onEditWorkspace }: Props) {
  const [filter, setFilter] = useState<TraceFilter>({});
  const [sort, setSort] = useState<TraceSort>({ by: 'timestamp', order: 'desc' });
  const query = useInfiniteQuery({
    queryKey: tracesQueryKey(workspaceId, experimentId, filter, sort),
    queryFn: ({ pageParam }) =>
      call('mlflow.traces', { workspaceId, experimentIds: [experimentId], filter, sort, pageSize: TRACE_PAGE_SIZE, pageToken: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextPageToken ?? undefined,
  });
  const traces = query.data?.pages.flatMap((p) => p.traces) ?? [];
  const total = query.data?.pages[0].total ?? null;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const onNearEnd = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  // A page with no match but more after it (a tracking server's text search narrows each page it is
  // given): read on rather than say nothing matches.
  const emptySoFar = query.data !== undefined && traces.length === 0;
  useEffect(() => {
    if (emptySoFar) onNearEnd();
  }, [emptySoFar, onNearEnd]);

  return (
    <div className="ml-fill">
      <TraceFilterBar onApply={setFilter} />
      <div className="ml-toolbar">
        {query.data && (
          <span className="muted" data-testid="traces-count">
            {total !== null ? `${formatCount(total)} traces` : `${formatCount(traces.length)}${hasNextPage ? '+' : ''} traces`}
          </span>
        )}
        {isFetchingNextPage && <span className="muted">loading more…</span>}
      </div>
      {query.isPending && <Loading label="Reading traces…" />}
      {query.isError && <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} onEditWorkspace={onEditWorkspace} />}
      {query.data && traces.length === 0 && !hasNextPage && <p className="empty">{Object.keys(filter).length > 0 ? 'No traces match these filters.' : 'No traces yet: calls traced with @mlflow.trace or an autologger (mlflow.openai.autolog(), …) in this experiment appear here.'}</p>}
      {traces.length > 0 && <TracesList traces={traces} sort={sort} onSort={setSort} onOpen={onOpen} onNearEnd={onNearEnd} />}
    </div>
  );
}
