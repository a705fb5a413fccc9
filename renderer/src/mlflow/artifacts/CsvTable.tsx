import Papa from 'papaparse';
import { useMemo } from 'react';

const MAX_ROWS = 200;

/** A CSV artifact as a table of its first rows (the first line is the header). */
export function CsvTable({ text, truncated }: { text: string; truncated: boolean }) {
  const parsed = useMemo(() => Papa.parse<string[]>(text, { preview: MAX_ROWS + 1, skipEmptyLines: true }), [text]);
  const [header = [], ...rows] = parsed.data;
  const more = parsed.meta.truncated || truncated;
  return (
    <div className="ml-csv" data-testid="artifact-csv">
      <table className="ml-table ml-table--compact">
        <thead>
          <tr>
            {header.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <td key={c}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {more && <p className="muted">Showing the first {rows.length} rows.</p>}
      {parsed.errors.length > 0 && <p className="muted">Some lines could not be read as CSV: {parsed.errors[0].message}</p>}
    </div>
  );
}
