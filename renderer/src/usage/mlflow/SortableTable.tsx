import { useState, type ReactNode } from 'react';
import { nextSort, sortRows, type Column, type SortDir } from './usage-table.js';

// A table whose column headers sort it (largest first, then flipping) and whose rows may open
// something. The shared ui/DataTable shows rows of text only: no sorting, no row action.

interface Props<Row> {
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** The cell of a column: its value formatted. */
  cell: (row: Row, column: Column<Row>) => ReactNode;
  initialSort: { key: string; dir: SortDir };
  onOpen?: (row: Row) => void;
  /** Says what opening a row does, e.g. "Show the runs of". */
  openLabel?: (row: Row) => string;
  testId: string;
}

export function SortableTable<Row>({ columns, rows, rowKey, cell, initialSort, onOpen, openLabel, testId }: Props<Row>) {
  const [sort, setSort] = useState(initialSort);
  const column = columns.find((c) => c.key === sort.key) ?? columns[0];
  const sorted = sortRows(rows, column, sort.dir);
  return (
    <table className="usage-table" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c) => {
            const active = c.key === column.key;
            return (
              <th key={c.key} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                <button type="button" className="usage-table__sort" title={`Sort by ${c.title}`} onClick={() => setSort(nextSort(sort, c))}>
                  {c.title}
                  <span aria-hidden="true">{active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
                </button>
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {sorted.map((row) => (
          <tr key={rowKey(row)} data-testid={`${testId}-row`} className={onOpen ? 'usage-table__row--open' : undefined}>
            {columns.map((c, i) => (
              <td key={c.key}>
                {i === 0 && onOpen ? (
                  <button type="button" className="usage-table__open" title={openLabel?.(row)} onClick={() => onOpen(row)}>
                    {cell(row, c)}
                  </button>
                ) : (
                  cell(row, c)
                )}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
