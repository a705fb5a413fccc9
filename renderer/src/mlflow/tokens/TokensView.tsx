import './tokens.css';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CATALOG_SOURCE } from '../../../../shared/price-catalog.js';
import { tokensCsv, tokensJson } from '../../../../shared/export/tokens-export.js';
import type { TokensByModel, TokenTotals } from '../../../../shared/schemas/mlflow-tokens.js';
import { formatCount, formatTime } from '../../format.js';
import { downloadText, exportFileName } from '../../ui/download-text.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { rowOpener } from '../../ui/row-opener.js';
import { SERIES_COLOURS } from '../runs/metric-series.js';
import { LatencyPanel } from './LatencyPanel.js';
import { PriceTables } from './PriceTables.js';
import { TraceCacheButton } from './TraceCacheButton.js';
import { tokensLatencyQuery, tokensSummaryQuery } from '../queries.js';
import { dayRows, modelLabel } from './token-series.js';

const RANGES = [
  { id: 'all', label: 'All time', days: null },
  { id: '1', label: 'Last 24 h', days: 1 },
  { id: '7', label: 'Last 7 days', days: 7 },
  { id: '30', label: 'Last 30 days', days: 30 },
] as const;

const usd = (n: number | null) => (n === null ? '—' : `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`);
const num = (n: number | null) => (n === null ? '—' : formatCount(Math.round(n)));

/** A model's cost and where its price came from. */
function costCell(m: TokensByModel): string {
  if (m.cost === null) return 'no price';
  const from = m.priceSource === 'workspace' ? 'override (this workspace)' : m.priceSource === 'override' ? 'yours (all workspaces)' : `catalog: ${m.priceModel ?? ''}`;
  const cached = m.cacheRead + m.cacheWrite > 0 ? `, ${formatCount(m.cacheRead + m.cacheWrite)} cached` : '';
  return `${usd(m.cost)} (${from}${cached})`;
}

function TotalsTable<T extends TokenTotals>({ rows, label, name, testId, extra }: { rows: T[]; label: string; name: (r: T) => string; testId: string; extra?: { label: string; cell: (r: T) => string } }) {
  if (rows.length === 0) return <p className="muted">No usage.</p>;
  return (
    <table className="ml-table ml-table--compact" data-testid={testId}>
      <thead>
        <tr>
          <th>{label}</th>
          <th className="ml-num">Traces</th>
          <th className="ml-num">Input</th>
          <th className="ml-num">Output</th>
          <th className="ml-num">Total</th>
          {extra && <th className="ml-num">{extra.label}</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            <td>{name(r)}</td>
            <td className="ml-num">{formatCount(r.traces)}</td>
            <td className="ml-num">{formatCount(r.input)}</td>
            <td className="ml-num">{formatCount(r.output)}</td>
            <td className="ml-num">{formatCount(r.total)}</td>
            {extra && <td className="ml-num">{extra.cell(r)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Token usage of the experiment's traces: totals, a per-day chart per model, breakdowns, percentiles, top traces and cost. */
export function TokensView({ workspaceId, experimentId, onOpenTrace }: { workspaceId: string; experimentId: string; onOpenTrace: (traceId: string) => void }) {
  const [range, setRange] = useState<{ id: string; from?: number }>({ id: 'all' });
  const query = useQuery(tokensSummaryQuery(workspaceId, experimentId, range.from, undefined));
  const latency = useQuery(tokensLatencyQuery(workspaceId, experimentId, range.from, undefined));
  const chart = useMemo(() => (query.data ? dayRows(query.data.days) : null), [query.data]);

  return (
    <div className="ml-tokens" data-testid="tokens-view">
      <div className="ml-toolbar">
        <label className="ml-filter__field">
          <span>Range</span>
          <select
            value={range.id}
            onChange={(e) => {
              const chosen = RANGES.find((r) => r.id === e.target.value) ?? RANGES[0];
              setRange({ id: chosen.id, from: chosen.days === null ? undefined : Date.now() - chosen.days * 86_400_000 });
            }}
          >
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <TraceCacheButton workspaceId={workspaceId} />
        <span className="ml-spacer" />
        <button
          type="button"
          className="button button--small button--quiet"
          disabled={!query.data}
          onClick={() => query.data && downloadText(exportFileName(`tokens-${experimentId}-${range.id}`, 'csv'), tokensCsv(query.data), 'text/csv')}
          data-testid="tokens-export-csv"
        >
          Export CSV
        </button>
        <button
          type="button"
          className="button button--small button--quiet"
          disabled={!query.data}
          onClick={() => query.data && downloadText(exportFileName(`tokens-${experimentId}-${range.id}`, 'json'), tokensJson(query.data), 'application/json')}
          data-testid="tokens-export-json"
        >
          JSON
        </button>
      </div>
      {query.isPending && <Loading label="Adding up token usage…" />}
      {query.isError && <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />}
      {query.data && chart && (
        <>
          <dl className="ml-stats" data-testid="tokens-totals">
            <div>
              <dt>Input</dt>
              <dd data-testid="tokens-total-input">{formatCount(query.data.totals.input)}</dd>
            </div>
            <div>
              <dt>Output</dt>
              <dd data-testid="tokens-total-output">{formatCount(query.data.totals.output)}</dd>
            </div>
            <div>
              <dt>Total</dt>
              <dd data-testid="tokens-total">{formatCount(query.data.totals.total)}</dd>
            </div>
            <div>
              <dt>Traces with usage</dt>
              <dd>
                {formatCount(query.data.totals.tracesWithUsage)} / {formatCount(query.data.totals.traces)}
              </dd>
            </div>
            <div>
              <dt>Per trace p50 / p90 / p99</dt>
              <dd data-testid="tokens-percentiles">
                {num(query.data.perTrace.p50)} / {num(query.data.perTrace.p90)} / {num(query.data.perTrace.p99)}
              </dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd data-testid="tokens-cost">{usd(query.data.cost.total)}</dd>
            </div>
          </dl>
          {query.data.cost.unpricedModels.length > 0 && (
            <p className="note" data-testid="tokens-unpriced">
              No price for: {query.data.cost.unpricedModels.map(modelLabel).join(', ')}. The cost leaves them out; add their prices below.
            </p>
          )}
          {latency.data?.spansRead === false && (
            <p className="note" data-testid="tokens-no-cache-counts">
              This source lists traces without their spans, so prompt-cache tokens are not seen: cached tokens are priced at the input rate.
            </p>
          )}
          {query.data.mismatches.count > 0 && (
            <p className="note" data-testid="tokens-mismatches">
              {formatCount(query.data.mismatches.count)} traces have a stored token total that differs from the sum over their spans.
            </p>
          )}

          <section className="ml-section">
            <h3>Tokens per day</h3>
            {chart.rows.length === 0 ? (
              <p className="muted">No usage in this range.</p>
            ) : (
              <div className="ml-chart__plot" data-testid="tokens-chart">
                <ResponsiveContainer width="100%" height={240}>
                  <BarChart data={chart.rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                    <XAxis dataKey="day" stroke="var(--muted)" fontSize={11} />
                    <YAxis stroke="var(--muted)" fontSize={11} width={64} />
                    <Tooltip />
                    <Legend wrapperStyle={{ fontSize: 11 }} />
                    {chart.models.map((m, i) => (
                      <Bar key={m} dataKey={m} stackId="tokens" fill={SERIES_COLOURS[i % SERIES_COLOURS.length]} isAnimationActive={false} />
                    ))}
                  </BarChart>
                </ResponsiveContainer>
              </div>
            )}
          </section>

          <section className="ml-section">
            <h3>By model</h3>
            <TotalsTable rows={query.data.models} label="Model" name={(r) => modelLabel(r.model)} testId="tokens-by-model" extra={{ label: 'Cost', cell: costCell }} />
            <p className="muted" data-testid="tokens-catalog">
              Prices from the catalog of {query.data.cost.catalogDate} ({CATALOG_SOURCE}) unless your price table names the model.
            </p>
          </section>
          {latency.isPending && <Loading label="Reading latencies…" />}
          {latency.isError && <ErrorPanel error={latency.error} onRetry={() => void latency.refetch()} retrying={latency.isFetching} />}
          {latency.data && <LatencyPanel latency={latency.data} />}
          <div className="ml-columns">
            <section className="ml-section">
              <h3>By user{query.data.userCount > query.data.users.length && ` (top ${query.data.users.length} of ${query.data.userCount})`}</h3>
              <TotalsTable rows={query.data.users} label="User" name={(r) => r.user ?? '(no user)'} testId="tokens-by-user" />
            </section>
            <section className="ml-section">
              <h3>By session{query.data.sessionCount > query.data.sessions.length && ` (top ${query.data.sessions.length} of ${query.data.sessionCount})`}</h3>
              <TotalsTable rows={query.data.sessions} label="Session" name={(r) => r.session ?? '(no session)'} testId="tokens-by-session" />
            </section>
          </div>

          <section className="ml-section">
            <h3>Top traces</h3>
            <table className="ml-table ml-table--compact" data-testid="tokens-top-traces">
              <thead>
                <tr>
                  <th>Trace</th>
                  <th>Time</th>
                  <th>Model</th>
                  <th className="ml-num">Input</th>
                  <th className="ml-num">Output</th>
                  <th className="ml-num">Total</th>
                </tr>
              </thead>
              <tbody>
                {query.data.topTraces.map((t) => (
                  <tr key={t.traceId} {...rowOpener(() => onOpenTrace(t.traceId))} data-testid="top-trace" data-trace-id={t.traceId}>
                    <td className="ml-traces__open" title={t.traceId}>
                      {t.name ?? t.traceId}
                    </td>
                    <td>{formatTime(t.timestamp)}</td>
                    <td>{modelLabel(t.model)}</td>
                    <td className="ml-num">{formatCount(t.input)}</td>
                    <td className="ml-num">{formatCount(t.output)}</td>
                    <td className="ml-num">{formatCount(t.total)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section className="ml-section">
            <h3>Prices</h3>
            <PriceTables workspaceId={workspaceId} suggestedModels={query.data.models.flatMap((m) => (m.model === null ? [] : [m.model]))} />
          </section>
        </>
      )}
    </div>
  );
}
