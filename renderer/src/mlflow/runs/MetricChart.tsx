import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTime } from '../../format.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { formatMetric, isChartable, mergeSeries, SERIES_COLOURS, seriesKey, type XAxisKind } from './metric-series.js';
import { metricHistoryQuery } from '../queries.js';

export interface ChartRun {
  runId: string;
  name: string;
}

interface Props {
  workspaceId: string;
  metricKey: string;
  runs: ChartRun[];
  axis: XAxisKind;
}

const formatX = (axis: XAxisKind) => (x: number) => (axis === 'step' ? String(x) : formatTime(x).slice(11));

/** One metric's full history for one or more runs, overlaid, by step or by wall-clock time; a metric logged once per run shows its values instead. */
export function MetricChart({ workspaceId, metricKey, runs, axis }: Props) {
  const runIds = runs.map((r) => r.runId);
  const query = useQuery(metricHistoryQuery(workspaceId, runIds, metricKey));
  // The ids joined are the memo's identity: the array itself is rebuilt on every render.
  const idsKey = runIds.join(',');
  const data = useMemo(() => (query.data ? mergeSeries(query.data, idsKey.split(','), axis) : []), [query.data, idsKey, axis]);
  const truncated = query.data?.series.some((s) => s.truncated) ?? false;

  return (
    <figure className="ml-chart" data-testid="metric-chart" data-metric={metricKey}>
      <figcaption className="ml-chart__title">
        {metricKey}
        {truncated && <span className="muted"> (history truncated)</span>}
      </figcaption>
      {query.isPending && <Loading label={`Reading ${metricKey}…`} />}
      {query.isError && <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />}
      {query.data && data.length === 0 && <p className="empty">No values recorded.</p>}
      {query.data && data.length > 0 && !isChartable(query.data) && (
        <dl className="ml-metric-values" data-testid="metric-value">
          {runs.map((run, i) => {
            const point = query.data.series.find((s) => s.runId === run.runId)?.points[0];
            if (point === undefined) return null;
            return (
              <div key={run.runId} data-run-id={run.runId}>
                {runs.length > 1 && (
                  <dt>
                    <span className="ml-swatch" data-colour={i % SERIES_COLOURS.length} aria-hidden="true" />
                    {run.name || run.runId}
                  </dt>
                )}
                <dd>
                  <span className="ml-metric-value">{formatMetric(point.value)}</span>{' '}
                  <span className="muted" title={formatTime(point.timestamp)}>
                    step {point.step} · {formatTime(point.timestamp)}
                  </span>
                </dd>
              </div>
            );
          })}
        </dl>
      )}
      {query.data && isChartable(query.data) && (
        <div className="ml-chart__plot" data-testid="metric-chart-plot" data-points={data.length}>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis
                dataKey="x"
                type="number"
                domain={['dataMin', 'dataMax']}
                tickFormatter={formatX(axis)}
                stroke="var(--muted)"
                fontSize={11}
                label={{ value: axis === 'step' ? 'step' : 'time', position: 'insideBottomRight', offset: -2, fontSize: 11 }}
              />
              <YAxis stroke="var(--muted)" fontSize={11} width={56} domain={['auto', 'auto']} />
              <Tooltip labelFormatter={(x) => (axis === 'step' ? `step ${String(x)}` : formatTime(Number(x)))} />
              {runs.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} />}
              {runs.map((run, i) => (
                <Line
                  key={run.runId}
                  type="monotone"
                  dataKey={seriesKey(i)}
                  name={run.name || run.runId}
                  stroke={SERIES_COLOURS[i % SERIES_COLOURS.length]}
                  dot={data.length <= 60}
                  connectNulls
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}
