import { asBigInt, asBytes, asNumber, asStr, qualified, stateEntries, stateGet } from './access.js';
import { interpretDate, interpretDatetime, interpretTime, interpretTimedelta, interpretTimestamp } from './datetime.js';
import { FROMBUFFER, interpretNdarray, interpretScalar, RECONSTRUCT, SCALAR } from './numpy.js';
import { interpretDataFrame, interpretIndex, interpretSeries } from './pandas.js';
import type { PreviewField, PreviewValue } from '../../../shared/preview-types.js';
import type { Renderer } from './renderer.js';
import { jsonFloat } from './scalars.js';
import type { PyObject, PyValue } from './value.js';

// Turns the reductions of known classes into friendly previews. An interpreter returns undefined
// when the object does not have the shape it expects (another version, a subclass), and the object
// is then shown generically: class name, pickled size, constructor args and state fields.

type Interpreter = (obj: PyObject, r: Renderer) => PreviewValue | undefined;

function bytesPreview(data: Buffer, mutable: boolean): PreviewValue {
  return { kind: 'bytes', base64: data.toString('base64'), length: data.length, truncated: false, mutable };
}

/** set(list) / frozenset(list), as protocols < 4 pickle sets. */
function setOf(frozen: boolean): Interpreter {
  return (obj, r) => {
    const source = obj.args[0];
    if (source === undefined) return { kind: 'set', frozen, items: [], length: 0 };
    if (source.kind !== 'list' && source.kind !== 'tuple') return undefined;
    const length = source.kind === 'list' ? source.length : source.items.length;
    return { kind: 'set', frozen, items: r.items(source.items, length), length };
  };
}

/** OrderedDict / defaultdict / Counter: items come by SETITEMS, or as a dict or a list of pairs. */
const mapping: Interpreter = (obj, r) => {
  const className = qualified(obj);
  if (obj.entries !== undefined) return { kind: 'dict', className, entries: r.entries(obj.entries, obj.entries.length), length: obj.entries.length };
  const source = obj.name === 'defaultdict' ? undefined : obj.args[0];
  if (source === undefined) return { kind: 'dict', className, entries: [], length: 0 };
  if (source.kind === 'dict') return { kind: 'dict', className, entries: r.entries(source.entries, source.length), length: source.length };
  if (source.kind !== 'list') return undefined;
  const pairs: [PyValue, PyValue][] = [];
  for (const pair of source.items) {
    if ((pair.kind !== 'list' && pair.kind !== 'tuple') || pair.items.length !== 2) return undefined;
    pairs.push([pair.items[0], pair.items[1]]);
  }
  return { kind: 'dict', className, entries: r.entries(pairs, source.length), length: source.length };
};

const complex: Interpreter = (obj) => {
  const [re = 0, im = 0] = obj.args.map(asNumber);
  return { kind: 'complex', real: jsonFloat(re), imag: jsonFloat(im) };
};

const slice: Interpreter = (obj, r) => {
  const [start, stop, step] = obj.args;
  const none: PyValue = { kind: 'none' };
  return { kind: 'slice', start: r.render(start ?? none), stop: r.render(stop ?? none), step: r.render(step ?? none) };
};

/** bytes/bytearray for protocols < 3: `_codecs.encode(text, 'latin1')`, `bytearray(bytes-or-text, enc)`. */
function bytesFrom(mutable: boolean): Interpreter {
  return (obj) => {
    if (obj.args.length === 0) return bytesPreview(Buffer.alloc(0), mutable);
    const data = asBytes(mutable ? obj.args[0] : obj);
    return data === undefined ? undefined : bytesPreview(data, mutable);
  };
}

const decimal: Interpreter = (obj) => {
  const value = asStr(obj.args[0]);
  return value === undefined ? undefined : { kind: 'decimal', value };
};

/** uuid.UUID keeps a 128-bit int in its state: {'int': N, 'is_safe': ...}. */
const uuid: Interpreter = (obj) => {
  const n = asBigInt(stateGet(obj, 'int'));
  if (n === undefined || n < 0n || n >= 1n << 128n) return undefined;
  const hex = n.toString(16).padStart(32, '0');
  return { kind: 'uuid', value: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
};

/** Metaflow's MetaflowExceptionWrapper: state {'type', 'exception' (the message), 'stacktrace'}. */
const exceptionWrapper: Interpreter = (obj) => {
  const type = asStr(stateGet(obj, 'type'));
  const message = asStr(stateGet(obj, 'exception'));
  if (type === undefined || message === undefined) return undefined;
  return { kind: 'exception', type, message, traceback: asStr(stateGet(obj, 'stacktrace')) ?? '' };
};

/** A builtin exception pickles as `ValueError(*args)`; str() of it is its single arg. */
const builtinException: Interpreter = (obj) => {
  const message = obj.args.length === 1 ? asStr(obj.args[0]) : undefined;
  return { kind: 'exception', type: obj.name, message: message ?? obj.args.map((a) => asStr(a) ?? `<${a.kind}>`).join(', '), traceback: '' };
};

/** Field names of namedtuples we know; others show positionally. A Map: class names are data (`constructor`). */
const KNOWN_FIELDS = new Map([
  // metaflow: namedtuple("ForeachFrame", ["step", "var", "num_splits", "index", "value"]), pickled
  // under the module of the running flow, `__main__`.
  ['ForeachFrame', ['step', 'var', 'num_splits', 'index', 'value']],
]);

/** cls.__new__(cls, *tuple) with no other state: a namedtuple (or a tuple subclass) of a class we do not have. */
const record: Interpreter = (obj, r) => {
  const names = KNOWN_FIELDS.get(obj.name) ?? [];
  const fields = r.take(obj.args).map((value, i): PreviewField => ({ name: names[i] ?? null, value: r.render(value) }));
  return { kind: 'record', className: qualified(obj), fields };
};

const BY_NAME = new Map<string, Interpreter>([
  ['datetime.date', interpretDate],
  ['datetime.datetime', interpretDatetime],
  ['datetime.time', interpretTime],
  ['datetime.timedelta', interpretTimedelta],
  ['pandas._libs.tslibs.timestamps._unpickle_timestamp', interpretTimestamp],
  ['builtins.set', setOf(false)],
  ['builtins.frozenset', setOf(true)],
  ['builtins.complex', complex],
  ['builtins.slice', slice],
  ['builtins.bytearray', bytesFrom(true)],
  ['builtins.bytes', bytesFrom(false)],
  ['_codecs.encode', bytesFrom(false)],
  ['collections.OrderedDict', mapping],
  ['collections.defaultdict', mapping],
  ['collections.Counter', mapping],
  ['decimal.Decimal', decimal],
  ['uuid.UUID', uuid],
  ['metaflow.exception.MetaflowExceptionWrapper', exceptionWrapper],
  ['pandas.core.frame.DataFrame', interpretDataFrame],
  ['pandas.core.series.Series', interpretSeries],
  ...RECONSTRUCT.map((name): [string, Interpreter] => [name, interpretNdarray]),
  ...FROMBUFFER.map((name): [string, Interpreter] => [name, interpretNdarray]),
  ...SCALAR.map((name): [string, Interpreter] => [name, interpretScalar]),
]);

function interpreterFor(obj: PyObject): Interpreter | undefined {
  const byName = BY_NAME.get(qualified(obj));
  if (byName !== undefined) return byName;
  // pandas indexes: _new_Index, _new_DatetimeIndex, _new_PeriodIndex, ...
  if (obj.module.startsWith('pandas.') && obj.name.startsWith('_new_')) return interpretIndex;
  if (obj.module === 'builtins' && /(Error|Exception|Warning)$/.test(obj.name)) return builtinException;
  const plain = obj.state === undefined && obj.items === undefined && obj.entries === undefined;
  if (obj.via === 'new' && obj.args.length > 0 && plain && obj.module !== 'builtins') return record;
  return undefined;
}

function generic(obj: PyObject, r: Renderer): PreviewValue {
  const entries = stateEntries(obj);
  const fields: PreviewField[] = [];
  for (const [key, value] of r.take(entries ?? [])) fields.push({ name: asStr(key) ?? `<${key.kind}>`, value: r.render(value) });
  const args: PyValue[] = obj.kwargs === undefined ? obj.args : [...obj.args, { kind: 'dict', entries: obj.kwargs, length: obj.kwargs.length }];
  return {
    kind: 'object',
    className: qualified(obj),
    byteLength: obj.byteLength,
    args: r.items(args, args.length),
    fields,
    state: entries === undefined && obj.state !== undefined ? r.render(obj.state) : null,
    items: r.items(obj.items ?? [], obj.items?.length ?? 0),
    entries: r.entries(obj.entries ?? [], obj.entries?.length ?? 0),
  };
}

export function interpretObject(obj: PyObject, r: Renderer): PreviewValue {
  return interpreterFor(obj)?.(obj, r) ?? generic(obj, r);
}
