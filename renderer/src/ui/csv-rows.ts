import Papa from 'papaparse';

/** Rows of a CSV drawn as a table; the rest are counted. */
export const CSV_ROWS = 200;

export interface CsvRows {
  head: string[];
  /** The first CSV_ROWS rows below the header. */
  rows: string[][];
  /** Rows below the header in the whole text. */
  total: number;
  /** Why some lines could not be read, if any could not. */
  warning?: string;
}

/** CSV (or TSV) text split into a header and its first rows; undefined when there is no line at all. */
export function csvRows(text: string, tab: boolean): CsvRows | undefined {
  const parsed = Papa.parse<string[]>(text, { delimiter: tab ? '\t' : '', skipEmptyLines: true });
  if (parsed.data.length === 0) return undefined;
  const [head, ...rows] = parsed.data;
  // A one-column file has no delimiter to find; that is not worth a warning.
  const error = parsed.errors.find((e) => e.code !== 'UndetectableDelimiter');
  return { head, rows: rows.slice(0, CSV_ROWS), total: rows.length, warning: error?.message };
}

/** A row's cells under a header: a short row is padded, a long one keeps its extra cells. */
export function rowCells(head: string[], row: string[]): string[] {
  return Array.from({ length: Math.max(head.length, row.length) }, (_, c) => row[c] ?? '');
}
