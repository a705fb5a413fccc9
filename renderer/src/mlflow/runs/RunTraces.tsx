import { useQuery } from '@tanstack/react-query';
import type { MlflowRun } from '../../../../shared/schemas/mlflow.js';
import { call } from '../../api/client.js';
import { formatCount, formatDuration, formatTime, isoTime } from '../../format.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { rowOpener } from '../../ui/row-opener.js';
import { shownUsage } from '../tokens/tokens-format.js';
import { TraceStateBadge } from '../traces/TraceState.js';

/** More than a run page lists; the experiment's Traces tab has them all. */
const RUN_TRACES_SHOWN = 100;

interface Props {
  workspaceId: string;
  run: MlflowRun;
  onOpenTrace: (traceId: string) => void;
}

/** The traces MLflow linked to the run (`mlflow.sourceRun`: made while the run was active), newest first; a row opens its trace. */
export function RunTraces({ workspaceId, run, onOpenTrace }: Props) {
  const query = useQuery({
    // Not the Traces tab's key: that one holds pages (an infinite query).
    queryKey: ['mlflow.traces', workspaceId, run.experimentId, 'run', run.runId],
    queryFn: () => call('mlflow.traces', { workspaceId, experimentIds: [run.experimentId], filter: { runId: run.runId }, pageSize: RUN_TRACES_SHOWN }),
  });
  if (query.isPending) return <Loading label="Reading the run's traces…" />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />;
  const { traces, nextPageToken } = query.data;
  if (traces.length === 0) {
    return (
      <p className="muted" data-testid="run-traces-empty">
        No traces linked to this run. MLflow links a trace to the run that was active when it was made (its <code>mlflow.sourceRun</code>).
      </p>
    );
  }
  return (
    <>
      <table className="ml-table ml-table--compact" data-testid="run-traces" aria-label="Traces of this run">
        <thead>
          <tr>
            <th>Time</th>
            <th>Name</th>
            <th>State</th>
            <th>Duration</th>
            <th>Tokens</th>
          </tr>
        </thead>
        <tbody>
          {traces.map((t) => (
            <tr key={t.traceId} {...rowOpener(() => onOpenTrace(t.traceId))} data-testid="run-trace" data-trace-id={t.traceId} title={`Open trace ${t.traceId}`}>
              <td title={isoTime(t.timestampMs)}>{formatTime(t.timestampMs)}</td>
              <td className="ml-traces__open">{t.name ?? t.traceId}</td>
              <td>
                <TraceStateBadge state={t.state} />
              </td>
              <td>{formatDuration(t.durationMs)}</td>
              <td>{shownUsage(t) === null ? <span className="muted">—</span> : formatCount(shownUsage(t)?.total ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {nextPageToken !== null && <p className="muted">The newest {RUN_TRACES_SHOWN} are listed; the experiment's Traces tab has every trace.</p>}
    </>
  );
}
