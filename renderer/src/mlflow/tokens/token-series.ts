import type { TokensDayModel } from '../../../../shared/schemas/mlflow-tokens.js';

// Per-day token totals reshaped for a stacked bar chart: one row per day, one column per model.

export interface DayRow {
  day: string;
  [model: string]: number | string;
}

/** Label for traces whose spans name no model. */
export const UNKNOWN_MODEL = '(unknown model)';

export const modelLabel = (model: string | null) => model ?? UNKNOWN_MODEL;

export function dayRows(days: readonly TokensDayModel[]): { rows: DayRow[]; models: string[] } {
  const models = [...new Set(days.map((d) => modelLabel(d.model)))].sort();
  const byDay = new Map<string, DayRow>();
  for (const d of days) {
    let row = byDay.get(d.day);
    if (row === undefined) {
      row = { day: d.day };
      for (const m of models) row[m] = 0;
      byDay.set(d.day, row);
    }
    row[modelLabel(d.model)] = Number(row[modelLabel(d.model)]) + d.total;
  }
  return { rows: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)), models };
}
