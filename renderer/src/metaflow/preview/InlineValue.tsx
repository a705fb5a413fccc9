import { formatCount, plural } from '../../format.js';
import { BytesView } from './BytesView.js';
import { floatText, type PreviewValue } from './preview-value.js';

const INLINE_STR = 200;

function shape(dims: number[]): string {
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** A one-line summary of a container or table, e.g. "list [5 items]". */
export function summary(value: PreviewValue): string {
  switch (value.kind) {
    case 'list':
    case 'tuple':
      return `${value.kind} [${plural(value.length, 'item')}]`;
    case 'set':
      return `${value.frozen ? 'frozenset' : 'set'} [${plural(value.length, 'item')}]`;
    case 'dict':
      return `${value.className ?? 'dict'} [${plural(value.length, 'key')}]`;
    case 'ndarray':
      return `ndarray ${value.dtype} ${shape(value.shape)}`;
    case 'dataframe':
      return `DataFrame ${formatCount(value.rowCount)} × ${formatCount(value.columnCount)}`;
    case 'series':
      return `Series ${value.dtype} [${formatCount(value.length)}]`;
    case 'index':
      return `${value.className} [${formatCount(value.length)}]`;
    case 'record':
    case 'object':
      return value.className;
    case 'exception':
      return `${value.type}: ${value.message}`;
    default:
      return value.kind;
  }
}

interface Props {
  value: PreviewValue;
  /** Strings without quotes, as pandas and numpy print table cells. */
  bare?: boolean;
}

/** A value in one line: scalars as Python prints them, containers as a summary. For cells and tree leaves. */
export function InlineValue({ value, bare = false }: Props) {
  switch (value.kind) {
    case 'none':
      return <span className="pv-none">None</span>;
    case 'bool':
      return <span className="pv-bool">{value.value ? 'True' : 'False'}</span>;
    case 'int':
      return (
        <span className="pv-num" title={value.big ? 'An int beyond 2^53, shown exactly' : undefined}>
          {String(value.value)}
        </span>
      );
    case 'float':
      return <span className="pv-num">{floatText(value.value)}</span>;
    case 'complex':
      return (
        <span className="pv-num">
          ({floatText(value.real)}
          {typeof value.imag === 'number' && value.imag < 0 ? '' : '+'}
          {floatText(value.imag)}j)
        </span>
      );
    case 'str': {
      const cut = value.value.length > INLINE_STR;
      return (
        <span className="pv-str" title={cut || value.truncated ? `${formatCount(value.byteLength)} bytes` : undefined}>
          {bare ? (cut ? value.value.slice(0, INLINE_STR) : value.value) : JSON.stringify(cut ? value.value.slice(0, INLINE_STR) : value.value)}
          {(cut || value.truncated) && '…'}
        </span>
      );
    }
    case 'bytes':
      return <BytesView base64={value.base64} length={value.length} truncated={value.truncated} mutable={value.mutable} inline />;
    case 'date':
      return <span className="pv-date">{value.iso}</span>;
    case 'time':
    case 'datetime':
      return (
        <span className="pv-date">
          {value.iso}
          {value.tz && <span className="pv-meta"> {value.tz}</span>}
        </span>
      );
    case 'timedelta':
      return <span className="pv-date">{value.text}</span>;
    case 'decimal':
      return <span className="pv-num">Decimal('{value.value}')</span>;
    case 'uuid':
      return <span className="pv-str">UUID('{value.value}')</span>;
    case 'slice':
      return (
        <span>
          slice(<InlineValue value={value.start} />, <InlineValue value={value.stop} />, <InlineValue value={value.step} />)
        </span>
      );
    case 'numpy-scalar':
      return (
        <span>
          <InlineValue value={value.value} /> <span className="pv-meta">{value.dtype}</span>
        </span>
      );
    case 'global':
      return <span className="pv-global">&lt;{value.name}&gt;</span>;
    case 'opaque':
      return (
        <span className="pv-marker" title={value.detail}>
          ⟨{value.what}⟩
        </span>
      );
    case 'cycle':
      return (
        <span className="pv-marker" title="A reference back to a container that encloses it" data-testid="preview-cycle">
          [...] cycle
        </span>
      );
    case 'elided':
      return (
        <span className="pv-marker" title={ELIDED[value.reason]} data-testid="preview-elided">
          … {value.reason === 'depth' ? 'too deep' : value.reason === 'size' ? 'more' : 'not decoded'}
        </span>
      );
    default:
      return <span className="pv-summary">{summary(value)}</span>;
  }
}

export const ELIDED: Record<'depth' | 'size' | 'unavailable', string> = {
  depth: 'Nested deeper than the preview goes: Load all shows it',
  size: 'Left out of the preview (too many values): Load all shows it',
  unavailable: 'Not read, or a kind of data this reader cannot decode',
};
