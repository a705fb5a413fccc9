import type { JsonFloat, PreviewEntry, PreviewField, PreviewValue } from '../../../shared/preview-types.js';
import { renderValue } from './render.js';
import type { PyValue } from './value.js';

// "Download as JSON": a best-effort plain-JSON rendering of a fully decoded artifact, the way a
// data person would expect it (dicts as objects, datetimes as ISO strings, frames in pandas'
// 'split' orient). What JSON cannot hold is marked: bytes as {"__bytes__": base64}, objects of
// unknown classes as {"__class__": ..., fields}, non-finite floats and big ints as strings.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const LIMITS = { maxItems: Infinity, maxDepth: 500, maxNodes: 10_000_000 };

export function toJson(value: PyValue): JsonValue {
  return convert(renderValue(value, LIMITS).value);
}

function float(v: JsonFloat): number | string {
  return v === 'nan' ? 'NaN' : v === 'inf' ? 'Infinity' : v === '-inf' ? '-Infinity' : v;
}

/** A key as Python's json.dumps writes it, or undefined for keys JSON objects cannot have. */
function keyText(key: PreviewValue): string | undefined {
  switch (key.kind) {
    case 'str':
      return key.value;
    case 'int':
      return String(key.value);
    case 'float':
      return String(float(key.value));
    case 'bool':
      return String(key.value);
    case 'none':
      return 'null';
    default:
      return undefined;
  }
}

function object(entries: PreviewEntry[]): JsonValue {
  const keys = entries.map((e) => keyText(e.key));
  if (keys.some((k) => k === undefined)) return entries.map((e) => [convert(e.key), convert(e.value)]);
  return Object.fromEntries(entries.map((e, i) => [keys[i] as string, convert(e.value)]));
}

function fields(list: PreviewField[]): Record<string, JsonValue> {
  return Object.fromEntries(list.map((f, i) => [f.name ?? String(i), convert(f.value)]));
}

/** Row-major values → nested arrays of `shape` (flat when some values were not decoded). */
function nest(values: JsonValue[], shape: number[]): JsonValue {
  if (shape.length === 0) return values[0] ?? null;
  if (values.length !== shape.reduce((a, b) => a * b, 1)) return values;
  const build = (axis: number, offset: number): JsonValue[] => {
    const n = shape[axis];
    if (axis === shape.length - 1) return values.slice(offset, offset + n);
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * stride));
  };
  return build(0, 0);
}

function convert(v: PreviewValue): JsonValue {
  switch (v.kind) {
    case 'none':
    case 'elided':
      return null;
    case 'bool':
    case 'str':
    case 'decimal':
    case 'uuid':
      return v.value;
    case 'int':
      return v.value;
    case 'float':
      return float(v.value);
    case 'complex':
      return { real: float(v.real), imag: float(v.imag) };
    case 'bytes':
      return { __bytes__: v.base64 };
    case 'list':
    case 'tuple':
    case 'set':
      return v.items.map(convert);
    case 'dict':
      return object(v.entries);
    case 'date':
    case 'time':
    case 'datetime':
      return v.iso;
    case 'timedelta':
      return v.days * 86400 + v.seconds + v.microseconds / 1e6;
    case 'slice':
      return { start: convert(v.start), stop: convert(v.stop), step: convert(v.step) };
    case 'ndarray':
      return nest(v.values.map(convert), v.shape);
    case 'numpy-scalar':
      return convert(v.value);
    case 'index':
      return v.values.map(convert);
    case 'dataframe':
      return { columns: v.columns.map(convert), index: convert(v.index), data: v.rows.map((row) => row.map(convert)) };
    case 'series':
      return { name: convert(v.name), index: convert(v.index), data: v.values.map(convert) };
    case 'exception':
      return { type: v.type, message: v.message, traceback: v.traceback };
    case 'record':
      return v.fields.every((f) => f.name !== null) ? fields(v.fields) : v.fields.map((f) => convert(f.value));
    case 'object': {
      // Spread, not Object.assign: a field named `__proto__` must stay a field, not become the prototype.
      const out: Record<string, JsonValue> = {
        __class__: v.className,
        ...(v.args.length > 0 && { __args__: v.args.map(convert) }),
        ...fields(v.fields),
      };
      if (v.state !== null) out.__state__ = convert(v.state);
      if (v.items.length > 0) out.__items__ = v.items.map(convert);
      if (v.entries.length > 0) out.__entries__ = object(v.entries);
      return out;
    }
    case 'global':
      return { __global__: v.name };
    case 'opaque':
      return { __opaque__: v.what, detail: v.detail };
    case 'cycle':
      return { __cycle__: true };
  }
}
