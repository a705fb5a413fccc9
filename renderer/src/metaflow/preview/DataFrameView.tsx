import { formatCount, plural } from '../../format.js';
import { InlineValue } from './InlineValue.js';
import { scalarText, type DataFramePreview, type IndexPreview, type PreviewValue } from './preview-value.js';

/** The label of row `r`: from the index's values, or computed for a RangeIndex. */
export function indexLabel(index: IndexPreview | undefined, r: number): PreviewValue | number {
  if (!index) return r;
  const v = Array.isArray(index.values) ? index.values[r] : undefined;
  if (v !== undefined) return v;
  return index.range ? index.range.start + r * index.range.step : r;
}

function IndexCell({ label }: { label: PreviewValue | number }) {
  return typeof label === 'number' ? <>{label}</> : <InlineValue value={label} />;
}

/** pandas.DataFrame: its size, columns with dtypes, and the first rows as a table. */
export function DataFrameView({ value }: { value: DataFramePreview }) {
  const columns = Array.isArray(value.columns) ? value.columns : [];
  const rows = Array.isArray(value.rows) ? value.rows : [];
  const indexName = value.index ? scalarText(value.index.name) : undefined;
  return (
    <div className="pv-dataframe" data-testid="preview-dataframe">
      <div className="pv-meta">
        DataFrame · {plural(value.rowCount, 'row')} × {plural(value.columnCount, 'column')}
        {rows.length < value.rowCount && ` · first ${formatCount(rows.length)} rows shown`}
        {columns.length < value.columnCount && ` · first ${formatCount(columns.length)} columns shown`}
        {value.index && value.index.range === null && <> · index {value.index.className.split('.').pop()}</>}
      </div>
      <div className="pv-table-wrap">
        <table className="pv-table">
          <thead>
            <tr>
              <th scope="col" className="pv-table__index">
                {indexName && indexName !== 'None' ? indexName : ''}
              </th>
              {columns.map((column, c) => (
                <th key={c} scope="col">
                  <span className="pv-col-name" data-testid="df-column">{scalarText(column) ?? <InlineValue value={column} />}</span>
                  <span className="pv-dtype" data-testid="df-dtype">
                    {value.dtypes[c] ?? ''}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={r}>
                <th scope="row" className="pv-table__index">
                  <IndexCell label={indexLabel(value.index, r)} />
                </th>
                {row.map((cell, c) => (
                  <td key={c} className={cell.kind === 'int' || cell.kind === 'float' ? 'pv-table__num' : undefined}>
                    <InlineValue value={cell} bare />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length < value.rowCount && <div className="pv-more">… {plural(value.rowCount - rows.length, 'more row')}</div>}
    </div>
  );
}
