import './runs.css';
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useMemo, useState } from 'react';
import { formatCount, plural } from '../../format.js';
import { runsQuery } from '../queries.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { RunFilterBar } from './RunFilterBar.js';
import { DEFAULT_SORT, distinctTags, distinctUsers, filterRuns, isFiltered, NO_FILTER, sortRuns, type RunFilter, type Sort } from './run-filters.js';
import { MetaflowRunsTable } from './MetaflowRunsTable.js';

interface Props {
  workspaceId: string;
  flow: string;
  onOpen: (runId: string) => void;
  onEditWorkspace?: () => void;
}

/** The runs of one flow: status, times, user and tags, sortable and filterable. */
export function MetaflowRunsView({ workspaceId, flow, onOpen, onEditWorkspace }: Props) {
  const runs = useQuery(runsQuery(workspaceId, flow));
  const [filter, setFilter] = useState<RunFilter>(NO_FILTER);
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  // Typing in the filter stays responsive while 10,000 rows are filtered behind it.
  const deferredFilter = useDeferredValue(filter);
  const all = runs.data?.runs;
  const shown = useMemo(() => (all ? sortRuns(filterRuns(all, deferredFilter), sort) : []), [all, deferredFilter, sort]);
  const tags = useMemo(() => (all ? distinctTags(all) : []), [all]);
  const users = useMemo(() => (all ? distinctUsers(all) : []), [all]);

  if (runs.isPending) return <Loading label="Reading runs…" />;
  if (runs.isError) {
    return <ErrorPanel error={runs.error} onRetry={() => void runs.refetch()} retrying={runs.isFetching} onEditWorkspace={onEditWorkspace} />;
  }
  const { metadata, fromIndex } = runs.data;
  const hasMetadata = metadata !== 'none';
  const total = runs.data.runs.length;

  return (
    <div className="runs-view">
      <div className="listing__summary">
        <span data-testid="run-count">
          {isFiltered(filter) ? `${formatCount(shown.length)} of ${plural(total, 'run')}` : plural(total, 'run')}
        </span>
        {fromIndex && (
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
      <RunFilterBar filter={filter} onChange={setFilter} tags={tags} users={users} hasMetadata={hasMetadata} />
      {total === 0 ? (
        <p className="empty">This flow has no runs yet: <code>python flow.py run</code> with this datastore writes one here.</p>
      ) : shown.length === 0 ? (
        <p className="empty">No runs match these filters.</p>
      ) : (
        <MetaflowRunsTable runs={shown} sort={sort} onSort={setSort} showMetadata={hasMetadata} onOpen={onOpen} />
      )}
    </div>
  );
}
