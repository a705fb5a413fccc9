import './runs.css';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { MAX_VISIBLE_RUNS } from '../../../../shared/channels/metaflow.js';
import { call } from '../../api/client.js';
import { formatCount, plural } from '../../format.js';
import { runsQuery, serviceRunsQuery } from '../queries.js';
import { useTellVisible } from '../useTellVisible.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { RunFilterBar } from './RunFilterBar.js';
import { DEFAULT_SORT, distinctTags, distinctUsers, filterRuns, isFiltered, NO_FILTER, sortRuns, type RunFilter, type Sort } from './run-filters.js';
import { MetaflowRunsTable } from './MetaflowRunsTable.js';
import { namespaceQuery, ServiceRunControls, type NamespaceChoice } from './ServiceRunControls.js';
import { ServiceCacheNotice } from './ServiceCacheNotice.js';
import { joinPages } from './join-pages.js';

/** Runs per page from a metadata service: the service's own default, so the first read is also the one main caches. */
const PAGE = 50;

interface Props {
  workspaceId: string;
  flow: string;
  onOpen: (runId: string) => void;
  onEditWorkspace?: () => void;
}

/** The runs of one flow: status, times, user and tags, sortable and filterable. */
export function MetaflowRunsView({ workspaceId, flow, onOpen, onEditWorkspace }: Props) {
  const [filter, setFilter] = useState<RunFilter>(NO_FILTER);
  const [namespace, setNamespace] = useState<NamespaceChoice>({ kind: 'default' });
  // With a metadata service, namespace, tag, user, status and start time are filtered by the service over every run.
  const query = {
    ...namespaceQuery(namespace),
    ...(filter.tag === '' ? {} : { tags: [filter.tag] }),
    ...(filter.user === '' ? {} : { user: filter.user }),
    ...(filter.status === 'all' ? {} : { status: filter.status }),
    ...(filter.since === null ? {} : { since: filter.since }),
    ...(filter.until === null ? {} : { until: filter.until }),
    limit: PAGE,
  };
  // A datastore list is filtered here and must not be read again per filter: the service's paged list takes over
  // only once the first answer says a service is behind the list.
  const [service, setService] = useState(false);
  const plain = useQuery({ ...runsQuery(workspaceId, flow), enabled: !service });
  const paged = useInfiniteQuery({ ...serviceRunsQuery(workspaceId, flow, query), enabled: service, placeholderData: keepPreviousData });
  if (plain.data?.metadata === 'service' && !service) setService(true);
  const active = service ? paged : plain;
  const data = service ? (paged.data && joinPages(paged.data.pages)) : plain.data;
  const more = service && paged.hasNextPage && !paged.isFetchingNextPage ? () => void paged.fetchNextPage() : undefined;

  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  // Typing in the filter stays responsive while 10,000 rows are filtered behind it.
  const deferredFilter = useDeferredValue(filter);
  const all = data?.runs;
  const shown = useMemo(() => (all ? sortRuns(filterRuns(all, deferredFilter), sort) : []), [all, deferredFilter, sort]);
  const tags = useMemo(() => (all ? distinctTags(all) : []), [all]);
  const users = useMemo(() => (all ? distinctUsers(all) : []), [all]);
  const partial = service ? undefined : plain.data?.statuses;
  // While statuses are read, main reads the rows in view first: tell it which (of those not read yet) they are.
  const [visible, setVisible] = useState<string[]>([]);
  const unread = useMemo(() => new Set(all?.filter((r) => r.listedOnly).map((r) => r.id)), [all]);
  const waiting = partial ? visible.filter((id) => unread.has(id)).slice(0, MAX_VISIBLE_RUNS) : [];
  const tellVisible = useCallback((ids: string[]) => void call('metaflow.runsVisible', { workspaceId, flow, ids }).catch(() => undefined), [workspaceId, flow]);
  useTellVisible(waiting, tellVisible);

  if (active.isError) {
    return <ErrorPanel error={active.error} onRetry={() => void active.refetch()} retrying={active.isFetching} onEditWorkspace={onEditWorkspace} />;
  }
  if (data === undefined) return <Loading label="Reading runs…" />;
  const { metadata, fromIndex } = data;
  const hasMetadata = metadata !== 'none';
  const fromService = metadata === 'service';
  const total = data.runs.length;
  const onService = fromService && data.next !== undefined;

  return (
    <div className="runs-view">
      <div className="listing__summary">
        <span data-testid="run-count">
          {isFiltered(filter) ? `${formatCount(shown.length)} of ${plural(total, 'run')}` : plural(total, 'run')}
        </span>
        {onService && <span className="muted">· more on the service</span>}
        {partial && (
          <span className="badge badge--warning" data-testid="statuses-partial">
            statuses for {formatCount(partial.known)} of {plural(partial.total, 'run')} known
          </span>
        )}
        {fromIndex && !fromService && (
          <span className="badge badge--warning" data-testid="from-index">
            from local index · refreshing…
          </span>
        )}
      </div>
      {!hasMetadata && (
        <p className="note note--info" data-testid="no-metadata">
          User and tags come from Metaflow metadata; this workspace has none.
        </p>
      )}
      {fromService && (
        <ServiceRunControls
          listed={data.namespace}
          choice={namespace}
          onChange={(choice) => {
            setNamespace(choice);
          }}
        />
      )}
      {fromService && fromIndex && <ServiceCacheNotice cachedAt={data.cachedAt ?? null} unreachable={data.unreachable} />}
      <RunFilterBar filter={filter} onChange={setFilter} tags={tags} users={users} hasMetadata={hasMetadata} />
      {partial?.stalled && (
        <p className="note note--info" data-testid="statuses-stalled">
          {partial.stalled}
        </p>
      )}
      {partial && filter.status !== 'all' && (
        <p className="note note--info" data-testid="status-filter-partial">
          This list is partial: statuses for {formatCount(partial.known)} of {plural(partial.total, 'run')} are known so far, and runs not read yet
          match no status filter.
        </p>
      )}
      {total === 0 ? (
        onService ? (
          <p className="empty">No runs on this page match; the service has more.</p>
        ) : (
          <p className="empty">This flow has no runs yet: <code>python flow.py run</code> with this datastore writes one here.</p>
        )
      ) : shown.length === 0 ? (
        <p className="empty">No runs match these filters.</p>
      ) : (
        <MetaflowRunsTable runs={shown} sort={sort} onSort={setSort} showMetadata={hasMetadata} onOpen={onOpen} onVisible={setVisible} onNearEnd={more} />
      )}
      {onService && (
        <button type="button" className="button" data-testid="more-runs" disabled={more === undefined} onClick={more}>
          {paged.isFetchingNextPage ? 'Reading more runs…' : `Show ${PAGE} more`}
        </button>
      )}
    </div>
  );
}
