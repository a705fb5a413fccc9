import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePickle } from '../../../electron/metaflow/pickle/decoder.js';
import { toJson } from '../../../electron/metaflow/pickle/json.js';
import { previewArtifact } from '../../../electron/metaflow/pickle/preview.js';
import type { PreviewValue } from '../../../shared/preview-types.js';
import { FixtureArtifacts, fullPreview } from './fixture-artifacts.js';

// The real artifacts Metaflow wrote in the shared fixture (see flows/*.py for what was pickled).

let fx: FixtureArtifacts;
let typesRuns: string[];

beforeAll(async () => {
  fx = await FixtureArtifacts.load();
  typesRuns = fx.runs('ArtifactTypesFlow');
});

async function startValue(name: string, run = typesRuns[0]): Promise<PreviewValue> {
  return fullPreview(fx.artifact('ArtifactTypesFlow', run, 'start', '1', name));
}

async function startJson(name: string): Promise<unknown> {
  const { blob } = fx.artifact('ArtifactTypesFlow', typesRuns[0], 'start', '1', name);
  return toJson(decodePickle(gunzipSync(blob)).value);
}

/** Task ids of a step, in order, from the fixture's listing. */
function tasks(flow: string, run: string, step: string): string[] {
  const ids = new Set<string>();
  for (const name of fx.blobs.keys()) {
    const m = new RegExp(`^ds/${flow}/${run}/${step}/([^/]+)/`).exec(name);
    if (m) ids.add(m[1]);
  }
  return [...ids].sort((a, b) => Number(a) - Number(b));
}

describe('every CAS blob of the fixture', () => {
  it('decodes completely, with no opcode left over', () => {
    const names = fx.casBlobs();
    expect(names.length).toBe(117);
    for (const name of names) {
      const pickle = gunzipSync(fx.blobs.get(name) ?? Buffer.alloc(0));
      const decoded = decodePickle(pickle);
      expect(decoded.complete, name).toBe(true);
      expect(decoded.bytesRead, name).toBe(pickle.length);
    }
  });

  it('previews as JSON that survives a round trip (what crosses IPC)', async () => {
    for (const name of fx.casBlobs()) {
      const preview = await previewArtifact(fx.blobs.get(name) ?? Buffer.alloc(0), { encoding: 'pickle-v4', maxBytes: 1 << 20, maxItems: 50 });
      expect(JSON.parse(JSON.stringify(preview)), name).toEqual(preview);
    }
  });
});

describe('ArtifactTypesFlow artifacts', () => {
  it.each([
    ['an_int', 42],
    ['a_float', 3.14159],
    ['a_str', 'plain ascii string'],
    ['a_unicode', 'héllo wörld ✓ 日本語 🚀'],
    ['a_list', [1, 'two', 3.0, null, [4, 5]]],
    ['nested_dict', { name: 'nested', values: [1, 2, 3], inner: { deep: { deeper: true, n: null } } }],
    ['nothing', null],
    ['flag_true', true],
    ['flag_false', false],
    ['empty_list', []],
    ['empty_str', ''],
  ])('%s decodes to the value the flow set', async (name, expected) => {
    expect(await startJson(name)).toEqual(expected);
  });

  it('keeps the kinds JSON would blur: tuple, set, bytes, float', async () => {
    expect(await startValue('a_tuple')).toEqual({
      kind: 'tuple',
      length: 3,
      items: [
        { kind: 'int', value: 1, big: false },
        { kind: 'str', value: 'a', byteLength: 1, truncated: false },
        { kind: 'float', value: 2.5 },
      ],
    });
    const set = await startValue('a_set');
    expect(set.kind === 'set' && set.items.map((i) => (i.kind === 'str' ? i.value : '')).sort()).toEqual(['x', 'y', 'z']);
    expect(set).toMatchObject({ frozen: false, length: 3 });
    const bytes = await startValue('some_bytes');
    expect(bytes).toMatchObject({ kind: 'bytes', length: 10, truncated: false, mutable: false });
    expect(bytes.kind === 'bytes' && Buffer.from(bytes.base64, 'base64')).toEqual(Buffer.from('\x00\x01\x02binary\xff', 'latin1'));
    expect(await startValue('a_float')).toEqual({ kind: 'float', value: 3.14159 });
  });

  it('decodes datetimes, naive and UTC, and the date', async () => {
    expect(await startValue('when')).toEqual({ kind: 'datetime', iso: '2024-05-17T12:30:45.123456', tz: null });
    expect(await startValue('when_tz')).toEqual({ kind: 'datetime', iso: '2024-05-17T12:30:45+00:00', tz: 'UTC' });
    expect(await startValue('today')).toEqual({ kind: 'date', iso: '2024-05-17' });
  });

  it('keeps 2**80 exact', async () => {
    expect(await startValue('big_int')).toEqual({ kind: 'int', value: (2n ** 80n).toString(), big: true });
  });

  it('reads the numpy array: dtype, shape and values 0..11', async () => {
    expect(await startValue('np_array')).toEqual({
      kind: 'ndarray',
      dtype: 'float64',
      typestr: '<f8',
      shape: [3, 4],
      order: 'C',
      size: 12,
      values: Array.from({ length: 12 }, (_, i) => ({ kind: 'float', value: i })),
    });
  });

  it('reads the pandas DataFrame: columns, dtypes, index and rows', async () => {
    const df = await startValue('df');
    expect(df).toMatchObject({ kind: 'dataframe', dtypes: ['int64', 'object', 'float64'], columnCount: 3, rowCount: 3 });
    expect(await startJson('df')).toEqual({
      columns: ['a', 'b', 'c'],
      index: [0, 1, 2],
      data: [
        [1, 'x', 0.5],
        [2, 'y', 1.5],
        [3, 'z', 2.5],
      ],
    });
    expect(df.kind === 'dataframe' && df.index.range).toEqual({ start: 0, stop: 3, step: 1 });
  });

  it('adds the process step’s item to a_list', async () => {
    const { blob } = fx.artifact('ArtifactTypesFlow', typesRuns[0], 'process', '2', 'a_list');
    expect(toJson(decodePickle(gunzipSync(blob)).value)).toEqual([1, 'two', 3.0, null, [4, 5], 'appended in process']);
  });

  it.each([
    [0, { alpha: 7, label: 'fixture', ratio: 0.25 }],
    [1, { alpha: 3, label: 'second run ✓', ratio: 1.5 }],
  ])('has the parameters of run #%i in _parameters', async (runIndex, expected) => {
    const run = typesRuns[runIndex];
    const values = Object.fromEntries(
      (['alpha', 'label', 'ratio'] as const).map((p) => {
        const { blob } = fx.artifact('ArtifactTypesFlow', run, '_parameters', '0', p);
        return [p, toJson(decodePickle(gunzipSync(blob)).value)];
      }),
    );
    expect(values).toEqual(expected);
  });
});

describe('big_blob (8 MiB of bytes)', () => {
  /** The flow's deterministic content: sha256 chained from the seed, 32 bytes at a time. */
  function expectedBlob(bytes: number): Buffer {
    const chunks: Buffer[] = [];
    let seed = Buffer.from('metaflow-fixture');
    for (let i = 0; i < Math.ceil(bytes / 32); i++) {
      seed = createHash('sha256').update(seed).digest();
      chunks.push(seed);
    }
    return Buffer.concat(chunks).subarray(0, bytes);
  }

  it('previews as a prefix with the total length, reading only about maxBytes', async () => {
    const { blob, encoding } = fx.artifact('ArtifactTypesFlow', typesRuns[0], 'start', '1', 'big_blob');
    const preview = await previewArtifact(blob, { encoding, maxBytes: 4096, maxItems: 100 });
    expect(preview.complete).toBe(false);
    expect(preview.totalBytes).toBe(8388608 + 9);
    expect(preview.bytesRead).toBe(4096);
    expect(preview.value).toMatchObject({ kind: 'bytes', length: 8388608, truncated: true });
    const prefix = preview.value.kind === 'bytes' ? Buffer.from(preview.value.base64, 'base64') : Buffer.alloc(0);
    // 4096 bytes of stream minus the pickle's header: PROTO 4, BINBYTES + 4-byte length.
    expect(prefix.length).toBe(4096 - 7);
    expect(prefix).toEqual(expectedBlob(prefix.length));
  });

  it('decodes all of it when asked to', async () => {
    const { blob, encoding } = fx.artifact('ArtifactTypesFlow', typesRuns[1], 'start', '1', 'big_blob');
    const preview = await previewArtifact(blob, { encoding, maxBytes: Infinity, maxItems: 100 });
    expect(preview.complete).toBe(true);
    expect(preview.value).toMatchObject({ kind: 'bytes', length: 8388608, truncated: false });
    const all = preview.value.kind === 'bytes' ? Buffer.from(preview.value.base64, 'base64') : Buffer.alloc(0);
    expect(all.equals(expectedBlob(8388608))).toBe(true);
  });
});

describe('Metaflow internals', () => {
  it('decodes _foreach_stack of every foreach split although __main__.ForeachFrame is unknown', async () => {
    const [run] = fx.runs('ForeachFlow');
    const work = tasks('ForeachFlow', run, 'work');
    expect(work).toHaveLength(5);
    for (const [i, task] of work.entries()) {
      const stack = await fullPreview(fx.artifact('ForeachFlow', run, 'work', task, '_foreach_stack'));
      expect(stack).toEqual({
        kind: 'list',
        length: 1,
        items: [
          {
            kind: 'record',
            className: '__main__.ForeachFrame',
            fields: [
              { name: 'step', value: { kind: 'str', value: 'work', byteLength: 4, truncated: false } },
              { name: 'var', value: { kind: 'str', value: 'items', byteLength: 5, truncated: false } },
              { name: 'num_splits', value: { kind: 'int', value: 5, big: false } },
              { name: 'index', value: { kind: 'int', value: i, big: false } },
              { name: 'value', value: { kind: 'str', value: `item-${i}`, byteLength: 6, truncated: false } },
            ],
          },
        ],
      });
    }
  });

  it('decodes the _exception of the failed attempt of flaky, and None on the retry', async () => {
    const [okRun] = fx.runs('RetryFlow');
    const [flaky] = tasks('RetryFlow', okRun, 'flaky');
    const failed = await fullPreview(fx.artifact('RetryFlow', okRun, 'flaky', flaky, '_exception', 0));
    expect(failed).toMatchObject({ kind: 'exception', type: 'builtins.RuntimeError', message: 'transient failure on attempt 0' });
    expect(failed.kind === 'exception' && failed.traceback).toMatch(/^Traceback \(most recent call last\):\n[\s\S]*retry_flow\.py", line \d+, in flaky\n/);
    expect(await fullPreview(fx.artifact('RetryFlow', okRun, 'flaky', flaky, '_exception', 1))).toEqual({ kind: 'none' });
  });

  it('decodes the _exception of doomed in the failing run', async () => {
    const failingRun = fx.runs('RetryFlow')[1];
    const [doomed] = tasks('RetryFlow', failingRun, 'doomed');
    const error = await fullPreview(fx.artifact('RetryFlow', failingRun, 'doomed', doomed, '_exception'));
    expect(error).toMatchObject({ kind: 'exception', type: 'builtins.ValueError', message: 'permanent failure requested by always_fail' });
    expect(error.kind === 'exception' && error.traceback).toContain('raise ValueError("permanent failure requested by always_fail")');
  });

  it('decodes _graph_info to a dict with the steps and the graph structure', async () => {
    const info = (await startJson('_graph_info')) as Record<string, unknown>;
    expect(info).toMatchObject({ start_step: 'start', end_step: 'end', file: 'artifact_types_flow.py', graph_structure: ['start', 'process', 'end'] });
    const steps = info.steps as Record<string, Record<string, unknown>>;
    expect(Object.keys(steps).sort()).toEqual(['end', 'process', 'start']);
    expect(steps.start).toMatchObject({ name: 'start', type: 'start', next: ['process'] });
    const [foreachRun] = fx.runs('ForeachFlow');
    const { blob } = fx.artifact('ForeachFlow', foreachRun, 'start', '1', '_graph_info');
    expect(toJson(decodePickle(gunzipSync(blob)).value)).toMatchObject({ graph_structure: ['start', [['work']], 'join', 'end'] });
  });
});
