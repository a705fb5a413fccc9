import type { LatencyStats, TokensLatency } from '../../../../shared/schemas/mlflow-tokens.js';
import { formatCount, formatDuration } from '../../format.js';
import { modelLabel } from './token-series.js';

// Latency and errors beside tokens: trace durations overall and per day, span durations per span
// type and per model, each with p50/p90/p99 and an error rate. For a tracking server the span
// figures grow as the trace cache reads spans in the background.

const rate = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

function StatsTable<T extends LatencyStats>({ rows, label, name, testId, unit }: { rows: T[]; label: string; name: (r: T) => string; testId: string; unit: string }) {
  if (rows.length === 0) return <p className="muted">No finished {unit}.</p>;
  return (
    <table className="ml-table ml-table--compact" data-testid={testId}>
      <thead>
        <tr>
          <th>{label}</th>
          <th className="ml-num">{unit === 'spans' ? 'Spans' : 'Traces'}</th>
          <th className="ml-num">p50</th>
          <th className="ml-num">p90</th>
          <th className="ml-num">p99</th>
          <th className="ml-num">Errors</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i} data-name={name(r)}>
            <td>{name(r)}</td>
            <td className="ml-num">{formatCount(r.count)}</td>
            <td className="ml-num">{formatDuration(r.p50)}</td>
            <td className="ml-num">{formatDuration(r.p90)}</td>
            <td className="ml-num">{formatDuration(r.p99)}</td>
            <td className="ml-num">
              {formatCount(r.errors)} ({rate(r.errorRate)})
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LatencyPanel({ latency }: { latency: TokensLatency }) {
  const t = latency.traces;
  return (
    <section className="ml-section" data-testid="latency-panel">
      <h3>Latency and errors</h3>
      <dl className="ml-stats">
        <div>
          <dt>Trace p50 / p90 / p99</dt>
          <dd data-testid="latency-percentiles">
            {formatDuration(t.p50)} / {formatDuration(t.p90)} / {formatDuration(t.p99)}
          </dd>
        </div>
        <div>
          <dt>Error rate</dt>
          <dd data-testid="latency-error-rate">
            {rate(t.errorRate)} ({formatCount(t.errors)} of {formatCount(t.count)})
          </dd>
        </div>
      </dl>
      {latency.spansRead && (latency.spansPending ?? 0) > 0 && (
        <p className="muted" role="status" data-testid="latency-spans-pending">
          Span figures cover the traces whose spans are read; {formatCount(latency.spansPending ?? 0)} more are being read from the server.
        </p>
      )}
      <div className="ml-columns">
        <div>
          <h4>By span type</h4>
          {latency.spansRead ? (
            <StatsTable rows={latency.spanTypes} label="Span type" name={(r) => r.spanType ?? '(no type)'} testId="latency-by-span-type" unit="spans" />
          ) : (
            <p className="muted">This source lists traces without their spans, so span figures are not available.</p>
          )}
        </div>
        <div>
          <h4>By model (LLM spans)</h4>
          {latency.spansRead && <StatsTable rows={latency.models} label="Model" name={(r) => modelLabel(r.model)} testId="latency-by-model" unit="spans" />}
        </div>
      </div>
      <h4>By day</h4>
      <StatsTable rows={latency.days} label="Day (UTC)" name={(r) => r.day} testId="latency-by-day" unit="traces" />
    </section>
  );
}
