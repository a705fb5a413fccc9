import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { LifecycleView, MlflowRun } from '../../../../shared/schemas/mlflow.js';
import { plural } from '../../format.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { LifecycleToggle } from '../LifecycleToggle.js';
import { mlflowRunsQuery } from '../queries.js';
import { dataColumns, runRows, type RunSort } from './runs-table.js';
import { RUN_SEARCH_HINT, searchRuns } from './run-search.js';
import { MlflowRunsTable } from './MlflowRunsTable.js';

interface Props {
  workspaceId: string;
  experimentId: string;
  onOpen: (run: MlflowRun) => void;
  onCompare: (runIds: string[]) => void;
  onEditWorkspace?: () => void;
}

const toggle = (set: ReadonlySet<string>, id: string, on: boolean) => {
  const next = new Set(set);
  if (on) next.add(id);
  else next.delete(id);
  return next;
};

/** The runs tab: lifecycle view, the runs table, and "Compare" for the runs ticked in it. */
export function MlflowRunsView({ workspaceId, experimentId, onOpen, onCompare, onEditWorkspace }: Props) {
  const [view, setView] = useState<LifecycleView>('active');
  const [sort, setSort] = useState<RunSort>({ column: { kind: 'field', field: 'start' }, dir: 'desc' });
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [search, setSearch] = useState('');
  const query = useQuery(mlflowRunsQuery(workspaceId, experimentId, view));
  const allRuns = query.data;
  const runs = useMemo(() => (allRuns ? searchRuns(allRuns, search) : undefined), [allRuns, search]);
  // Columns from every run, so the table keeps its shape while the search narrows it.
  const columns = useMemo(() => (allRuns ? dataColumns(allRuns) : []), [allRuns]);
  const rows = useMemo(() => (runs ? runRows(runs, sort, expanded) : []), [runs, sort, expanded]);
  const shownSelection = runs ? runs.filter((r) => selected.has(r.runId)).map((r) => r.runId) : [];
  const searching = search.trim() !== '';

  return (
    <div className="ml-fill">
      <div className="ml-toolbar">
        <LifecycleToggle label="Runs to show" value={view} onChange={setView} />
        <input
          type="search"
          className="ml-run-search"
          aria-label="Search runs"
          placeholder="Search name, id, params, metrics, tags"
          title={`Matches: ${RUN_SEARCH_HINT}`}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="run-search"
        />
        {allRuns && runs && (
          <span className="muted" data-testid="runs-count">
            {searching ? `${runs.length} of ${plural(allRuns.length, 'run')}` : plural(allRuns.length, 'run')}
          </span>
        )}
        <span className="ml-spacer" />
        <span className="muted">{shownSelection.length > 0 ? `${shownSelection.length} selected` : 'Tick runs to compare them'}</span>
        <button type="button" className="button button--small" disabled={shownSelection.length === 0} onClick={() => onCompare(shownSelection)}>
          Compare
        </button>
        {shownSelection.length > 0 && (
          <button type="button" className="button button--small button--quiet" onClick={() => setSelected(new Set())}>
            Clear
          </button>
        )}
      </div>
      {query.isPending && <Loading label="Reading runs…" />}
      {query.isError && <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} onEditWorkspace={onEditWorkspace} />}
      {searching && runs && runs.length === 0 && (
        <p className="empty" data-testid="runs-no-match">
          No run matches “{search.trim()}”. The search looks at: {RUN_SEARCH_HINT.toLowerCase()}.
        </p>
      )}
      {!searching && runs && runs.length === 0 && <p className="empty">No {view === 'all' ? '' : `${view} `}runs in this experiment: runs started with <code>mlflow.start_run()</code> under it appear here.</p>}
      {runs && runs.length > 0 && (
        <MlflowRunsTable
          rows={rows}
          columns={columns}
          sort={sort}
          onSort={setSort}
          selected={selected}
          onSelect={(id, on) => setSelected((s) => toggle(s, id, on))}
          expanded={expanded}
          onExpand={(id, on) => setExpanded((s) => toggle(s, id, on))}
          onOpen={onOpen}
        />
      )}
    </div>
  );
}
