import { describe, expect, it } from 'vitest';
import { decodePickle } from '../../../electron/metaflow/pickle/decoder.js';
import { PickleError } from '../../../electron/metaflow/pickle/errors.js';
import { toJson } from '../../../electron/metaflow/pickle/json.js';
import { renderValue } from '../../../electron/metaflow/pickle/render.js';
import type { PyValue } from '../../../electron/metaflow/pickle/value.js';
import { readPickle } from './fixture-artifacts.js';

/** Pickle bytes from pieces: strings are taken byte for byte (latin-1), numbers are single bytes. */
function pk(...parts: (string | number | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

function decode(bytes: Buffer): PyValue {
  return decodePickle(bytes).value;
}

function json(bytes: Buffer): unknown {
  return toJson(decode(bytes));
}

function pickleError(fn: () => unknown): PickleError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PickleError);
    return err as PickleError;
  }
  throw new Error('expected a PickleError');
}

const BUILTINS = {
  int: 42,
  neg: -7,
  i2: 300,
  i4: 100000,
  big: (2n ** 80n).toString(),
  negbig: (-(2n ** 70n)).toString(),
  float: 1.5,
  inf: 'Infinity',
  str: 'héllo ✓',
  bytes: { __bytes__: Buffer.from([0, 0xff, 0x61, 0x62]).toString('base64') },
  bytearray: { __bytes__: Buffer.from('xy').toString('base64') },
  list: [1, [2, 3]],
  t0: [],
  t1: [1],
  t2: [1, 2],
  t3: [1, 2, 3],
  t4: [1, 2, 3, 4],
  set: [1, 2],
  frozenset: [3],
  none: null,
  true: true,
  false: false,
  complex: { real: 1, imag: 2 },
  intkeys: [
    [1, 'one'],
    [[1, 2], 'pair'],
  ],
  s1: [1],
  s2: [1],
};

describe('CPython pickles of every protocol', () => {
  it.each([0, 1, 2, 3, 4, 5])('protocol %i decodes to the same values', async (protocol) => {
    const bytes = await readPickle(`builtins.p${protocol}`);
    const result = decodePickle(bytes);
    expect(result).toMatchObject({ complete: true, bytesRead: bytes.length });
    expect(toJson(result.value)).toEqual(BUILTINS);
  });

  it.each([0, 4])('protocol %i keeps the kinds: tuple, set, frozenset, bytearray, exact big ints', async (protocol) => {
    const preview = renderValue(decode(await readPickle(`builtins.p${protocol}`)), { maxItems: 100, maxDepth: 10, maxNodes: 1000 }).value;
    const get = (key: string) => (preview.kind === 'dict' ? preview.entries.find((e) => e.key.kind === 'str' && e.key.value === key)?.value : undefined);
    expect(get('t2')?.kind).toBe('tuple');
    expect(get('set')).toMatchObject({ kind: 'set', frozen: false });
    expect(get('frozenset')).toMatchObject({ kind: 'set', frozen: true });
    expect(get('bytearray')).toMatchObject({ kind: 'bytes', mutable: true });
    expect(get('bytes')).toMatchObject({ kind: 'bytes', mutable: false });
    expect(get('big')).toEqual({ kind: 'int', value: '1208925819614629174706176', big: true });
    expect(get('int')).toEqual({ kind: 'int', value: 42, big: false });
  });

  it('shares memoized values instead of copying them', async () => {
    const value = decode(await readPickle('builtins.p4'));
    const entry = (key: string) => (value.kind === 'dict' ? value.entries.find(([k]) => k.kind === 'str' && k.value === key)?.[1] : undefined);
    expect(entry('s1')).toBeDefined();
    expect(entry('s1')).toBe(entry('s2'));
  });

  it('decodes self-referencing containers without hanging', async () => {
    const value = decode(await readPickle('recursive'));
    const list = value.kind === 'dict' ? value.entries[0][1] : undefined;
    expect(list?.kind === 'list' && list.items[1]).toBe(list);
    expect(toJson(value)).toEqual({ list: [1, { __cycle__: true }], dict: { self: { __cycle__: true } } });
  });
});

describe('opcodes CPython 3 no longer writes', () => {
  it('reads Python 2 text pickles: STRING with escapes, INT, LONG, FLOAT, DICT, PUT/GET', () => {
    const bytes = pk("(dp0\nS'a'\np1\nI1\nsS'b\\'\\n'\np2\nS'\\xff\\x00'\np3\nsS'c'\nL12345678901234567890L\nsS'd'\nF-inf\nsS'e'\nI01\nsS'f'\ng1\ns.");
    expect(json(bytes)).toEqual({ a: 1, "b'\n": { __bytes__: Buffer.from([0xff, 0]).toString('base64') }, c: '12345678901234567890', d: '-Infinity', e: true, f: 'a' });
  });

  it('reads BINSTRING, SHORT_BINSTRING and UNICODE escapes', () => {
    expect(json(pk('(T', u32(3), 'abcU\x02hiV\\u20ac \\U0001f680\nl.'))).toEqual(['abc', 'hi', '€ 🚀']);
  });

  it('keeps INST and OBJ instances of unknown classes, with their BUILD state', () => {
    const inst = decode(pk("(I5\ni__main__\nOld\n(dp0\nS'x'\nI1\nsb."));
    expect(inst).toMatchObject({ kind: 'object', module: '__main__', name: 'Old', via: 'new', args: [{ kind: 'int', value: 5 }] });
    expect(json(pk("(I5\ni__main__\nOld\n(dp0\nS'x'\nI1\nsb."))).toEqual({ __class__: '__main__.Old', __args__: [5], x: 1 });
    expect(decode(pk('(c__main__\nK\nK\x07o.'))).toMatchObject({ kind: 'object', name: 'K', args: [{ kind: 'int', value: 7 }] });
  });

  it('reads NEWOBJ_EX keyword arguments', () => {
    const value = decode(pk('\x80\x04\x8c\x03mod\x8c\x03Cls\x93)}\x8c\x01aK\x01s\x92.'));
    expect(value).toMatchObject({ kind: 'object', module: 'mod', name: 'Cls', kwargs: [[{ kind: 'str', value: 'a' }, { kind: 'int', value: 1 }]] });
  });

  it('reads 8-byte lengths, LONG4 and empty LONG1', () => {
    expect(json(pk('\x80\x04(\x8d', u64(2), 'ok\x8e', u64(1), 'z\x96', u64(1), 'y\x8a\x00\x8b', u32(2), '\xff\xfft.'))).toEqual([
      'ok',
      { __bytes__: 'eg==' },
      { __bytes__: 'eQ==' },
      0,
      -1,
    ]);
    const big = decode(pk('\x8b', u32(9), Buffer.alloc(8), '\x01.'));
    expect(big).toEqual({ kind: 'int', value: 2n ** 64n });
  });

  it('POP, POP_MARK and DUP', () => {
    expect(json(pk('K\x01K\x020.'))).toBe(1);
    expect(json(pk('K\x01(K\x02K\x031.'))).toBe(1);
    const self = decode(pk(']2a.'));
    expect(self.kind === 'list' && self.items[0]).toBe(self);
  });

  it('LONG_BINPUT / LONG_BINGET and FRAME', () => {
    const value = decode(pk('\x80\x04\x95', u64(13), ']r', u32(300), 'j', u32(300), 'a.'));
    expect(value.kind === 'list' && value.items[0]).toBe(value);
  });

  it('keeps persistent ids, extension codes and out-of-band buffers as opaque values', () => {
    expect(decode(pk('Pid-1\n.'))).toEqual({ kind: 'opaque', what: 'persistent-id', detail: 'id-1' });
    expect(decode(pk('X', u32(3), 'abcQ.'))).toEqual({ kind: 'opaque', what: 'persistent-id', detail: 'abc' });
    expect(decode(pk('\x82\x05.'))).toEqual({ kind: 'opaque', what: 'extension', detail: 'code 5' });
    expect(decode(pk('\x83\x00\x01.'))).toEqual({ kind: 'opaque', what: 'extension', detail: 'code 256' });
    expect(decode(pk('\x84', u32(70000), '.'))).toEqual({ kind: 'opaque', what: 'extension', detail: 'code 70000' });
    expect(decode(pk('\x80\x05\x97\x98.'))).toMatchObject({ kind: 'opaque', what: 'out-of-band-buffer' });
  });
});

describe('broken pickles fail with a PickleError', () => {
  it('names an unknown opcode and its offset', () => {
    const err = pickleError(() => decode(pk('\x80\x04\xff.')));
    expect(err).toMatchObject({ reason: 'unknown-opcode', offset: 2, opcode: 0xff });
    expect(err.message).toBe('unknown pickle opcode 0xff at offset 2');
  });

  it.each([
    ['inside a length-prefixed string', pk('\x80\x04X', u32(16), 'abc'), 10],
    ['before STOP', pk('\x80\x04N'), 3],
    ['inside an operand', pk('\x80\x04J\x01\x02'), 5],
    ['inside a text argument', pk('I12'), 3],
  ])('reports truncation %s', (_label, bytes, offset) => {
    const err = pickleError(() => decode(bytes));
    expect(err).toMatchObject({ reason: 'truncated', offset });
    expect(err.message).toBe(`the pickle is truncated at offset ${offset}`);
  });

  it('says an empty input is empty', () => {
    expect(pickleError(() => decode(Buffer.alloc(0)))).toMatchObject({ reason: 'empty', message: expect.stringMatching(/empty \(0 bytes\)/) });
  });

  it.each([
    ['a memo key that was never stored', pk('h\x05.'), /memo key 5 was never stored \(BINGET at offset 0\)/],
    ['a stack underflow', pk('a.'), /stack underflow \(APPEND at offset 0\)/],
    ['an APPEND to a tuple', pk(')K\x01a.'), /cannot append to a tuple/],
    ['a BUILD on a dict', pk('}}b.'), /cannot BUILD a dict/],
    ['a protocol from the future', pk('\x80\x09N.'), /unsupported pickle protocol 9/],
    ['STACK_GLOBAL without strings', pk('K\x01K\x02\x93.'), /STACK_GLOBAL needs two strings/],
    ['an unquoted STRING', pk('Sabc\n.'), /must be quoted/],
    ['a bad INT', pk('I1x\n.'), /invalid INT argument/],
    ['a MARK that is missing', pk('t.'), /no MARK on the stack/],
    ['an odd SETITEMS', pk('}(K\x01u.'), /odd number of items/],
  ])('rejects %s as malformed', (_label, bytes, message) => {
    const err = pickleError(() => decode(bytes));
    expect(err.reason).toBe('malformed');
    expect(err.message).toMatch(message);
  });
});

describe('bounded decoding', () => {
  it('keeps maxItems children of a list and counts the rest', async () => {
    const result = decodePickle(await readPickle('long_list'), { maxItems: 10 });
    expect(result.complete).toBe(false);
    expect(result.value).toMatchObject({ kind: 'list', length: 5000 });
    expect(result.value.kind === 'list' && result.value.items.map((i) => (i.kind === 'int' ? i.value : -1))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('returns the list built so far when a partial buffer ends', async () => {
    const bytes = await readPickle('long_list');
    const result = decodePickle(bytes.subarray(0, 3000), { partial: true });
    expect(result.complete).toBe(false);
    expect(result.value.kind).toBe('list');
    const items = result.value.kind === 'list' ? result.value.items : [];
    expect(items.length).toBeGreaterThan(500);
    expect(items.every((item, i) => item.kind === 'int' && item.value === i)).toBe(true);
  });

  it('cuts a partial str at a character boundary', () => {
    const text = 'é'.repeat(50);
    const bytes = pk('\x80\x04X', u32(Buffer.byteLength(text)), Buffer.from(text).subarray(0, 15));
    const value = decodePickle(bytes, { partial: true }).value;
    expect(value).toEqual({ kind: 'str', value: 'é'.repeat(7), byteLength: 100, truncated: true });
  });

  it('never throws anything but a PickleError on any prefix or corruption of real pickles', async () => {
    const samples = await Promise.all(['builtins.p0', 'builtins.p2', 'builtins.p4', 'stdlib.p0', 'stdlib.p4', 'numpy', 'series', 'multiindex'].map(readPickle));
    const limits = { maxItems: 20, maxDepth: 20, maxNodes: 5000 };
    const attempt = (bytes: Buffer, partial: boolean) => {
      try {
        renderValue(decodePickle(bytes, { partial, maxItems: 20 }).value, limits);
      } catch (err) {
        if (!(err instanceof PickleError)) throw err;
      }
    };
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const sample of samples) {
      for (let n = 1; n < sample.length; n += 3) {
        attempt(sample.subarray(0, n), true);
        attempt(sample.subarray(0, n), false);
      }
      for (let i = 0; i < 300; i++) {
        const corrupt = Buffer.from(sample);
        corrupt[Math.floor(random() * corrupt.length)] = Math.floor(random() * 256);
        attempt(corrupt, false);
      }
    }
  });
});

describe('hostile shapes', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('takes a GLOBAL module or class named %s as a plain name', (name) => {
    const limits = { maxItems: 10, maxDepth: 50, maxNodes: 10_000 };
    // `<name>.<name>(1)`, then a tuple subclass `<name>.<name>.__new__(cls, 2)`, each decoded and rendered.
    const reduced = pk(`c${name}\n${name}\n(K\x01tR.`);
    expect(decode(reduced)).toMatchObject({ kind: 'object', module: name, name });
    expect(renderValue(decode(reduced), limits).value).toMatchObject({ kind: 'object', className: `${name}.${name}` });
    expect(json(reduced)).toEqual({ __class__: `${name}.${name}`, __args__: [1] });
    const record = pk(`\x80\x02c${name}\n${name}\nK\x02\x85\x81.`);
    expect(renderValue(decode(record), limits).value).toMatchObject({ kind: 'record', className: `${name}.${name}`, fields: [{ name: null }] });
  });

  it('keeps an object field named __proto__ as a field', () => {
    expect(json(pk("(c__main__\nK\no}S'__proto__'\n}S'x'\nK\x01ssb."))).toEqual({ __class__: '__main__.K', ['__proto__']: { x: 1 } });
  });

  it('elides nesting deeper than maxDepth instead of overflowing the stack', () => {
    const depth = 100_000;
    const bytes = pk(']'.repeat(depth + 1), 'a'.repeat(depth), '.');
    const { value, complete } = renderValue(decode(bytes), { maxItems: 10, maxDepth: 50, maxNodes: 10_000 });
    expect(complete).toBe(false);
    let node = value;
    for (let i = 0; i < 50; i++) node = node.kind === 'list' ? node.items[0] : node;
    expect(node).toEqual({ kind: 'elided', reason: 'depth' });
  });

  it('stops a shared-reference blowup at maxNodes', () => {
    // L0 = []; Li = [L(i-1), L(i-1)]: 2**40 paths through 41 lists.
    const parts: (string | number)[] = [']', '\x94'];
    for (let i = 1; i <= 40; i++) parts.push(']', '\x94', '(', 'h', i - 1, 'h', i - 1, 'e');
    parts.push('.');
    const { complete } = renderValue(decode(pk(...parts)), { maxItems: 10, maxDepth: 100, maxNodes: 10_000 });
    expect(complete).toBe(false);
  });
});
