import Papa from 'papaparse';
import { useMemo } from 'react';
import { formatCount } from '../format.js';

// Tables of plain strings shared by the blob preview and MLflow's artifact preview: a CSV/TSV
// file's text, or rows the host already read (parquet). Cells are text, never HTML.

/** Rows of a CSV drawn as a table; the rest are counted. */
const CSV_ROWS = 200;

export interface TableLook {
  /** Class of the scrolling wrapper. */
  className: string;
  tableClassName: string;
  testId?: string;
}

/** A header row over rows; a short row is padded, a long one keeps its extra cells. */
export function DataTable({ head, rows, total, look }: { head: string[]; rows: string[][]; total?: number; look: TableLook }) {
  return (
    <div className={look.className} data-testid={look.testId}>
      <table className={look.tableClassName}>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {Array.from({ length: Math.max(head.length, row.length) }, (_, c) => (
                <td key={c}>{row[c] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {total !== undefined && total > rows.length && (
        <p className="muted">
          {formatCount(rows.length)} of {formatCount(total)} rows shown.
        </p>
      )}
    </div>
  );
}

/** CSV (or TSV) text as a table of its first rows; the first line is the header. */
export function CsvTable({ text, tab = false, look }: { text: string; tab?: boolean; look: TableLook }) {
  const parsed = useMemo(() => Papa.parse<string[]>(text, { delimiter: tab ? '\t' : '', skipEmptyLines: true }), [text, tab]);
  // A one-column file has no delimiter to find; that is not worth a warning.
  const error = parsed.errors.find((e) => e.code !== 'UndetectableDelimiter');
  if (parsed.data.length === 0) return <p className="empty">The table is empty.</p>;
  const [head, ...rows] = parsed.data;
  return (
    <>
      <DataTable head={head} rows={rows.slice(0, CSV_ROWS)} total={rows.length} look={look} />
      {error && <p className="muted">Some lines could not be read as CSV: {error.message}</p>}
    </>
  );
}
