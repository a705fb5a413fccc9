import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { TokenPrice } from '../../../../shared/schemas/mlflow-tokens.js';
import { call } from '../../api/client.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { pricesQuery } from '../queries.js';

interface DraftRow {
  model: string;
  input: string;
  output: string;
}

const toDraft = (rows: TokenPrice[]): DraftRow[] => rows.map((r) => ({ model: r.model, input: String(r.inputPer1M), output: String(r.outputPer1M) }));

function parseRows(draft: DraftRow[]): TokenPrice[] | string {
  const rows: TokenPrice[] = [];
  for (const [i, d] of draft.entries()) {
    const model = d.model.trim();
    if (model === '') return `Row ${i + 1}: name the model.`;
    const inputPer1M = Number(d.input);
    const outputPer1M = Number(d.output);
    if (d.input.trim() === '' || !Number.isFinite(inputPer1M) || inputPer1M < 0) return `${model}: the input price must be a number, 0 or more.`;
    if (d.output.trim() === '' || !Number.isFinite(outputPer1M) || outputPer1M < 0) return `${model}: the output price must be a number, 0 or more.`;
    if (rows.some((r) => r.model === model)) return `${model} is listed twice.`;
    rows.push({ model, inputPer1M, outputPer1M });
  }
  return rows;
}

/** The price table (USD per 1M input / output tokens per model), edited as a whole and saved in one go. */
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
  const missing = suggestedModels.filter((m) => !rows.some((r) => r.model === m));

  return (
    <div className="ml-prices" data-testid="price-table">
      <table className="ml-table ml-table--compact">
        <thead>
          <tr>
            <th>Model</th>
            <th>USD / 1M input</th>
            <th>USD / 1M output</th>
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
                <button type="button" className="button button--small button--quiet" onClick={() => edit(rows.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="ml-toolbar">
        <button type="button" className="button button--small" onClick={() => edit([...rows, { model: '', input: '', output: '' }])}>
          Add model
        </button>
        {missing.map((m) => (
          <button key={m} type="button" className="button button--small button--quiet" onClick={() => edit([...rows, { model: m, input: '', output: '' }])}>
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
