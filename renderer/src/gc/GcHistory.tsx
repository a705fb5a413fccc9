import { useQuery } from '@tanstack/react-query';
import { call } from '../api/client.js';
import { formatBytes, formatCount, formatTime } from '../format.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';

export const GC_HISTORY_KEY = ['gc', 'history'] as const;

/** Past plans and executions, from the gc journal. */
export function GcHistory() {
  const history = useQuery({ queryKey: GC_HISTORY_KEY, queryFn: () => call('gc.history', {}) });
  if (history.error) return <ErrorPanel error={history.error} onRetry={() => void history.refetch()} />;
  const runs = history.data?.runs ?? [];
  return (
    <section className="gc-history" data-testid="gc-history">
      <h4 className="gc-heading">Past runs</h4>
      {runs.length === 0 ? (
        <p className="muted">No plans yet.</p>
      ) : (
        <table className="gc-table">
          <thead>
            <tr>
              <th>Planned</th>
              <th>Workspace</th>
              <th>Target</th>
              <th>State</th>
              <th className="num">Planned objects</th>
              <th className="num">Deleted</th>
              <th className="num">Freed</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.planId} data-testid="gc-history-row">
                <td>{formatTime(r.createdAt)}</td>
                <td>{r.workspaceName}</td>
                <td>{r.target}</td>
                <td>{r.state}</td>
                <td className="num">{formatCount(r.planned)}</td>
                <td className="num">{formatCount(r.deleted)}</td>
                <td className="num">{formatBytes(r.deletedBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
