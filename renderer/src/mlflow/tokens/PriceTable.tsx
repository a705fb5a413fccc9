import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { catalogPrice, CATALOG_DATE } from '../../../../shared/price-catalog.js';
import type { TokenPrice } from '../../../../shared/schemas/mlflow-tokens.js';
import { call } from '../../api/client.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { pricesQuery, workspacePricesQuery } from '../queries.js';

/** Which table is edited: the app-wide one, or a saved workspace's own (which wins over it). */
export type PriceScope = { kind: 'app' } | { kind: 'workspace'; workspaceId: string };

interface DraftRow {
  model: string;
  input: string;
  output: string;
  /** Empty: cached prompt tokens cost the input price. */
  cached: string;
  /** Not edited here; kept as stored. */
  cacheWrite: number | null;
}

const toDraft = (rows: TokenPrice[]): DraftRow[] =>
  rows.map((r) => ({
    model: r.model,
    input: String(r.inputPer1M),
    output: String(r.outputPer1M),
    cached: r.cachedInputPer1M == null ? '' : String(r.cachedInputPer1M),
    cacheWrite: r.cacheWritePer1M ?? null,
  }));

const blank = (model: string): DraftRow => ({ model, input: '', output: '', cached: '', cacheWrite: null });

/** Where the row's price comes from and what it overrides: the app-wide row (for a workspace's row), else the catalog entry the name matches. */
function sourceNote(scope: PriceScope, model: string, appRows: readonly TokenPrice[]): string {
  const own = scope.kind === 'workspace' ? 'override (this workspace)' : 'yours (all workspaces)';
  const app = scope.kind === 'workspace' ? appRows.find((r) => r.model === model.trim()) : undefined;
  if (app) return `${own}; over yours (all workspaces) $${app.inputPer1M} / $${app.outputPer1M}`;
  const entry = model.trim() === '' ? null : catalogPrice(model);
  return entry === null ? `${own}; not in the catalog` : `${own}; over catalog (${CATALOG_DATE}) ${entry.model} $${entry.inputPer1M} / $${entry.outputPer1M}`;
}

function parseRows(draft: DraftRow[]): TokenPrice[] | string {
  const rows: TokenPrice[] = [];
  for (const [i, d] of draft.entries()) {
    const model = d.model.trim();
    if (model === '') return `Row ${i + 1}: name the model.`;
    const inputPer1M = Number(d.input);
    const outputPer1M = Number(d.output);
    if (d.input.trim() === '' || !Number.isFinite(inputPer1M) || inputPer1M < 0) return `${model}: the input price must be a number, 0 or more.`;
    if (d.output.trim() === '' || !Number.isFinite(outputPer1M) || outputPer1M < 0) return `${model}: the output price must be a number, 0 or more.`;
    const cachedInputPer1M = d.cached.trim() === '' ? null : Number(d.cached);
    if (cachedInputPer1M !== null && (!Number.isFinite(cachedInputPer1M) || cachedInputPer1M < 0)) return `${model}: the cached input price must be a number, 0 or more, or empty.`;
    if (rows.some((r) => r.model === model)) return `${model} is listed twice.`;
    rows.push({ model, inputPer1M, outputPer1M, cachedInputPer1M, cacheWritePer1M: d.cacheWrite });
  }
  return rows;
}

/**
 * A price table (USD per 1M input / output / cached input tokens per model): the app-wide one or a
 * saved workspace's own, each overriding what is below it; edited as a whole and saved in one go.
 */
export function PriceTable({ scope, suggestedModels, appRows }: { scope: PriceScope; suggestedModels: string[]; appRows: readonly TokenPrice[] }) {
  const queryClient = useQueryClient();
  const options = scope.kind === 'app' ? pricesQuery() : workspacePricesQuery(scope.workspaceId);
  const query = useQuery<{ rows: TokenPrice[] }>({ queryKey: options.queryKey, queryFn: () => (scope.kind === 'app' ? call('mlflow.tokens.prices.get', {}) : call('mlflow.tokens.prices.workspace.get', { workspaceId: scope.workspaceId })) });
  const [draft, setDraft] = useState<DraftRow[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (rows: TokenPrice[]) => (scope.kind === 'app' ? call('mlflow.tokens.prices.set', { rows }) : call('mlflow.tokens.prices.workspace.set', { workspaceId: scope.workspaceId, rows })),
    onSuccess: (stored) => {
      queryClient.setQueryData(options.queryKey, stored);
      setDraft(null);
      // Costs in every summary and prompt list depend on the tables.
      void queryClient.invalidateQueries({ queryKey: ['mlflow.tokens.summary'] });
      void queryClient.invalidateQueries({ queryKey: ['mlflow.prompts'] });
    },
  });
  if (query.isPending) return <Loading label="Reading prices…" />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  const rows = draft ?? toDraft(query.data.rows);
  const edit = (next: DraftRow[]) => {
    setDraft(next);
    setProblem(null);
  };
  const update = (i: number, patch: Partial<DraftRow>) => edit(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  // Models priced below this table need no row; suggest the others.
  const missing = suggestedModels.filter((m) => !rows.some((r) => r.model === m) && !appRows.some((r) => r.model === m) && catalogPrice(m) === null);
  const remove = (i: number) => {
    const next = rows.filter((_, j) => j !== i);
    // Resetting a stored workspace price takes effect at once; inside an edit it is part of the edit.
    if (scope.kind === 'workspace' && draft === null) save.mutate(query.data.rows.filter((_, j) => j !== i));
    else edit(next);
  };

  return (
    <div className="ml-prices" data-testid={scope.kind === 'app' ? 'price-table' : 'workspace-price-table'}>
      <table className="ml-table ml-table--compact">
        <thead>
          <tr>
            <th>Model</th>
            <th>USD / 1M input</th>
            <th>USD / 1M output</th>
            <th>USD / 1M cached input</th>
            <th>Source</th>
            <th>
              <span className="ml-visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>
                <input aria-label={`Model of price row ${i + 1}`} value={r.model} onChange={(e) => update(i, { model: e.target.value })} />
              </td>
              <td>
                <input aria-label={`Input price of ${r.model || `row ${i + 1}`}`} inputMode="decimal" size={8} value={r.input} onChange={(e) => update(i, { input: e.target.value })} />
              </td>
              <td>
                <input aria-label={`Output price of ${r.model || `row ${i + 1}`}`} inputMode="decimal" size={8} value={r.output} onChange={(e) => update(i, { output: e.target.value })} />
              </td>
              <td>
                <input
                  aria-label={`Price of cached input for ${r.model || `row ${i + 1}`}`}
                  inputMode="decimal"
                  size={8}
                  placeholder="= input"
                  value={r.cached}
                  onChange={(e) => update(i, { cached: e.target.value })}
                />
              </td>
              <td className="muted">{sourceNote(scope, r.model, appRows)}</td>
              <td>
                <button type="button" className="button button--small button--quiet" disabled={save.isPending} onClick={() => remove(i)}>
                  {scope.kind === 'workspace' ? 'Reset' : 'Remove'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="ml-toolbar">
        <button type="button" className="button button--small" onClick={() => edit([...rows, blank('')])}>
          Add model
        </button>
        {missing.map((m) => (
          <button key={m} type="button" className="button button--small button--quiet" onClick={() => edit([...rows, blank(m)])}>
            + {m}
          </button>
        ))}
        <span className="ml-spacer" />
        {draft !== null && (
          <>
            <button type="button" className="button button--small button--quiet" onClick={() => {
                setDraft(null);
                setProblem(null);
              }}>
              Discard
            </button>
            <button
              type="button"
              className="button button--small button--primary"
              disabled={save.isPending}
              onClick={() => {
                const parsed = parseRows(rows);
                if (typeof parsed === 'string') setProblem(parsed);
                else save.mutate(parsed);
              }}
            >
              {save.isPending ? 'Saving…' : 'Save prices'}
            </button>
          </>
        )}
      </div>
      {problem && (
        <p className="ml-filter__problem" role="alert">
          {problem}
        </p>
      )}
      {save.isError && <ErrorPanel error={save.error} onDismiss={() => save.reset()} />}
    </div>
  );
}
