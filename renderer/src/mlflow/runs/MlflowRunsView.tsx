import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { LifecycleView, MlflowRun } from '../../../../shared/schemas/mlflow.js';
import { runsCsv, runsJson } from '../../../../shared/export/runs-export.js';
import { looksLikeRunFilter, parseRunFilter, RunFilterError } from '../../../../shared/run-filter/parse.js';
import { plural } from '../../format.js';
import { downloadText, exportFileName } from '../../ui/download-text.js';
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

function filterError(text: string): string | null {
  try {
    parseRunFilter(text);
    return null;
  } catch (e) {
    if (e instanceof RunFilterError) return e.message;
    throw e;
  }
}

/** The runs tab: lifecycle view, the runs table, and "Compare" for the runs ticked in it. */
export function MlflowRunsView({ workspaceId, experimentId, onOpen, onCompare, onEditWorkspace }: Props) {
  const [view, setView] = useState<LifecycleView>('active');
  const [sort, setSort] = useState<RunSort>({ column: { kind: 'field', field: 'start' }, dir: 'desc' });
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [search, setSearch] = useState('');
  // MLflow's grammar goes to the source on Enter (the store filters); plain words narrow the loaded runs as typed.
  const [filter, setFilter] = useState('');
  const grammar = looksLikeRunFilter(search);
  const grammarError = grammar ? filterError(search) : null;
  const query = useQuery(mlflowRunsQuery(workspaceId, experimentId, view, filter || undefined));
  const allRuns = query.data;
  const runs = useMemo(() => (allRuns ? (grammar ? allRuns : searchRuns(allRuns, search)) : undefined), [allRuns, search, grammar]);
  // Columns from every run, so the table keeps its shape while the search narrows it.
  const columns = useMemo(() => (allRuns ? dataColumns(allRuns) : []), [allRuns]);
  const rows = useMemo(() => (runs ? runRows(runs, sort, expanded) : []), [runs, sort, expanded]);
  const shownSelection = runs ? runs.filter((r) => selected.has(r.runId)).map((r) => r.runId) : [];
  const searching = filter !== '' || (!grammar && search.trim() !== '');
  const exportRuns = (kind: 'csv' | 'json') => {
    if (!runs) return;
    const name = exportFileName(`runs-${experimentId}${filter ? '-filtered' : ''}`, kind);
    downloadText(name, kind === 'csv' ? runsCsv(runs) : runsJson(runs), kind === 'csv' ? 'text/csv' : 'application/json');
  };

  return (
    <div className="ml-fill">
      <div className="ml-toolbar">
        <LifecycleToggle label="Runs to show" value={view} onChange={setView} />
        <form
          className="ml-run-search-form"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            if (!grammarError) setFilter(grammar ? search.trim() : '');
          }}
        >
          <input
            type="search"
            className="ml-run-search"
            aria-label="Search runs"
            aria-invalid={grammarError !== null}
            placeholder="metrics.acc > 0.9 and params.model = 'x' (Enter), or words"
            title={`MLflow's search (Enter): metrics.acc > 0.9 and params.model = 'x' and tags.team LIKE 'a%'. Words match: ${RUN_SEARCH_HINT}`}
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              if (e.target.value.trim() === '') setFilter('');
            }}
            data-testid="run-search"
          />
        </form>
        {allRuns && runs && (
          <span className="muted" data-testid="runs-count">
            {filter ? `${plural(runs.length, 'run')} match` : searching ? `${runs.length} of ${plural(allRuns.length, 'run')}` : plural(allRuns.length, 'run')}
          </span>
        )}
        <span className="ml-spacer" />
        <button type="button" className="button button--small button--quiet" disabled={!runs || runs.length === 0} onClick={() => exportRuns('csv')} data-testid="runs-export-csv">
          Export CSV
        </button>
        <button type="button" className="button button--small button--quiet" disabled={!runs || runs.length === 0} onClick={() => exportRuns('json')} data-testid="runs-export-json">
          JSON
        </button>
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
      {grammarError && (
        <p className="ml-run-search-error" role="alert" data-testid="run-search-error">
          {grammarError}
        </p>
      )}
      {grammar && !grammarError && search.trim() !== filter && <p className="muted">Press Enter to search with MLflow’s grammar.</p>}
      {query.isPending && <Loading label="Reading runs…" />}
      {query.isError && <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} onEditWorkspace={onEditWorkspace} />}
      {searching && runs && runs.length === 0 && (
        <p className="empty" data-testid="runs-no-match">
          {filter ? `No run matches “${filter}”.` : `No run matches “${search.trim()}”. The search looks at: ${RUN_SEARCH_HINT.toLowerCase()}.`}
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
