import { asBytes, asInt, asInts, asObject, asSeq, asStr } from './access.js';
import { isoFromEpochNanos, timedeltaFromMicros, unitNanos } from './datetime.js';
import type { PreviewValue } from '../../../shared/preview-types.js';
import type { Renderer } from './renderer.js';
import { floatPreview, intPreview, strPreview } from './scalars.js';
import type { PyObject, PyValue } from './value.js';

// numpy arrays and scalars from their reductions, without numpy: the dtype comes from the
// `numpy.dtype(code, align, copy)` reduction and its BUILD state, the elements straight from the
// raw bytes. numpy 2 renamed numpy.core to numpy._core, so both spellings are accepted.

export const RECONSTRUCT = ['numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct'];
export const FROMBUFFER = ['numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer'];
export const SCALAR = ['numpy.core.multiarray.scalar', 'numpy._core.multiarray.scalar'];

export interface Dtype {
  /** numpy's kind character: b i u f c O U S V M m. */
  kind: string;
  itemsize: number;
  littleEndian: boolean;
  /** numpy's name, e.g. float64, int64, object, <U5, datetime64[ns]. */
  name: string;
  /** Array-interface string, e.g. <f8, |O, <U5. */
  typestr: string;
  /** datetime64/timedelta64 unit, e.g. ns. */
  unit: string | null;
}

export interface NdArray {
  dtype: Dtype;
  shape: number[];
  fortran: boolean;
  size: number;
  /** Raw element bytes (maybe only a prefix), the items of an object array, or null if out-of-band. */
  data: Buffer | PyValue[] | null;
}

function dtypeName(kind: string, itemsize: number, count: number, order: string, unit: string | null): string {
  switch (kind) {
    case 'b':
      return 'bool';
    case 'i':
      return `int${itemsize * 8}`;
    case 'u':
      return `uint${itemsize * 8}`;
    case 'f':
      return `float${itemsize * 8}`;
    case 'c':
      return `complex${itemsize * 8}`;
    case 'O':
      return 'object';
    case 'M':
      return `datetime64${unit ? `[${unit}]` : ''}`;
    case 'm':
      return `timedelta64${unit ? `[${unit}]` : ''}`;
    case 'U':
      return `${order}U${count}`;
    default:
      return `${kind}${count}`;
  }
}

/** The datetime unit in a version-4 dtype state: (..., (metadata, (b'ns', num, den, events))). */
function datetimeUnit(state: PyValue[]): string | null {
  const info = asSeq(asSeq(state[8])?.[1]);
  const unit = asBytes(info?.[0])?.toString('latin1');
  return unit === undefined || unit === 'generic' ? null : unit;
}

/** Item sizes numpy uses per kind (others come only from a corrupt pickle); decodeElement relies on them. */
function validSize(kind: string, itemsize: number): boolean {
  switch (kind) {
    case 'b':
      return itemsize === 1;
    case 'i':
    case 'u':
      return [1, 2, 4, 8].includes(itemsize);
    case 'f':
      return [2, 4, 8, 10, 12, 16].includes(itemsize);
    case 'c':
      return [8, 16, 20, 24, 32].includes(itemsize);
    case 'M':
    case 'm':
    case 'O':
      return itemsize === 8;
    case 'U':
      return itemsize > 0 && itemsize % 4 === 0;
    case 'S':
    case 'V':
      return itemsize > 0;
    default:
      return false;
  }
}

function readDtype(v: PyValue | undefined): Dtype | undefined {
  const obj = asObject(v, 'numpy.dtype');
  const code = asStr(obj?.args[0]);
  const match = code === undefined ? null : /^([a-zA-Z?])(\d*)$/.exec(code);
  if (obj === undefined || match === null) return undefined;
  const kind = match[1] === '?' ? 'b' : match[1];
  const count = match[2] === '' ? 0 : Number(match[2]);
  const state = asSeq(obj.state) ?? [];
  const order = asStr(state[1]) ?? '|';
  const elsize = asInt(state[5]) ?? -1;
  const itemsize = elsize > 0 ? elsize : kind === 'U' ? count * 4 : kind === 'O' ? 8 : count;
  if (!validSize(kind, itemsize)) return undefined;
  const unit = kind === 'M' || kind === 'm' ? datetimeUnit(state) : null;
  const typeOrder = order === '=' ? '<' : order;
  return {
    kind,
    itemsize,
    littleEndian: order !== '>',
    name: dtypeName(kind, itemsize, count, typeOrder, unit),
    typestr: `${typeOrder}${kind}${kind === 'O' ? '' : kind === 'U' ? count : itemsize}${unit ? `[${unit}]` : ''}`,
    unit,
  };
}

function arrayData(v: PyValue | undefined): NdArray['data'] {
  if (v?.kind === 'list') return v.items;
  return asBytes(v) ?? null;
}

function makeArray(dtype: Dtype | undefined, shape: number[] | undefined, fortran: boolean, data: NdArray['data']): NdArray | undefined {
  if (dtype === undefined || shape === undefined) return undefined;
  return { dtype, shape, fortran, size: shape.reduce((a, b) => a * b, 1), data };
}

/** An ndarray from `_reconstruct(cls, (0,), b'b')` + BUILD state, or protocol 5's `_frombuffer`. */
export function readArray(v: PyValue | undefined): NdArray | undefined {
  const reconstructed = asObject(v, ...RECONSTRUCT);
  if (reconstructed !== undefined) {
    const state = asSeq(reconstructed.state);
    // (version, shape, dtype, is_fortran, data); very old numpy left out the version.
    const [shape, dtype, fortran, data] = state?.length === 5 ? state.slice(1) : (state ?? []);
    return makeArray(readDtype(dtype), asInts(shape), fortran?.kind === 'bool' && fortran.value, arrayData(data));
  }
  const fromBuffer = asObject(v, ...FROMBUFFER);
  if (fromBuffer !== undefined) {
    const [buffer, dtype, shape, order] = fromBuffer.args;
    return makeArray(readDtype(dtype), asInts(shape), asStr(order) === 'F', arrayData(buffer));
  }
  return undefined;
}

/** Where the element at row-major position `index` is stored. */
function storageIndex(array: NdArray, index: number): number {
  if (!array.fortran || array.shape.length < 2) return index;
  let rest = index;
  let offset = 0;
  let stride = 1;
  const strides = array.shape.map((n) => {
    const s = stride;
    stride *= n;
    return s;
  });
  for (let axis = array.shape.length - 1; axis >= 0; axis--) {
    const n = array.shape[axis];
    offset += (rest % n) * strides[axis];
    rest = Math.floor(rest / n);
  }
  return offset;
}

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

const NAT = -(2n ** 63n);

/** One element of a fixed-size dtype, or undefined for dtypes this reader cannot decode (e.g. float128). */
function decodeElement(dtype: Dtype, buf: Buffer, at: number): PreviewValue | undefined {
  const le = dtype.littleEndian;
  const size = dtype.itemsize;
  switch (dtype.kind) {
    case 'b':
      return { kind: 'bool', value: buf[at] !== 0 };
    case 'i':
    case 'u': {
      const signed = dtype.kind === 'i';
      if (size === 8) {
        const v = signed ? (le ? buf.readBigInt64LE(at) : buf.readBigInt64BE(at)) : le ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at);
        return intPreview(v);
      }
      const v = signed ? (le ? buf.readIntLE(at, size) : buf.readIntBE(at, size)) : le ? buf.readUIntLE(at, size) : buf.readUIntBE(at, size);
      return intPreview(v);
    }
    case 'f':
      if (size === 2) return floatPreview(half(le ? buf.readUInt16LE(at) : buf.readUInt16BE(at)));
      if (size === 4) return floatPreview(le ? buf.readFloatLE(at) : buf.readFloatBE(at));
      if (size === 8) return floatPreview(le ? buf.readDoubleLE(at) : buf.readDoubleBE(at));
      return undefined;
    case 'c': {
      const part = size / 2;
      const re = decodeElement({ ...dtype, kind: 'f', itemsize: part }, buf, at);
      const im = decodeElement({ ...dtype, kind: 'f', itemsize: part }, buf, at + part);
      if (re?.kind !== 'float' || im?.kind !== 'float') return undefined;
      return { kind: 'complex', real: re.value, imag: im.value };
    }
    case 'U': {
      let text = '';
      for (let p = at; p + 4 <= at + size; p += 4) {
        const cp = le ? buf.readUInt32LE(p) : buf.readUInt32BE(p);
        if (cp === 0) break;
        text += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return strPreview(text);
    }
    case 'S':
    case 'V': {
      let end = at + size;
      if (dtype.kind === 'S') while (end > at && buf[end - 1] === 0) end--;
      const bytes = buf.subarray(at, end);
      return { kind: 'bytes', base64: bytes.toString('base64'), length: bytes.length, truncated: false, mutable: false };
    }
    case 'M':
    case 'm': {
      const v = le ? buf.readBigInt64LE(at) : buf.readBigInt64BE(at);
      if (v === NAT) return strPreview('NaT');
      const nanos = unitNanos(dtype.unit ?? '');
      if (nanos === undefined) return intPreview(v);
      if (dtype.kind === 'M') {
        const iso = isoFromEpochNanos(v * nanos);
        return iso === undefined ? intPreview(v) : { kind: 'datetime', iso, tz: null };
      }
      const n = v * nanos;
      return timedeltaFromMicros(n >= 0n ? n / 1000n : -((-n + 999n) / 1000n));
    }
    default:
      return undefined;
  }
}

/** The element at row-major position `index`, or undefined when its bytes were not read. */
export function elementAt(array: NdArray, index: number, r: Renderer): PreviewValue | undefined {
  const at = storageIndex(array, index);
  const data = array.data;
  if (data === null) return undefined;
  if (Array.isArray(data)) return at < data.length ? r.render(data[at]) : undefined;
  if (array.dtype.kind === 'O') return undefined;
  const offset = at * array.dtype.itemsize;
  if (offset + array.dtype.itemsize > data.length) return undefined;
  return decodeElement(array.dtype, data, offset);
}

/** The first maxItems elements in row-major order, stopping (incomplete) where the data ends. */
export function firstElements(array: NdArray, r: Renderer, count = array.size): PreviewValue[] {
  const shown = r.count(count);
  const out: PreviewValue[] = [];
  for (let i = 0; i < shown; i++) {
    const value = elementAt(array, i, r);
    if (value === undefined) {
      r.incomplete();
      break;
    }
    out.push(value);
  }
  return out;
}

function arrayPreview(array: NdArray, r: Renderer): PreviewValue {
  const { dtype, shape, fortran, size } = array;
  return { kind: 'ndarray', dtype: dtype.name, typestr: dtype.typestr, shape, order: fortran ? 'F' : 'C', size, values: firstElements(array, r) };
}

export function interpretNdarray(obj: PyObject, r: Renderer): PreviewValue | undefined {
  const array = readArray(obj);
  return array === undefined ? undefined : arrayPreview(array, r);
}

/** numpy scalars: `scalar(dtype, raw bytes)`, or `scalar(dtype('O'), the object)`. */
export function interpretScalar(obj: PyObject, r: Renderer): PreviewValue | undefined {
  const dtype = readDtype(obj.args[0]);
  const payload = obj.args[1];
  if (dtype === undefined || payload === undefined) return undefined;
  const bytes = dtype.kind === 'O' ? undefined : asBytes(payload);
  const value = bytes === undefined ? r.render(payload) : bytes.length >= dtype.itemsize ? decodeElement(dtype, bytes, 0) : undefined;
  return value === undefined ? undefined : { kind: 'numpy-scalar', dtype: dtype.name, value };
}
