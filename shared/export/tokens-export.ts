import type { TokensSummary } from '../schemas/mlflow-tokens.js';
import { toCsv } from './csv.js';

// Token summaries as files: the CSV is the per day × model table (what a spreadsheet pivots), with
// each model's cost rate left to the JSON, which is the whole summary.

export function tokensCsv(summary: TokensSummary): string {
  return toCsv(
    ['day', 'model', 'traces', 'input_tokens', 'output_tokens', 'total_tokens'],
    summary.days.map((d) => [d.day, d.model ?? '', d.traces, d.input, d.output, d.total]),
  );
}

export const tokensJson = (summary: TokensSummary) => `${JSON.stringify(summary, null, 2)}\n`;
