import { asInt, asInts, asObject, asSeq, dictGet, qualified, stateGet } from './access.js';
import { elementAt, firstElements, readArray, type NdArray } from './numpy.js';
import type { IndexPreview, PreviewValue } from '../../../shared/preview-types.js';
import type { Renderer } from './renderer.js';
import { intPreview } from './scalars.js';
import type { PyObject, PyValue } from './value.js';

// pandas DataFrame / Series / Index from their pickled internals, for pandas 1.x and 2.x:
// NDFrame state {'_mgr' (older: '_data'), ...}; the BlockManager either reduced to
// (blocks, axes) with blocks as `_unpickle_block(values, placement, ndim)`, or (SingleBlockManager
// in 1.5, and everything before 1.3) the tuple state (axes, values, items, {'0.14.1': {axes, blocks}});
// axes via `_new_Index(cls, {data|start/stop/step|levels/codes, name})`.

interface Block {
  array: NdArray | undefined;
  /** The block's dtype name, or the class of an extension array this reader cannot open. */
  dtype: string;
  /** Where a column position sits in the block (its row in the block's 2-D values), if it is there. */
  slot: (position: number) => number | undefined;
}

interface Manager {
  blocks: Block[];
  axes: PyValue[];
}

const UNAVAILABLE: PreviewValue = { kind: 'elided', reason: 'unavailable' };

/** pandas arrays whose backing ndarray holds the values themselves (a Categorical's holds codes). */
const NDARRAY_BACKED = new Set(['DatetimeArray', 'TimedeltaArray', 'PandasArray', 'NumpyExtensionArray', 'StringArray']);

/** The class of a pandas extension array: NDArrayBacked pickles as `__pyx_unpickle_NDArrayBacked(cls, ...)`. */
function extensionClass(obj: PyObject): { module: string; name: string } {
  const cls = obj.args[0];
  return obj.name === '__pyx_unpickle_NDArrayBacked' && cls?.kind === 'global' ? cls : obj;
}

/** An ndarray, or the ndarray inside a pandas array backed by one. */
function readArrayLike(v: PyValue | undefined): NdArray | undefined {
  const direct = readArray(v);
  if (direct !== undefined) return direct;
  const obj = asObject(v);
  if (obj === undefined || !NDARRAY_BACKED.has(extensionClass(obj).name)) return undefined;
  // NDArrayBacked's state is (dtype, ndarray, attrs); older arrays keep it under _ndarray/_data.
  for (const item of asSeq(obj.state) ?? []) {
    const array = readArray(item);
    if (array !== undefined) return array;
  }
  return readArray(stateGet(obj, '_ndarray')) ?? readArray(stateGet(obj, '_data'));
}

function arrayDtype(v: PyValue | undefined, array: NdArray | undefined): string {
  if (array !== undefined) return array.dtype.name;
  if (v?.kind !== 'object') return 'unknown';
  const cls = extensionClass(v);
  return cls.name === 'Categorical' ? 'category' : qualified(cls);
}

/** A BlockPlacement as pickled: a slice, an int64 array, or a list of column positions. */
function placement(v: PyValue | undefined): Block['slot'] | undefined {
  const slice = asObject(v, 'builtins.slice');
  if (slice !== undefined) {
    const [start = 0, stop = 0, step = 1] = slice.args.map((a) => asInt(a));
    if (step <= 0) return undefined;
    return (p) => (p >= start && p < stop && (p - start) % step === 0 ? (p - start) / step : undefined);
  }
  let positions = asInts(v);
  const array = positions === undefined ? readArray(v) : undefined;
  if (array !== undefined && array.data instanceof Buffer && array.dtype.kind === 'i') {
    const { data, dtype } = array;
    positions = [];
    for (let at = 0; at + dtype.itemsize <= Math.min(data.length, array.size * dtype.itemsize); at += dtype.itemsize) {
      positions.push(Number(dtype.itemsize === 8 ? data.readBigInt64LE(at) : data.readIntLE(at, dtype.itemsize)));
    }
  }
  if (positions === undefined) return undefined;
  const slots = new Map(positions.map((position, j) => [position, j]));
  return (p) => slots.get(p);
}

function block(values: PyValue | undefined, locs: PyValue | undefined): Block | undefined {
  const slot = placement(locs);
  if (slot === undefined) return undefined;
  const array = readArrayLike(values);
  return { array, dtype: arrayDtype(values, array), slot };
}

function reducedBlock(v: PyValue): Block | undefined {
  const obj = asObject(v);
  // `_unpickle_block` (pandas >= 1.3, in pandas._libs.internals) or `new_block` (1.3-1.4).
  if (obj === undefined || (obj.name !== '_unpickle_block' && obj.name !== 'new_block')) return undefined;
  return block(obj.args[0], obj.args[1]);
}

/**
 * The tuple state (axes, block values, block items, {'0.14.1': {axes, blocks: [{values, mgr_locs}]}});
 * the first three only matter to pandas older than 0.14.1, which this does not read.
 */
function legacyManager(state: PyValue[]): Manager | undefined {
  const modern = dictGet(state[3], '0.14.1');
  const blocks = asSeq(dictGet(modern, 'blocks'))?.map((b) => block(dictGet(b, 'values'), dictGet(b, 'mgr_locs')));
  const axes = asSeq(dictGet(modern, 'axes'));
  if (blocks === undefined || axes === undefined || blocks.some((b) => b === undefined)) return undefined;
  return { blocks: blocks as Block[], axes };
}

function readManager(v: PyValue | undefined): Manager | undefined {
  const obj = asObject(v);
  if (obj === undefined || !obj.name.endsWith('BlockManager')) return undefined;
  const state = asSeq(obj.state);
  if (obj.state?.kind === 'tuple' && state !== undefined && state.length >= 2) return legacyManager(state);
  const [blocksArg, axesArg] = obj.args;
  // SingleBlockManager reduces to (block, axis); BlockManager to (blocks, axes).
  const single = reducedBlock(blocksArg ?? { kind: 'none' });
  const blocks = single !== undefined ? [single] : asSeq(blocksArg)?.map((b) => reducedBlock(b));
  const axes = single !== undefined && axesArg !== undefined ? [axesArg] : asSeq(axesArg);
  if (blocks === undefined || axes === undefined || blocks.some((b) => b === undefined)) return undefined;
  return { blocks: blocks as Block[], axes };
}

function rangeIndex(className: string, d: PyValue, r: Renderer): IndexPreview {
  const get = (key: string): number | undefined => asInt(dictGet(d, key) ?? dictGet(d, `_${key}`));
  const start = get('start') ?? 0;
  const stop = get('stop') ?? 0;
  const step = get('step') ?? 1;
  const length = step === 0 ? 0 : Math.max(0, Math.ceil((stop - start) / step));
  const values = Array.from({ length: r.count(length) }, (_, i) => intPreview(start + i * step));
  return { kind: 'index', className, name: r.render(dictGet(d, 'name') ?? { kind: 'none' }), dtype: 'int64', length, values, range: { start, stop, step } };
}

/** MultiIndex: row i is the tuple (levels[l][codes[l][i]] for each level l). */
function multiIndex(className: string, d: PyValue, r: Renderer): IndexPreview | undefined {
  // Each level is itself an Index: `_new_Index(cls, {'data': ndarray, ...})`.
  const levels = asSeq(dictGet(d, 'levels'))?.map((level) => readArrayLike(dictGet(asObject(level)?.args[1], 'data')));
  const codes = asSeq(dictGet(d, 'codes') ?? dictGet(d, 'labels'))?.map((c) => readArray(c));
  if (levels === undefined || codes === undefined || codes.length !== levels.length || codes.some((c) => c === undefined)) return undefined;
  const length = codes[0]?.size ?? 0;
  const rows: PreviewValue[] = [];
  const shown = r.count(length, codes.length);
  for (let i = 0; i < shown; i++) {
    const items = codes.map((c, l) => {
      const code = c === undefined ? undefined : elementAt(c, i, r);
      const level = levels[l];
      if (code?.kind !== 'int' || typeof code.value !== 'number' || level === undefined) return UNAVAILABLE;
      return code.value < 0 ? { kind: 'float', value: 'nan' } satisfies PreviewValue : (elementAt(level, code.value, r) ?? UNAVAILABLE);
    });
    rows.push({ kind: 'tuple', items, length: items.length });
  }
  const names = dictGet(d, 'names');
  return { kind: 'index', className, name: r.render(names ?? { kind: 'none' }), dtype: 'object', length, values: rows, range: null };
}

/** An Index pickled as `_new_Index(cls, d)` (or `_new_DatetimeIndex`, `_new_PeriodIndex`, ...). */
function readIndex(v: PyValue | undefined, r: Renderer): IndexPreview | undefined {
  const obj = asObject(v);
  const [cls, d] = obj?.args ?? [];
  if (obj === undefined || !obj.name.startsWith('_new_') || cls?.kind !== 'global' || d?.kind !== 'dict') return undefined;
  const className = qualified(cls);
  if (cls.name === 'RangeIndex') return rangeIndex(className, d, r);
  if (cls.name === 'MultiIndex') return multiIndex(className, d, r);
  const data = dictGet(d, 'data');
  const array = readArrayLike(data);
  const name = r.render(dictGet(d, 'name') ?? { kind: 'none' });
  if (array === undefined) {
    r.incomplete();
    return { kind: 'index', className, name, dtype: arrayDtype(data, array), length: 0, values: [], range: null };
  }
  return { kind: 'index', className, name, dtype: array.dtype.name, length: array.size, values: firstElements(array, r), range: null };
}

export function interpretIndex(obj: PyObject, r: Renderer): PreviewValue | undefined {
  return readIndex(obj, r);
}

/** Cell (row, j-th column of the block): block values are (columns, rows), or 1-D for extension arrays. */
function cell(b: Block, j: number, row: number, rows: number, r: Renderer): PreviewValue {
  if (b.array === undefined) return UNAVAILABLE;
  const index = b.array.shape.length === 2 ? j * rows + row : row;
  return elementAt(b.array, index, r) ?? UNAVAILABLE;
}

export function interpretDataFrame(obj: PyObject, r: Renderer): PreviewValue | undefined {
  const manager = readManager(stateGet(obj, '_mgr') ?? stateGet(obj, '_data'));
  if (manager === undefined) return undefined;
  const [columnAxis, rowAxis] = manager.axes;
  const columns = readIndex(columnAxis, r);
  const index = readIndex(rowAxis, r);
  if (columns === undefined || index === undefined) return undefined;
  const shown = columns.values.map((_, c) => {
    for (const b of manager.blocks) {
      const j = b.slot(c);
      if (j !== undefined) return { block: b, j };
    }
    return undefined;
  });
  const rowCount = index.length;
  const rows: PreviewValue[][] = [];
  const shownRows = r.count(rowCount, shown.length);
  for (let row = 0; row < shownRows; row++) {
    rows.push(shown.map((w) => (w === undefined ? UNAVAILABLE : cell(w.block, w.j, row, rowCount, r))));
  }
  if (rows.some((cells) => cells.includes(UNAVAILABLE))) r.incomplete();
  return {
    kind: 'dataframe',
    columns: columns.values,
    dtypes: shown.map((w) => w?.block.dtype ?? 'unknown'),
    columnCount: columns.length,
    index,
    rowCount,
    rows,
  };
}

export function interpretSeries(obj: PyObject, r: Renderer): PreviewValue | undefined {
  const manager = readManager(stateGet(obj, '_mgr') ?? stateGet(obj, '_data'));
  const b = manager?.blocks[0];
  const index = readIndex(manager?.axes[0], r);
  if (b === undefined || index === undefined) return undefined;
  const values = b.array === undefined ? [] : firstElements(b.array, r, index.length);
  if (b.array === undefined) r.incomplete();
  const name = r.render(stateGet(obj, 'name') ?? { kind: 'none' });
  return { kind: 'series', name, dtype: b.dtype, index, length: index.length, values };
}
