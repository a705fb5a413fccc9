import { PyGlobal, PyInstance, PyTuple, type PickleValue } from './pickle-writer.js';
import type { ExtraArtifact } from './metaflow-datastore.js';

// Python values pickled as their own libraries pickle them, for sample artifacts: numpy's ndarray (`_reconstruct`
// plus the BUILD state numpy's __reduce__ gives) and datetime (its packed-bytes state).

type NumericDtype = 'f8' | 'i8';

function dtype(code: NumericDtype): PickleValue {
  return new PyInstance('numpy', 'dtype', [code, false, true], { reduce: true, state: new PyTuple([3, '<', null, null, null, -1, -1, 0]) });
}

function elements(code: NumericDtype, values: readonly number[]): Uint8Array {
  const buffer = Buffer.alloc(values.length * 8);
  values.forEach((value, i) => (code === 'f8' ? buffer.writeDoubleLE(value, i * 8) : buffer.writeBigInt64LE(BigInt(Math.trunc(value)), i * 8)));
  return buffer;
}

/** A C-ordered numpy array of float64 or int64, as `pickle.dumps(np.array(...), protocol=4)` writes it. */
export function ndarray(code: NumericDtype, shape: readonly number[], values: readonly number[]): ExtraArtifact['value'] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) throw new Error(`An array of shape (${shape.join(', ')}) holds ${size} values, not ${values.length}.`);
  return ndarrayOfBytes(code, shape, elements(code, values));
}

/** The same from the elements' raw little-endian bytes, which the caller sizes (see large-ndarray.ts). */
export function ndarrayOfBytes(code: NumericDtype, shape: readonly number[], bytes: Uint8Array): ExtraArtifact['value'] {
  return new PyInstance('numpy.core.multiarray', '_reconstruct', [new PyGlobal('numpy', 'ndarray'), new PyTuple([0]), new Uint8Array([0x62])], {
    reduce: true,
    state: new PyTuple([1, new PyTuple(shape.map((n) => n)), dtype(code), false, bytes]),
  });
}

export const NDARRAY_TYPE = "<class 'numpy.ndarray'>";

/** `datetime.datetime` (naive), pickled as CPython does: its 10-byte packed state. */
export function datetime(date: Date): PickleValue {
  const state = Buffer.alloc(10);
  state.writeUInt16BE(date.getUTCFullYear(), 0);
  state[2] = date.getUTCMonth() + 1;
  state[3] = date.getUTCDate();
  state[4] = date.getUTCHours();
  state[5] = date.getUTCMinutes();
  state[6] = date.getUTCSeconds();
  const micros = date.getUTCMilliseconds() * 1000;
  state[7] = (micros >> 16) & 0xff;
  state[8] = (micros >> 8) & 0xff;
  state[9] = micros & 0xff;
  return new PyInstance('datetime', 'datetime', [state], { reduce: true });
}

export const DATETIME_TYPE = "<class 'datetime.datetime'>";

