import { describe, expect, it } from 'vitest';
import { decodePickle } from '../../../electron/metaflow/pickle/decoder.js';
import { toJson } from '../../../electron/metaflow/pickle/json.js';
import type { PreviewValue } from '../../../shared/preview-types.js';
import { renderValue } from '../../../electron/metaflow/pickle/render.js';
import { readPickle } from './fixture-artifacts.js';

// Known reductions (stdlib, numpy, pandas) from pickles made by CPython 3.11, numpy 1.24 and
// pandas 1.5 (fixtures/make_fixtures.py), plus numpy 2's module names.

async function preview(name: string, maxItems = 100): Promise<{ value: PreviewValue; complete: boolean }> {
  return renderValue(decodePickle(await readPickle(name)).value, { maxItems, maxDepth: 50, maxNodes: 100_000 });
}

/** The value under a str key of a previewed dict. */
function field(value: PreviewValue, key: string): PreviewValue | undefined {
  return value.kind === 'dict' ? value.entries.find((e) => e.key.kind === 'str' && e.key.value === key)?.value : undefined;
}

const str = (value: string): PreviewValue => ({ kind: 'str', value, byteLength: Buffer.byteLength(value), truncated: false });
const int = (value: number): PreviewValue => ({ kind: 'int', value, big: false });

describe('stdlib classes', () => {
  it.each(['stdlib.p0', 'stdlib.p2', 'stdlib.p4'])('%s: dates, zones, decimals, uuids, mappings, exceptions', async (name) => {
    const { value, complete } = await preview(name);
    expect(complete).toBe(true);
    expect(field(value, 'td')).toEqual({ kind: 'timedelta', days: -1, seconds: 5, microseconds: 7, text: '-1 day, 0:00:05.000007' });
    expect(field(value, 'time')).toEqual({ kind: 'time', iso: '12:00:01+02:00', tz: 'UTC+02:00' });
    expect(field(value, 'est')).toEqual({ kind: 'datetime', iso: '2024-01-02T03:04:05-05:00', tz: 'EST' });
    expect(field(value, 'berlin')).toEqual({ kind: 'datetime', iso: '2024-07-01T12:00:00+02:00', tz: 'Europe/Berlin' });
    expect(field(value, 'zone')).toEqual({ kind: 'datetime', iso: '2024-07-01T12:00:00', tz: 'America/New_York' });
    expect(field(value, 'decimal')).toEqual({ kind: 'decimal', value: '1.10' });
    expect(field(value, 'uuid')).toEqual({ kind: 'uuid', value: '12345678-1234-5678-1234-567812345678' });
    expect(field(value, 'ordered')).toMatchObject({ kind: 'dict', className: 'collections.OrderedDict', length: 2 });
    expect(field(value, 'default')).toMatchObject({ kind: 'dict', className: 'collections.defaultdict', length: 1 });
    expect(field(value, 'counter')).toMatchObject({ kind: 'dict', className: 'collections.Counter', length: 2 });
    expect(field(value, 'error')).toEqual({ kind: 'exception', type: 'ValueError', message: 'bad value', traceback: '' });
    expect(field(value, 'slice')).toEqual({ kind: 'slice', start: int(1), stop: int(10), step: int(2) });
    expect(field(value, 'point')).toEqual({ kind: 'record', className: '__main__.Point', fields: [{ name: null, value: int(1) }, { name: null, value: int(2) }] });
  });

  it('shows an unknown class by name, pickled size and state fields', async () => {
    const { value } = await preview('stdlib.p4');
    expect(field(value, 'thing')).toMatchObject({
      kind: 'object',
      className: '__main__.Thing',
      args: [],
      fields: [
        { name: 'name', value: str('thing') },
        { name: 'size', value: int(3) },
      ],
      state: null,
    });
    const thing = field(value, 'thing');
    expect(thing?.kind === 'object' && thing.byteLength).toBeGreaterThan(20);
    expect(field(value, 'slotted')).toMatchObject({ kind: 'object', className: '__main__.Slotted', fields: [{ name: 'a' }, { name: 'b' }] });
  });
});

describe('numpy', () => {
  it('decodes every numeric, string and date dtype from the raw bytes', async () => {
    const json = toJson(decodePickle(await readPickle('numpy')).value);
    expect(json).toEqual({
      int8: [-1, 2],
      int16: [-300, 2],
      int32: [-70000, 2],
      int64: [-1099511627776, '4611686018427387904'],
      uint8: [255, 1],
      uint16: [65535, 1],
      uint32: [4294967295, 1],
      uint64: ['18446744073709551615', 1],
      float16: [1.5, -0.25],
      float32: [1.5, 'NaN'],
      float64: [1.5, '-Infinity'],
      complex64: [{ real: 1, imag: 2 }],
      complex128: [{ real: 3, imag: -4 }],
      bool: [true, false],
      U5: ['ab', 'héllo'],
      S3: [{ __bytes__: Buffer.from('ab').toString('base64') }, { __bytes__: Buffer.from('xyz').toString('base64') }],
      'datetime64[ns]': ['2024-05-17T12:30:45.123456789', 'NaT'],
      'timedelta64[s]': [90061],
      object: ['x', null],
      '>i4': [1, -2],
      fortran: [
        [0, 1, 2],
        [3, 4, 5],
      ],
      zero_d: 7.5,
      scalar_f8: 2.5,
      scalar_i4: -3,
      scalar_bool: true,
    });
  });

  it('names dtypes as numpy does', async () => {
    const { value } = await preview('numpy');
    const dtype = (key: string) => {
      const v = field(value, key);
      return v?.kind === 'ndarray' ? [v.dtype, v.typestr] : v?.kind === 'numpy-scalar' ? [v.dtype] : undefined;
    };
    expect(dtype('int64')).toEqual(['int64', '<i8']);
    expect(dtype('object')).toEqual(['object', '|O']);
    expect(dtype('U5')).toEqual(['<U5', '<U5']);
    expect(dtype('bool')).toEqual(['bool', '|b1']);
    expect(dtype('>i4')).toEqual(['int32', '>i4']);
    expect(dtype('datetime64[ns]')).toEqual(['datetime64[ns]', '<M8[ns]']);
    expect(dtype('scalar_f8')).toEqual(['float64']);
    expect(field(value, 'fortran')).toMatchObject({ order: 'F', shape: [2, 3], values: [0, 1, 2, 3, 4, 5].map(int) });
    expect(field(value, 'zero_d')).toMatchObject({ shape: [], size: 1, values: [{ kind: 'float', value: 7.5 }] });
  });

  it('reads protocol 5 (_frombuffer) and numpy 2 (numpy._core) arrays', async () => {
    expect((await preview('numpy.p5')).value).toMatchObject({ kind: 'ndarray', dtype: 'int16', shape: [4], values: [0, 1, 2, 3].map(int) });
    expect((await preview('ndarray.numpy2')).value).toMatchObject({
      kind: 'ndarray',
      dtype: 'float32',
      shape: [2, 3],
      values: [0, 1, 2, 3, 4, 5].map((value) => ({ kind: 'float', value })),
    });
  });

  it('shows the first maxItems elements and says it is incomplete', async () => {
    const { value, complete } = await preview('ndarray.numpy2', 4);
    expect(complete).toBe(false);
    expect(value).toMatchObject({ kind: 'ndarray', size: 6, values: [0, 1, 2, 3].map((v) => ({ kind: 'float', value: v })) });
  });
});

describe('pandas', () => {
  it('reads a DataFrame pickled with numpy 2 module names', async () => {
    expect(toJson(decodePickle(await readPickle('dataframe.numpy2')).value)).toEqual({
      columns: ['a', 'b', 'c'],
      index: [0, 1, 2],
      data: [
        [1, 'x', 0.5],
        [2, 'y', 1.5],
        [3, 'z', 2.5],
      ],
    });
  });

  it('reads a DataFrame as pandas < 1.3 pickled it (manager under _data, tuple state)', async () => {
    const { value } = await preview('dataframe.legacy');
    expect(value).toMatchObject({ kind: 'dataframe', columns: [str('a'), str('b'), str('c')], dtypes: ['int64', 'object', 'float64'], rowCount: 3 });
    expect(value.kind === 'dataframe' && value.rows[2]).toEqual([int(3), str('z'), { kind: 'float', value: 2.5 }]);
  });

  it('reads a 2-D block (several columns in one Fortran-ordered array) with int column labels', async () => {
    const { value } = await preview('frame2d');
    expect(value).toMatchObject({ kind: 'dataframe', columns: [int(10), int(20)], dtypes: ['int64', 'int64'], rowCount: 3 });
    expect(value.kind === 'dataframe' && value.rows).toEqual([
      [int(0), int(1)],
      [int(2), int(3)],
      [int(4), int(5)],
    ]);
  });

  it('reads a MultiIndex', async () => {
    expect(toJson(decodePickle(await readPickle('multiindex')).value)).toEqual({
      columns: ['v'],
      index: [
        ['a', 1],
        ['a', 2],
        ['b', 1],
      ],
      data: [[10], [20], [30]],
    });
    const { value } = await preview('multiindex');
    expect(value.kind === 'dataframe' && value.index).toMatchObject({ className: 'pandas.core.indexes.multi.MultiIndex', length: 3 });
  });

  it('reads datetime columns and marks a Categorical as not decoded', async () => {
    const { value, complete } = await preview('frame_mixed');
    expect(complete).toBe(false);
    expect(value).toMatchObject({ kind: 'dataframe', dtypes: ['datetime64[ns]', 'category'] });
    expect(value.kind === 'dataframe' && value.rows[0]).toEqual([
      { kind: 'datetime', iso: '2024-01-01T00:00:00', tz: null },
      { kind: 'elided', reason: 'unavailable' },
    ]);
  });

  it('reads a Series with a DatetimeIndex and its name (the tuple-state SingleBlockManager)', async () => {
    const { value } = await preview('series');
    expect(value).toMatchObject({
      kind: 'series',
      name: str('price'),
      dtype: 'float64',
      length: 2,
      values: [
        { kind: 'float', value: 1.5 },
        { kind: 'float', value: 2.5 },
      ],
      index: { kind: 'index', className: 'pandas.core.indexes.datetimes.DatetimeIndex', dtype: 'datetime64[ns]', length: 2 },
    });
  });

  it('reads a tz-aware Timestamp', async () => {
    expect((await preview('timestamp')).value).toEqual({ kind: 'datetime', iso: '2024-01-01T10:00:00+00:00', tz: 'UTC' });
  });

  it('caps rows at maxItems', async () => {
    const { value, complete } = await preview('frame2d', 2);
    expect(complete).toBe(false);
    expect(value).toMatchObject({ kind: 'dataframe', rowCount: 3 });
    expect(value.kind === 'dataframe' && value.rows).toHaveLength(2);
  });
});
