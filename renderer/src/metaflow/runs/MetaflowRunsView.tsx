import './runs.css';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { MAX_VISIBLE_RUNS } from '../../../../shared/channels/metaflow.js';
import { call } from '../../api/client.js';
import { formatCount, plural } from '../../format.js';
import { runsQuery } from '../queries.js';
import { useTellVisible } from '../useTellVisible.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { RunFilterBar } from './RunFilterBar.js';
import { DEFAULT_SORT, distinctTags, distinctUsers, filterRuns, isFiltered, NO_FILTER, sortRuns, type RunFilter, type Sort } from './run-filters.js';
import { MetaflowRunsTable } from './MetaflowRunsTable.js';
import { namespaceQuery, ServiceRunControls, type NamespaceChoice } from './ServiceRunControls.js';

const PAGE = 50;
/** The most rows one list call returns (the contract's bound); past it, narrow the filters. */
const MAX_ROWS = 500;

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
  const [limit, setLimit] = useState(PAGE);
  // With a metadata service, namespace, tag, user and status are filtered by the service over every run.
  const query = {
    ...namespaceQuery(namespace),
    ...(filter.tag === '' ? {} : { tags: [filter.tag] }),
    ...(filter.user === '' ? {} : { user: filter.user }),
    ...(filter.status === 'all' ? {} : { status: filter.status }),
    limit,
  };
  // A datastore list is filtered here and must not be read again per filter: the query goes out only once the
  // first answer says a service is behind the list.
  const [service, setService] = useState(false);
  const runs = useQuery({ ...runsQuery(workspaceId, flow, service ? query : undefined), placeholderData: (previous) => previous });
  const answeredByService = runs.data?.metadata === 'service';
  if (answeredByService && !service) setService(true);
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  // Typing in the filter stays responsive while 10,000 rows are filtered behind it.
  const deferredFilter = useDeferredValue(filter);
  const all = runs.data?.runs;
  const shown = useMemo(() => (all ? sortRuns(filterRuns(all, deferredFilter), sort) : []), [all, deferredFilter, sort]);
  const tags = useMemo(() => (all ? distinctTags(all) : []), [all]);
  const users = useMemo(() => (all ? distinctUsers(all) : []), [all]);
  const partial = runs.data?.statuses;
  // While statuses are read, main reads the rows in view first: tell it which (of those not read yet) they are.
  const [visible, setVisible] = useState<string[]>([]);
  const unread = useMemo(() => new Set(all?.filter((r) => r.listedOnly).map((r) => r.id)), [all]);
  const waiting = partial ? visible.filter((id) => unread.has(id)).slice(0, MAX_VISIBLE_RUNS) : [];
  const tellVisible = useCallback((ids: string[]) => void call('metaflow.runsVisible', { workspaceId, flow, ids }).catch(() => undefined), [workspaceId, flow]);
  useTellVisible(waiting, tellVisible);

  if (runs.isPending) return <Loading label="Reading runs…" />;
  if (runs.isError) {
    return <ErrorPanel error={runs.error} onRetry={() => void runs.refetch()} retrying={runs.isFetching} onEditWorkspace={onEditWorkspace} />;
  }
  const { metadata, fromIndex } = runs.data;
  const hasMetadata = metadata !== 'none';
  const fromService = metadata === 'service';
  const total = runs.data.runs.length;

  return (
    <div className="runs-view">
      <div className="listing__summary">
        <span data-testid="run-count">
          {isFiltered(filter) ? `${formatCount(shown.length)} of ${plural(total, 'run')}` : plural(total, 'run')}
        </span>
        {fromService && runs.data.next !== undefined && <span className="muted">· more on the service</span>}
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
          listed={runs.data.namespace}
          choice={namespace}
          cachedAt={runs.data.cachedAt ?? undefined}
          onChange={(choice) => {
            setNamespace(choice);
            setLimit(PAGE);
          }}
        />
      )}
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
        <p className="empty">This flow has no runs yet: <code>python flow.py run</code> with this datastore writes one here.</p>
      ) : shown.length === 0 ? (
        <p className="empty">No runs match these filters.</p>
      ) : (
        <MetaflowRunsTable runs={shown} sort={sort} onSort={setSort} showMetadata={hasMetadata} onOpen={onOpen} onVisible={setVisible} />
      )}
      {fromService && runs.data.next !== undefined && limit < MAX_ROWS && (
        <button type="button" className="button" data-testid="more-runs" onClick={() => setLimit((l) => Math.min(MAX_ROWS, l + PAGE))}>
          Show {PAGE} more
        </button>
      )}
    </div>
  );
}
