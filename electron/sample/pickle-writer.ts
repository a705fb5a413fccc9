// A small pickle protocol 4 ENCODER for synthetic Metaflow artifacts. It writes the opcodes CPython's
// C pickler writes for the same values (framing, memo, batching), so a value gets the same bytes, and so
// the same CAS sha, as Metaflow would give it: the fixture's `True`, `None`, `[]`, names and `_graph_info`
// blobs are reproduced byte for byte (see test/unit/generator.test.ts).

/** A Python float, for whole numbers that must not become ints (JS numbers that are not integers are floats anyway). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export class PyTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

/**
 * An instance of `module.name`: made by NEWOBJ (`cls.__new__(cls, *args)`, e.g. a namedtuple such as
 * `__main__.ForeachFrame`) or by REDUCE (`cls(*args)`), then given `state` by BUILD when there is one.
 */
export class PyInstance {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly args: readonly PickleValue[],
    readonly opts: { reduce?: boolean; state?: PickleValue } = {},
  ) {}
}

/** A class or function itself, not called: `numpy.ndarray` passed to `numpy.core.multiarray._reconstruct`. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}

/** JS integers (number or bigint) are Python ints; plain objects are dicts with str keys; Uint8Array is bytes. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyFloat
  | PyTuple
  | PyInstance
  | PyGlobal
  | readonly PickleValue[]
  | { readonly [key: string]: PickleValue };

const PROTO = 0x80;
const FRAME = 0x95;
const STOP = 0x2e;
const MARK = 0x28;
const NONE = 0x4e;
const NEWTRUE = 0x88;
const NEWFALSE = 0x89;
const BININT = 0x4a;
const BININT1 = 0x4b;
const BININT2 = 0x4d;
const LONG1 = 0x8a;
const LONG4 = 0x8b;
const BINFLOAT = 0x47;
const SHORT_BINUNICODE = 0x8c;
const BINUNICODE = 0x58;
const SHORT_BINBYTES = 0x43;
const BINBYTES = 0x42;
const EMPTY_LIST = 0x5d;
const APPEND = 0x61;
const APPENDS = 0x65;
const EMPTY_DICT = 0x7d;
const SETITEM = 0x73;
const SETITEMS = 0x75;
const EMPTY_TUPLE = 0x29;
const TUPLE = 0x74;
const TUPLE_N = [0, 0x85, 0x86, 0x87];
const STACK_GLOBAL = 0x93;
const NEWOBJ = 0x81;
const REDUCE = 0x52;
const BUILD = 0x62;
const MEMOIZE = 0x94;
const BINGET = 0x68;
const LONG_BINGET = 0x6a;

/** CPython's framing constants: frames of at least 4 bytes get a header; a frame is closed past 64 KiB. */
const FRAME_SIZE_MIN = 4;
const FRAME_SIZE_TARGET = 64 * 1024;
/** CPython writes list items and dict entries in batches of this many (MARK … APPENDS/SETITEMS). */
const BATCH_SIZE = 1000;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

class Encoder {
  private readonly done: Buffer[] = [];
  private frame = Buffer.allocUnsafe(256);
  private frameLength = 0;
  /** Strings are memoized by value (CPython memoizes by identity, and equal identifiers are interned). */
  private readonly strings = new Map<string, number>();
  private readonly objects = new Map<object, number>();
  private readonly globals = new Map<string, number>();
  private memoSize = 0;

  encode(value: PickleValue): Buffer {
    this.done.push(Buffer.from([PROTO, 4]));
    this.save(value);
    this.byte(STOP);
    this.commitFrame();
    return Buffer.concat(this.done);
  }

  private save(value: PickleValue): void {
    // The C pickler closes a full frame at each opcode boundary, before the next object.
    if (this.frameLength >= FRAME_SIZE_TARGET) this.commitFrame();
    if (value === null) this.byte(NONE);
    else if (typeof value === 'boolean') this.byte(value ? NEWTRUE : NEWFALSE);
    else if (typeof value === 'number') {
      if (Number.isInteger(value) && Number.isSafeInteger(value)) this.int(BigInt(value));
      else this.float(value);
    } else if (typeof value === 'bigint') this.int(value);
    else if (typeof value === 'string') this.str(value);
    else if (value instanceof Uint8Array) this.bytes(value);
    else if (value instanceof PyFloat) this.float(value.value);
    else if (this.memoized(value)) return;
    else if (value instanceof PyTuple) this.tuple(value);
    else if (value instanceof PyInstance) this.instance(value);
    else if (value instanceof PyGlobal) this.global(value.module, value.name);
    else if (Array.isArray(value)) this.list(value as readonly PickleValue[]);
    else this.dict(value as { readonly [key: string]: PickleValue });
  }

  private int(value: bigint): void {
    if (value >= 0n && value < 0x100n) this.bytesOf(BININT1, Number(value));
    else if (value >= 0n && value < 0x10000n) this.bytesOf(BININT2, Number(value & 0xffn), Number(value >> 8n));
    else if (value >= BigInt(INT32_MIN) && value <= BigInt(INT32_MAX)) {
      const b = Buffer.allocUnsafe(5);
      b[0] = BININT;
      b.writeInt32LE(Number(value), 1);
      this.write(b);
    } else {
      const encoded = encodeLong(value);
      if (encoded.length < 256) this.bytesOf(LONG1, encoded.length);
      else this.write(withLength(LONG4, encoded.length));
      this.write(encoded);
    }
  }

  private float(value: number): void {
    const b = Buffer.allocUnsafe(9);
    b[0] = BINFLOAT;
    b.writeDoubleBE(value, 1);
    this.write(b);
  }

  private str(value: string): void {
    const known = this.strings.get(value);
    if (known !== undefined) return this.get(known);
    const encoded = Buffer.from(value, 'utf8');
    if (encoded.length < 256) {
      this.bytesOf(SHORT_BINUNICODE, encoded.length);
      this.write(encoded);
    } else this.sized(withLength(BINUNICODE, encoded.length), encoded);
    this.strings.set(value, this.memoize());
  }

  private bytes(value: Uint8Array): void {
    if (this.memoized(value)) return;
    const payload = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    if (payload.length < 256) {
      this.bytesOf(SHORT_BINBYTES, payload.length);
      this.write(payload);
    } else this.sized(withLength(BINBYTES, payload.length), payload);
    this.objects.set(value, this.memoize());
  }

  private tuple(value: PyTuple): void {
    const n = value.items.length;
    // The empty tuple is a singleton that CPython does not memoize.
    if (n === 0) return this.byte(EMPTY_TUPLE);
    if (n <= 3) {
      for (const item of value.items) this.save(item);
      this.byte(TUPLE_N[n]);
    } else {
      this.byte(MARK);
      for (const item of value.items) this.save(item);
      this.byte(TUPLE);
    }
    this.objects.set(value, this.memoize());
  }

  private list(value: readonly PickleValue[]): void {
    this.byte(EMPTY_LIST);
    this.objects.set(value, this.memoize());
    this.batches(value, (item) => this.save(item), APPEND, APPENDS);
  }

  private dict(value: { readonly [key: string]: PickleValue }): void {
    this.byte(EMPTY_DICT);
    this.objects.set(value, this.memoize());
    const save = ([key, item]: [string, PickleValue]) => {
      this.save(key);
      this.save(item);
    };
    this.batches(Object.entries(value), save, SETITEM, SETITEMS);
  }

  private batches<T>(items: readonly T[], save: (item: T) => void, one: number, many: number): void {
    for (let start = 0; start < items.length; start += BATCH_SIZE) {
      const batch = items.slice(start, start + BATCH_SIZE);
      if (batch.length === 1) {
        save(batch[0]);
        this.byte(one);
      } else {
        this.byte(MARK);
        batch.forEach(save);
        this.byte(many);
      }
    }
  }

  private global(module: string, name: string): void {
    const key = `${module}\0${name}`;
    const known = this.globals.get(key);
    if (known !== undefined) this.get(known);
    else {
      this.save(module);
      this.save(name);
      this.byte(STACK_GLOBAL);
      this.globals.set(key, this.memoize());
    }
  }

  private instance(value: PyInstance): void {
    this.global(value.module, value.name);
    this.save(new PyTuple(value.args));
    this.byte(value.opts.reduce === true ? REDUCE : NEWOBJ);
    this.objects.set(value, this.memoize());
    if (value.opts.state !== undefined) {
      this.save(value.opts.state);
      this.byte(BUILD);
    }
  }

  private memoized(value: object): boolean {
    const known = this.objects.get(value);
    if (known === undefined) return false;
    this.get(known);
    return true;
  }

  private memoize(): number {
    this.byte(MEMOIZE);
    return this.memoSize++;
  }

  private get(index: number): void {
    if (index < 256) this.bytesOf(BINGET, index);
    else this.write(withLength(LONG_BINGET, index));
  }

  /** A str or bytes opcode with its payload; a payload past the frame target is written outside any frame, as CPython does. */
  private sized(header: Buffer, payload: Buffer): void {
    if (payload.length < FRAME_SIZE_TARGET) {
      this.write(header);
      this.write(payload);
      return;
    }
    this.commitFrame();
    this.done.push(header, payload);
  }

  private byte(op: number): void {
    this.bytesOf(op);
  }

  private bytesOf(...values: number[]): void {
    this.reserve(values.length);
    for (const v of values) this.frame[this.frameLength++] = v;
  }

  private write(data: Buffer): void {
    this.reserve(data.length);
    data.copy(this.frame, this.frameLength);
    this.frameLength += data.length;
  }

  private reserve(n: number): void {
    if (this.frameLength + n <= this.frame.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.frame.length * 2, this.frameLength + n));
    this.frame.copy(bigger, 0, 0, this.frameLength);
    this.frame = bigger;
  }

  private commitFrame(): void {
    if (this.frameLength === 0) return;
    const data = Buffer.from(this.frame.subarray(0, this.frameLength));
    if (data.length >= FRAME_SIZE_MIN) {
      const header = Buffer.alloc(9);
      header[0] = FRAME;
      header.writeBigUInt64LE(BigInt(data.length), 1);
      this.done.push(header);
    }
    this.done.push(data);
    this.frameLength = 0;
  }
}

function withLength(op: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(5);
  b[0] = op;
  b.writeUInt32LE(length, 1);
  return b;
}

/** Python's `pickle.encode_long`: the shortest little-endian two's complement. */
function encodeLong(value: bigint): Buffer {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const bits = magnitude.toString(2).length;
  let length = (bits >> 3) + 1;
  const twos = negative ? (1n << BigInt(length * 8)) + value : value;
  let bytes = Buffer.from(twos.toString(16).padStart(length * 2, '0'), 'hex').reverse();
  // Like CPython: drop a redundant 0xff sign byte of a negative number.
  if (negative && length > 1 && bytes[length - 1] === 0xff && (bytes[length - 2] & 0x80) !== 0) {
    length -= 1;
    bytes = bytes.subarray(0, length);
  }
  return bytes;
}

/** `pickle.dumps(value, protocol=4)` as CPython writes it. */
export function pickle(value: PickleValue): Buffer {
  return new Encoder().encode(value);
}
