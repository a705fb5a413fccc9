import type { Json } from '../../../../shared/contract.js';

import type { JsonFloat, PreviewValue } from '../../../../shared/preview-types.js';

// Helpers over the PreviewValue shapes main sends (shared/preview-types.ts). The contract types them
// only as Json, so `asPreview` checks the discriminant before the views trust them; views stay
// defensive beyond that and sit under an error boundary.

export type {
  DataFramePreview,
  IndexPreview,
  JsonFloat,
  NdarrayPreview,
  ObjectPreview,
  PreviewEntry,
  PreviewField,
  PreviewValue,
} from '../../../../shared/preview-types.js';

export type PreviewKind = PreviewValue['kind'];

const KINDS: ReadonlySet<string> = new Set<PreviewKind>([
  'none', 'bool', 'int', 'float', 'complex', 'str', 'bytes', 'list', 'tuple', 'set', 'dict', 'date', 'time',
  'datetime', 'timedelta', 'decimal', 'uuid', 'slice', 'ndarray', 'numpy-scalar', 'index', 'dataframe', 'series',
  'exception', 'record', 'object', 'global', 'opaque', 'cycle', 'elided',
]);

/** A PreviewValue when `json` is an object with a known `kind`; undefined otherwise. */
export function asPreview(json: Json | undefined): PreviewValue | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const kind = json.kind;
  // The kind names the variant; main builds each variant from preview-types.ts.
  return typeof kind === 'string' && KINDS.has(kind) ? (json as unknown as PreviewValue) : undefined;
}

/** Python-ish one-line text of a scalar preview, for table cells and summaries. */
export function scalarText(value: PreviewValue): string | undefined {
  switch (value.kind) {
    case 'none':
      return 'None';
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'int':
      return String(value.value);
    case 'float':
      return floatText(value.value);
    case 'complex':
      return `(${floatText(value.real)}${complexSign(value.imag)}${floatText(value.imag).replace(/^-/, '')}j)`;
    case 'str':
      return value.value;
    case 'date':
      return value.iso;
    case 'time':
    case 'datetime':
      return value.tz ? `${value.iso} ${value.tz}` : value.iso;
    case 'timedelta':
      return value.text;
    case 'decimal':
    case 'uuid':
      return value.value;
    case 'numpy-scalar':
      return scalarText(value.value);
    case 'global':
      return value.name;
    case 'cycle':
      return '[...]';
    case 'elided':
      return '…';
    default:
      return undefined;
  }
}

function complexSign(imag: JsonFloat): string {
  return typeof imag === 'number' ? (imag < 0 || Object.is(imag, -0) ? '-' : '+') : imag === '-inf' ? '-' : '+';
}

/** Python's repr of a float: 3.0 not 3, nan, inf, -inf. */
export function floatText(value: JsonFloat): string {
  if (typeof value !== 'number') return value;
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return value.toFixed(1);
  return String(value);
}
