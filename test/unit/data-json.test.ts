import { beforeAll, describe, expect, it } from 'vitest';
import { parseDataJson } from '../../electron/metaflow/data-json.js';
import { StratusError } from '../../shared/errors.js';
import { readFixtureBlobs } from '../harness/metaflow-fixture.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function expectCorrupt(bytes: Buffer, where = 'ds/F/1/start/1/0.data.json'): StratusError {
  const err = thrown(() => parseDataJson(bytes, where));
  expect(err).toBeInstanceOf(StratusError);
  const error = err as StratusError;
  expect(error.code).toBe('CORRUPT_DATA');
  // The user is told which blob is broken.
  expect(error.message).toContain(where);
  return error;
}

describe('parseDataJson with malformed input', () => {
  it.each([
    ['truncated JSON', '{"objects": {"x": "ab'],
    ['empty file', ''],
    ['not JSON at all', 'DONE'],
    ['a JSON empty string followed by junk', '"" x'],
  ])('rejects %s as CORRUPT_DATA', (_label, text) => {
    const error = expectCorrupt(Buffer.from(text));
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('rejects bytes that are not UTF-8 JSON', () => {
    expectCorrupt(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe]));
  });

  it.each([
    ['null', null],
    ['an array', [{ objects: {} }]],
    ['a string', 'objects'],
    ['no objects map', { datastore: 'azure', info: {} }],
    ['objects as an array', { objects: ['x', 'y'] }],
    ['a non-string sha', { objects: { x: 42 } }],
    ['a null sha', { objects: { x: null } }],
    ['info that is not a map', { objects: { x: 'ab' }, info: 'x' }],
    ['an info entry that is not an object', { objects: { x: 'ab' }, info: { x: 5 } }],
    ['a non-numeric size', { objects: { x: 'ab' }, info: { x: { size: 'big' } } }],
    ['a non-string type', { objects: { x: 'ab' }, info: { x: { type: 7 } } }],
  ])('rejects %s (wrong shape) as CORRUPT_DATA', (_label, value) => {
    const error = expectCorrupt(Buffer.from(JSON.stringify(value)));
    expect(error.message).toMatch(/shape/);
  });
});

describe('parseDataJson with what Metaflow wrote', () => {
  let dataJsons: [string, Buffer][] = [];

  beforeAll(async () => {
    const blobs = await readFixtureBlobs();
    dataJsons = [...blobs].filter(([name]) => /^ds\/[^/]+\/[^/]+\/[^/]+\/[^/]+\/\d+\.data\.json$/.test(name));
  });

  it('reads every fixture data.json: one entry per object, with its sha, size, type and encoding', () => {
    expect(dataJsons.length).toBeGreaterThan(0);
    for (const [name, bytes] of dataJsons) {
      const raw = JSON.parse(bytes.toString('utf8')) as {
        objects: Record<string, string>;
        info: Record<string, { size: number; type: string; encoding: string }>;
      };
      const entries = parseDataJson(bytes, name);
      expect(entries.map((e) => e.name).sort()).toEqual(Object.keys(raw.objects).sort());
      for (const entry of entries) {
        expect(entry.sha, `${name} ${entry.name}`).toBe(raw.objects[entry.name]);
        expect(entry.size).toBe(raw.info[entry.name].size);
        expect(entry.type).toBe(raw.info[entry.name].type);
        expect(entry.encoding).toBe(raw.info[entry.name].encoding);
      }
    }
  });

  it('lists artifacts in name order', () => {
    for (const [name, bytes] of dataJsons) {
      const names = parseDataJson(bytes, name).map((e) => e.name);
      expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });
});

describe('parseDataJson with older Metaflow data', () => {
  it('defaults a missing encoding to gzip+pickle-v2 and a missing info to unknown size and type', () => {
    const entries = parseDataJson(
      Buffer.from(JSON.stringify({ objects: { b: 'bb', a: 'aa' }, info: { a: { size: 3, type: "<class 'int'>" } } })),
      'x',
    );
    expect(entries).toEqual([
      { name: 'a', sha: 'aa', size: 3, type: "<class 'int'>", encoding: 'gzip+pickle-v2' },
      { name: 'b', sha: 'bb', size: null, type: null, encoding: 'gzip+pickle-v2' },
    ]);
  });

  it('treats a negative or fractional recorded size as unknown', () => {
    const entries = parseDataJson(Buffer.from(JSON.stringify({ objects: { a: 'aa', b: 'bb' }, info: { a: { size: -1 }, b: { size: 1.5 } } })), 'x');
    expect(entries.map((e) => e.size)).toEqual([null, null]);
  });
});
