import './prompts.css';
import { useQuery } from '@tanstack/react-query';
import { plural } from '../../format.js';
import { DataTable } from '../../ui/DataTable.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { PROMPT_HEAD, promptRows } from './prompt-format.js';
import { promptsQuery } from './prompt-queries.js';

interface Props {
  workspaceId: string;
  experimentId: string;
  onOpen: (promptKey: string, version?: string) => void;
}

/** An experiment's traces grouped by prompt and version: registered prompts MLflow linked, else the system prompt. */
export function PromptsView({ workspaceId, experimentId, onOpen }: Props) {
  const query = useQuery(promptsQuery(workspaceId, experimentId));
  if (query.isPending) return <Loading label="Grouping the traces by prompt…" />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />;
  const data = query.data;
  const rows = promptRows(data.prompts);
  return (
    <div className="ml-prompts" data-testid="prompts-view">
      <p className="muted">
        {plural(data.traces, 'trace')} in {plural(data.prompts.length + data.omitted, 'prompt')}; grouped by the registered prompt version MLflow linked to
        each trace, else by the prompt template its spans carry, else by its system prompt.
        {data.ungrouped > 0 && ` ${plural(data.ungrouped, 'trace')} name no prompt.`}
      </p>
      {data.spansPending > 0 && (
        <div className="note note--info" data-testid="prompts-pending">
          The spans of {plural(data.spansPending, 'trace')} are still being read from the tracking server: their system prompts are not grouped yet.{' '}
          <button type="button" className="link-button" onClick={() => void query.refetch()}>
            Read again
          </button>
        </div>
      )}
      {data.omitted > 0 && <p className="muted">{plural(data.omitted, 'more prompt')} with fewer traces are not listed.</p>}
      {rows.length === 0 ? (
        <p className="empty">No trace of this experiment names a prompt.</p>
      ) : (
        <DataTable
          head={PROMPT_HEAD}
          rows={rows.map((r) => r.cells)}
          look={{ className: 'ml-prompts__table', tableClassName: 'ml-table ml-table--compact', testId: 'prompts-table' }}
          onOpen={(i) => onOpen(rows[i].key, rows[i].version ?? undefined)}
        />
      )}
    </div>
  );
}
