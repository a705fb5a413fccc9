import { formatCount } from '../../format.js';
import { InlineValue } from './InlineValue.js';
import type { NdarrayPreview } from './preview-value.js';

/** Columns drawn before the rest is summarised; wide arrays scroll, but not forever. */
const MAX_COLUMNS = 50;

function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Row-major index of row `r` in an array of this shape, as a label: "[1, 2, :]". */
function rowLabel(r: number, outer: number[]): string {
  const parts: number[] = [];
  let rest = r;
  for (let i = outer.length - 1; i >= 0; i--) {
    parts.unshift(rest % outer[i]);
    rest = Math.floor(rest / outer[i]);
  }
  return `[${[...parts, ':'].join(', ')}]`;
}

/** numpy.ndarray: dtype, shape and the first values in a grid (rows of its last axis). */
export function NdarrayView({ value }: { value: NdarrayPreview }) {
  const dims = value.shape;
  const values = Array.isArray(value.values) ? value.values : [];
  const shapeText = `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
  const cols = dims.length === 0 ? 1 : Math.max(1, dims[dims.length - 1]);
  const outer = dims.slice(0, -1);
  const rows: number[] = [];
  for (let start = 0; start < values.length; start += cols) rows.push(start);
  const shownCols = Math.min(cols, MAX_COLUMNS);

  return (
    <div className="pv-ndarray" data-testid="preview-ndarray">
      <div className="pv-meta">
        ndarray · <span className="mono">{value.dtype}</span> · shape <span className="mono">{shapeText}</span> · {formatCount(value.size)} elements
        {values.length < value.size && ` · first ${formatCount(values.length)} shown`}
      </div>
      {dims.length === 0 ? (
        values[0] && <InlineValue value={values[0]} />
      ) : (
        <div className="pv-table-wrap">
          <table className="pv-table pv-table--grid">
            {dims.length >= 2 && (
              <thead>
                <tr>
                  <th />
                  {Array.from({ length: shownCols }, (_, c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                  {cols > shownCols && <th scope="col">…</th>}
                </tr>
              </thead>
            )}
            <tbody>
              {rows.map((start, r) => (
                <tr key={start}>
                  {dims.length >= 2 && (
                    <th scope="row" className="pv-table__index">
                      {dims.length === 2 ? r : rowLabel(r, outer)}
                    </th>
                  )}
                  {values.slice(start, start + shownCols).map((cell, c) => (
                    <td key={c}>
                      <InlineValue value={cell} bare />
                    </td>
                  ))}
                  {cols > shownCols && <td className="muted">…</td>}
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length * cols < product(dims) && rows.length > 0 && <div className="pv-more">… more rows not in the preview</div>}
        </div>
      )}
    </div>
  );
}
