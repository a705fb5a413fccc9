import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePickle } from '../../../electron/metaflow/pickle/decoder.js';
import { PickleError } from '../../../electron/metaflow/pickle/errors.js';
import { toJson } from '../../../electron/metaflow/pickle/json.js';
import { previewArtifact, type PreviewOptions } from '../../../electron/metaflow/pickle/preview.js';
import { readPickle } from './fixture-artifacts.js';

const OPTS: PreviewOptions = { encoding: 'pickle-v4', maxBytes: 1 << 20, maxItems: 100 };

async function rejection(blob: Buffer, opts: PreviewOptions = OPTS): Promise<PickleError> {
  const err: unknown = await previewArtifact(blob, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PickleError);
  return err as PickleError;
}

describe('blob handling', () => {
  it('detects gzip by its magic bytes and also reads a raw (cas_raw) pickle', async () => {
    const pickle = await readPickle('builtins.p4');
    const zipped = await previewArtifact(gzipSync(pickle), OPTS);
    const raw = await previewArtifact(pickle, OPTS);
    expect(zipped).toEqual(raw);
    expect(raw).toMatchObject({ complete: true, bytesRead: pickle.length, totalBytes: pickle.length });
  });

  it.each([undefined, '', 'pickle-v2', 'pickle-v4', 'gzip+pickle-v2', 'gzip+pickle-v4'])('accepts the Metaflow encoding %j', async (encoding) => {
    const preview = await previewArtifact(gzipSync(Buffer.from('\x80\x04K\x07.', 'latin1')), { ...OPTS, encoding });
    expect(preview.value).toEqual({ kind: 'int', value: 7, big: false });
  });

  it('refuses encodings that are not pickles', async () => {
    const err = await rejection(gzipSync(Buffer.from('{}')), { ...OPTS, encoding: 'iotype:json' });
    expect(err).toMatchObject({ reason: 'unsupported-encoding', message: 'artifacts encoded as "iotype:json" cannot be previewed (only Metaflow pickles can)' });
  });
});

describe('corrupt blobs give a clear message', () => {
  it('truncated gzip', async () => {
    const zipped = gzipSync(await readPickle('numpy'));
    const err = await rejection(zipped.subarray(0, zipped.length / 2));
    expect(err).toMatchObject({ reason: 'bad-gzip', message: 'the artifact blob is not valid gzip: unexpected end of file' });
  });

  it('gzip magic followed by garbage', async () => {
    const err = await rejection(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(err.reason).toBe('bad-gzip');
    expect(err.message).toMatch(/^the artifact blob is not valid gzip: /);
  });

  it('a pickle with an unknown opcode', async () => {
    const err = await rejection(gzipSync(Buffer.from([0x80, 0x04, 0xfe, 0x2e])));
    expect(err).toMatchObject({ reason: 'unknown-opcode', offset: 2, opcode: 0xfe, message: 'unknown pickle opcode 0xfe at offset 2' });
  });

  it('a truncated pickle in a complete gzip', async () => {
    const pickle = await readPickle('builtins.p4');
    const err = await rejection(gzipSync(pickle.subarray(0, 100)));
    expect(err).toMatchObject({ reason: 'truncated', message: 'the pickle is truncated at offset 100' });
  });

  it('0 bytes, and a gzip of 0 bytes', async () => {
    expect(await rejection(Buffer.alloc(0))).toMatchObject({ reason: 'empty', message: 'the artifact blob is empty (0 bytes), so there is no pickle to read' });
    expect(await rejection(gzipSync(Buffer.alloc(0)))).toMatchObject({ reason: 'empty' });
  });
});

describe('bounded previews', () => {
  it('reads only maxBytes of a long list and returns what it got', async () => {
    const pickle = await readPickle('long_list');
    const preview = await previewArtifact(pickle, { ...OPTS, maxBytes: 1000, maxItems: 10_000 });
    expect(preview.complete).toBe(false);
    expect(preview.bytesRead).toBeLessThanOrEqual(1000);
    expect(preview.totalBytes).toBe(pickle.length);
    expect(preview.value.kind).toBe('list');
    const items = preview.value.kind === 'list' ? preview.value.items : [];
    expect(items.length).toBeGreaterThan(100);
    expect(items.every((item, i) => item.kind === 'int' && item.value === i)).toBe(true);
  });

  it('shows maxItems of a list with its full length', async () => {
    const preview = await previewArtifact(gzipSync(await readPickle('long_list')), { ...OPTS, maxItems: 3 });
    expect(preview).toMatchObject({ complete: false, value: { kind: 'list', length: 5000, items: [{ value: 0 }, { value: 1 }, { value: 2 }] } });
  });

  it('shows the first elements of an array whose data was cut', async () => {
    const pickle = await readPickle('ndarray.numpy2');
    const data = Buffer.from(new Float32Array([0, 1, 2, 3, 4, 5]).buffer);
    const cut = pickle.indexOf(data) + 10; // two floats and half of the third
    const preview = await previewArtifact(pickle, { ...OPTS, maxBytes: cut });
    expect(preview.complete).toBe(false);
    expect(preview.value).toMatchObject({
      kind: 'ndarray',
      shape: [2, 3],
      size: 6,
      values: [
        { kind: 'float', value: 0 },
        { kind: 'float', value: 1 },
      ],
    });
  });

  it('puts big ints, NaN and Infinity in JSON-safe form', async () => {
    const preview = await previewArtifact(await readPickle('numpy'), OPTS);
    const text = JSON.stringify(preview);
    expect(JSON.parse(text)).toEqual(preview);
    expect(text).toContain('"value":"18446744073709551615","big":true');
    expect(text).toContain('"value":"nan"');
  });
});

describe('toJson', () => {
  it('marks what plain JSON cannot hold', async () => {
    const stdlib = toJson(decodePickle(await readPickle('stdlib.p4')).value) as Record<string, unknown>;
    expect(stdlib.thing).toEqual({ __class__: '__main__.Thing', name: 'thing', size: 3 });
    const value = decodePickle(Buffer.from('\x80\x04(C\x02hi\x8c\x03mod\x8c\x04func\x93Pref\n]\x94h\x00al.', 'latin1')).value;
    expect(toJson(value)).toEqual([{ __bytes__: 'aGk=' }, { __global__: 'mod.func' }, { __opaque__: 'persistent-id', detail: 'ref' }, [{ __cycle__: true }]]);
  });
});
