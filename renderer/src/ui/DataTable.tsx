import { useMemo } from 'react';
import { formatCount } from '../format.js';
import { csvRows, rowCells } from './csv-rows.js';
import { rowOpener } from './row-opener.js';

// Tables of plain strings shared by the blob preview and MLflow's artifact preview: a CSV/TSV
// file's text, or rows the host already read (parquet). Cells are text, never HTML.

export interface TableLook {
  /** Class of the scrolling wrapper. */
  className: string;
  tableClassName: string;
  testId?: string;
}

/** A header row over rows of text; with `onOpen`, each row opens what it shows (row-opener.ts). */
export function DataTable({ head, rows, total, look, onOpen }: { head: string[]; rows: string[][]; total?: number; look: TableLook; onOpen?: (row: number) => void }) {
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
            <tr key={r} {...(onOpen ? rowOpener(() => onOpen(r)) : {})}>
              {rowCells(head, row).map((cell, c) => (
                <td key={c}>{cell}</td>
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
  const table = useMemo(() => csvRows(text, tab), [text, tab]);
  if (table === undefined) return <p className="empty">The table is empty.</p>;
  return (
    <>
      <DataTable head={table.head} rows={table.rows} total={table.total} look={look} />
      {table.warning !== undefined && <p className="muted">Some lines could not be read as CSV: {table.warning}</p>}
    </>
  );
}
