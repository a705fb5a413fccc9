import { useQueries } from '@tanstack/react-query';
import type { MlflowRun } from '../../../../shared/schemas/mlflow.js';
import { metricHistoryQuery } from '../queries.js';
import { formatMetric, metricRange } from './metric-series.js';

interface Props {
  workspaceId: string;
  runs: MlflowRun[];
  metricKeys: string[];
}

/** A compare table's head: what the rows are, then a column per run. */
export function RunsHead({ first, runs }: { first: string; runs: MlflowRun[] }) {
  return (
    <thead>
      <tr>
        <th>{first}</th>
        {runs.map((r) => (
          <th key={r.runId}>{r.name || r.runId}</th>
        ))}
      </tr>
    </thead>
  );
}

/**
 * Runs × metrics: each run's last value, and the lowest and highest of its history when it logged
 * more than one; rows whose last values differ between the runs are highlighted. The histories are
 * the charts' own queries, so they are read once.
 */
export function CompareMetricsTable({ workspaceId, runs, metricKeys }: Props) {
  const runIds = runs.map((r) => r.runId);
  const histories = useQueries({ queries: metricKeys.map((key) => metricHistoryQuery(workspaceId, runIds, key)) });
  if (metricKeys.length === 0) return null;
  return (
    <table className="ml-table ml-table--compact" data-testid="compare-metrics" aria-label="Metrics by run">
      <RunsHead first="Metric" runs={runs} />
      <tbody>
        {metricKeys.map((key, k) => {
          const history = histories[k].data;
          const lasts = runs.map((r) => (r.metrics[key] === undefined ? '—' : formatMetric(r.metrics[key].value)));
          const differs = new Set(lasts).size > 1;
          return (
            <tr key={key} className={differs ? 'ml-row--differs' : undefined} data-metric={key} data-differs={differs}>
              <th scope="row" className="ml-mono">
                {key}
              </th>
              {runs.map((r, i) => {
                if (r.metrics[key] === undefined) {
                  return (
                    <td key={r.runId} data-run-id={r.runId}>
                      <span className="muted">—</span>
                    </td>
                  );
                }
                const range = history ? metricRange(history.series.find((s) => s.runId === r.runId)?.points ?? []) : null;
                return (
                  <td key={r.runId} data-run-id={r.runId}>
                    <span data-testid="compare-last">{lasts[i]}</span>
                    {range !== null && range.count > 1 && (
                      <span className="ml-compare__range muted" data-testid="compare-range">
                        min {formatMetric(range.min)} · max {formatMetric(range.max)}
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
