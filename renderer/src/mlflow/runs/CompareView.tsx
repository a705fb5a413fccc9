import './runs.css';
import { useQueries } from '@tanstack/react-query';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { CompareMetricsTable, RunsHead } from './CompareMetricsTable.js';
import { MetricCharts } from './MetricCharts.js';
import { mlflowRunQuery } from '../queries.js';
import { SERIES_COLOURS } from './metric-series.js';

interface Props {
  workspaceId: string;
  runIds: string[];
  onOpenRun: (runId: string, name: string) => void;
}

/** Several runs side by side: a table of every metric any of them logged (last, min, max), their histories overlaid, and their params in one table. */
export function CompareView({ workspaceId, runIds, onOpenRun }: Props) {
  const queries = useQueries({ queries: runIds.map((id) => mlflowRunQuery(workspaceId, id)) });
  const failed = queries.find((q) => q.isError);
  if (failed) return <ErrorPanel error={failed.error} onRetry={() => queries.forEach((q) => void q.refetch())} />;
  if (queries.some((q) => q.isPending)) return <Loading label="Reading the runs…" />;
  const runs = queries.flatMap((q) => (q.data ? [q.data.run] : []));
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();

  return (
    <article className="ml-run" data-testid="mlflow-compare">
      <h2 className="ml-title">Comparing {runs.length} runs</h2>
      <ul className="ml-compare__runs">
        {runs.map((r, i) => (
          <li key={r.runId}>
            <span className="ml-swatch" data-colour={i % SERIES_COLOURS.length} aria-hidden="true" />
            <button type="button" className="link-button" onClick={() => onOpenRun(r.runId, r.name)}>
              {r.name || r.runId}
            </button>
          </li>
        ))}
      </ul>
      <section className="ml-section">
        <h3>Metrics</h3>
        <CompareMetricsTable workspaceId={workspaceId} runs={runs} metricKeys={metricKeys} />
        <MetricCharts workspaceId={workspaceId} runs={runs.map((r) => ({ runId: r.runId, name: r.name }))} metricKeys={metricKeys} />
      </section>
      <section className="ml-section">
        <h3>Parameters</h3>
        <table className="ml-table ml-table--compact" data-testid="compare-params">
          <RunsHead first="Param" runs={runs} />
          <tbody>
            {paramKeys.map((key) => {
              const values = runs.map((r) => r.params[key]);
              const differs = new Set(values).size > 1;
              return (
                <tr key={key} className={differs ? 'ml-row--differs' : undefined}>
                  <th scope="row" className="ml-mono">
                    {key}
                  </th>
                  {values.map((v, i) => (
                    <td key={runs[i].runId}>{v ?? <span className="muted">—</span>}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </article>
  );
}
