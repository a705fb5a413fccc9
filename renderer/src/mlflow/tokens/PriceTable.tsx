import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { catalogPrice, CATALOG_DATE } from '../../../../shared/price-catalog.js';
import type { TokenPrice } from '../../../../shared/schemas/mlflow-tokens.js';
import { call } from '../../api/client.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { pricesQuery } from '../queries.js';

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

/** What the row overrides: the catalog entry the model name matches, if any. */
function catalogNote(model: string): string {
  const entry = model.trim() === '' ? null : catalogPrice(model);
  return entry === null ? 'not in the catalog' : `overrides catalog ${entry.model} ($${entry.inputPer1M} / $${entry.outputPer1M})`;
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

/** The price table (USD per 1M input / output / cached input tokens per model), the user's overrides of the catalog, edited as a whole and saved in one go. */
export function PriceTable({ suggestedModels }: { suggestedModels: string[] }) {
  const queryClient = useQueryClient();
  const query = useQuery(pricesQuery());
  const [draft, setDraft] = useState<DraftRow[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (rows: TokenPrice[]) => call('mlflow.tokens.prices.set', { rows }),
    onSuccess: (stored) => {
      queryClient.setQueryData(pricesQuery().queryKey, stored);
      setDraft(null);
      // Costs in every summary depend on the table.
      void queryClient.invalidateQueries({ queryKey: ['mlflow.tokens.summary'] });
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
  // Models the catalog prices need no row; suggest the others.
  const missing = suggestedModels.filter((m) => !rows.some((r) => r.model === m) && catalogPrice(m) === null);

  return (
    <div className="ml-prices" data-testid="price-table">
      <p className="muted">Your prices win over the shipped catalog (dated {CATALOG_DATE}); models the catalog lists need no row here.</p>
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
              <td className="muted">{catalogNote(r.model)}</td>
              <td>
                <button type="button" className="button button--small button--quiet" onClick={() => edit(rows.filter((_, j) => j !== i))}>
                  Remove
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
