import { PickleError } from './errors.js';
import { Op } from './opcodes.js';
import { ByteReader } from './reader.js';
import { PickleStack } from './pickle-stack.js';
import { parseFloatLine, parseIntLine, parseLongLine, parseStringLine, parseUnicodeLine } from './text-args.js';
import { NONE, type PyInt, type PyValue } from './value.js';

// Why our own pickle reader: the npm pickle parsers (pickleparser, jpickle) build JS objects by
// calling registered constructors, and either fail on globals they do not know or drop them.
// Metaflow artifacts are full of classes nobody registered (`__main__.ForeachFrame`, user classes,
// pandas internals), and a preview must cap its work by bytes for multi-GB artifacts. So this is
// a symbolic pickle VM: it never executes or imports anything, keeps every unknown class as data
// (see value.ts), and interpret.ts understands the numpy/pandas/Metaflow reductions without their code.

export interface DecodeOptions {
  /** Keep at most this many children per list/dict/set; the rest is counted but dropped. */
  maxItems?: number;
  /**
   * The buffer holds only the start of the pickle: instead of failing where it ends, return the
   * value under construction (lists, dicts and a pending BUILD get what was read so far).
   */
  partial?: boolean;
}

export interface DecodeResult {
  value: PyValue;
  /** STOP was reached and no container was capped. */
  complete: boolean;
  /** Bytes of pickle consumed (up to and including STOP). */
  bytesRead: number;
  /** STOP was reached: a partial decode that did not get there would go further with more bytes. */
  stopped: boolean;
}

const HIGHEST_PROTOCOL = 5;

// Immutable leaves that pickles repeat a lot, shared to spare the garbage collector.
const TRUE: PyValue = { kind: 'bool', value: true };
const FALSE: PyValue = { kind: 'bool', value: false };
const SMALL_INTS: PyValue[] = Array.from({ length: 256 }, (_, value) => ({ kind: 'int', value }));

export function decodePickle(data: Buffer, opts: DecodeOptions = {}): DecodeResult {
  if (data.length === 0) throw new PickleError('empty', 'the artifact is empty (0 bytes), so there is no pickle to read');
  return new Machine(data, opts).run();
}

function intValue(v: bigint): PyInt {
  const safe = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
  return { kind: 'int', value: safe ? Number(v) : v };
}

/** Little-endian two's complement, as LONG1/LONG4 store it. */
function longFromBytes(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`);
  return bytes[bytes.length - 1] & 0x80 ? unsigned - (1n << BigInt(bytes.length * 8)) : unsigned;
}

class Machine extends PickleStack {
  private readonly partial: boolean;

  constructor(data: Buffer, opts: DecodeOptions) {
    super(new ByteReader(data, opts.partial ?? false), opts.maxItems ?? Infinity);
    this.partial = opts.partial ?? false;
  }

  run(): DecodeResult {
    try {
      for (;;) {
        if (this.reader.atEnd) throw this.reader.truncated();
        this.at = this.reader.pos;
        this.code = this.reader.u8();
        if (this.code === Op.STOP) {
          const value = this.pop();
          return { value, complete: !this.capped, bytesRead: this.reader.pos, stopped: true };
        }
        this.step();
      }
    } catch (err) {
      if (this.partial && err instanceof PickleError && err.reason === 'truncated') {
        return { value: this.salvage(), complete: false, bytesRead: this.reader.pos, stopped: false };
      }
      throw err;
    }
  }

  private step(): void {
    const r = this.reader;
    switch (this.code) {
      case Op.PROTO: {
        const protocol = r.u8();
        if (protocol > HIGHEST_PROTOCOL) throw this.fail(`unsupported pickle protocol ${protocol}`);
        return;
      }
      case Op.FRAME:
        // Frames only tell a streaming reader how much to prefetch; the opcodes inside are ordinary.
        r.u64(this.at);
        return;
      case Op.MARK:
        return this.pushMark();
      case Op.POP:
        if (this.values.length > 0) this.pop();
        else this.popMark();
        return;
      case Op.POP_MARK:
        this.popMark();
        return;
      case Op.DUP:
        return this.push(this.top(), this.topStart());

      case Op.NONE:
        return this.push(NONE);
      case Op.NEWTRUE:
        return this.push(TRUE);
      case Op.NEWFALSE:
        return this.push(FALSE);
      case Op.INT: {
        const v = parseIntLine(r.line(), this.at);
        return this.push(typeof v === 'boolean' ? (v ? TRUE : FALSE) : intValue(v));
      }
      case Op.BININT:
        return this.push({ kind: 'int', value: r.i32() });
      case Op.BININT1:
        return this.push(SMALL_INTS[r.u8()]);
      case Op.BININT2:
        return this.push({ kind: 'int', value: r.u16() });
      case Op.LONG:
        return this.push(intValue(parseLongLine(r.line(), this.at)));
      case Op.LONG1:
        return this.push(intValue(longFromBytes(r.bytes(r.u8()))));
      case Op.LONG4: {
        const n = r.i32();
        if (n < 0) throw this.fail('negative LONG4 length');
        return this.push(intValue(longFromBytes(r.bytes(n))));
      }
      case Op.FLOAT:
        return this.push({ kind: 'float', value: parseFloatLine(r.line(), this.at) });
      case Op.BINFLOAT:
        return this.push({ kind: 'float', value: r.f64be() });

      case Op.STRING:
        return this.pushLegacyString(parseStringLine(r.line(), this.at));
      case Op.BINSTRING: {
        const n = r.i32();
        if (n < 0) throw this.fail('negative BINSTRING length');
        return this.pushLegacyString(r.bytes(n));
      }
      case Op.SHORT_BINSTRING:
        return this.pushLegacyString(r.bytes(r.u8()));
      case Op.UNICODE: {
        const text = parseUnicodeLine(r.line());
        return this.push({ kind: 'str', value: text, byteLength: Buffer.byteLength(text), truncated: false });
      }
      case Op.SHORT_BINUNICODE:
        return this.pushStr(r.u8());
      case Op.BINUNICODE:
        return this.pushStr(r.u32());
      case Op.BINUNICODE8:
        return this.pushStr(r.u64(this.at));
      case Op.SHORT_BINBYTES:
        return this.pushBytes(r.u8());
      case Op.BINBYTES:
        return this.pushBytes(r.u32());
      case Op.BINBYTES8:
        return this.pushBytes(r.u64(this.at));
      case Op.BYTEARRAY8:
        return this.pushBytes(r.u64(this.at), true);

      case Op.EMPTY_LIST:
        return this.push({ kind: 'list', items: [], length: 0 });
      case Op.LIST: {
        const { items, offset } = this.popMark();
        return this.push(this.newList(items), offset);
      }
      case Op.APPEND: {
        const item = this.pop();
        return this.appendTo(this.top(), [item]);
      }
      case Op.APPENDS: {
        const { items } = this.popMark();
        return this.appendTo(this.top(), items);
      }
      case Op.EMPTY_TUPLE:
        return this.push({ kind: 'tuple', items: [] });
      case Op.TUPLE: {
        const { items, offset } = this.popMark();
        return this.push({ kind: 'tuple', items }, offset);
      }
      case Op.TUPLE1:
      case Op.TUPLE2:
      case Op.TUPLE3: {
        const n = this.code - Op.TUPLE1 + 1;
        if (this.values.length < n) throw this.fail('stack underflow');
        const start = this.starts[this.starts.length - n];
        const items = this.values.slice(-n);
        for (let i = 0; i < n; i++) this.pop();
        return this.push({ kind: 'tuple', items }, start);
      }
      case Op.EMPTY_DICT:
        return this.push({ kind: 'dict', entries: [], length: 0 });
      case Op.DICT: {
        const { items, offset } = this.popMark();
        return this.push(this.newDict(items), offset);
      }
      case Op.SETITEM: {
        const value = this.pop();
        const key = this.pop();
        return this.setItems(this.top(), [key, value]);
      }
      case Op.SETITEMS: {
        const { items } = this.popMark();
        return this.setItems(this.top(), items);
      }
      case Op.EMPTY_SET:
        return this.push({ kind: 'set', frozen: false, items: [], length: 0 });
      case Op.ADDITEMS: {
        const { items } = this.popMark();
        return this.addItems(this.top(), items);
      }
      case Op.FROZENSET: {
        const { items, offset } = this.popMark();
        return this.push(this.newSet(true, items), offset);
      }

      case Op.GLOBAL: {
        const module = r.line().toString('utf8');
        return this.pushGlobal(module, r.line().toString('utf8'));
      }
      case Op.STACK_GLOBAL: {
        const name = this.pop();
        const module = this.pop();
        if (module.kind !== 'str' || name.kind !== 'str') throw this.fail('STACK_GLOBAL needs two strings');
        return this.pushGlobal(module.value, name.value);
      }
      case Op.REDUCE: {
        const args = this.argsOf(this.pop());
        const start = this.topStart();
        const callable = this.pop();
        return this.push(this.makeObject('reduce', callable, args, start), start);
      }
      case Op.NEWOBJ: {
        const args = this.argsOf(this.pop());
        const start = this.topStart();
        const cls = this.pop();
        return this.push(this.makeObject('new', cls, args, start), start);
      }
      case Op.NEWOBJ_EX: {
        const kwargs = this.pop();
        const args = this.argsOf(this.pop());
        const start = this.topStart();
        const cls = this.pop();
        if (kwargs.kind !== 'dict') throw this.fail('NEWOBJ_EX keyword arguments must be a dict');
        return this.push(this.makeObject('new', cls, args, start, kwargs.entries), start);
      }
      case Op.INST: {
        const module = r.line().toString('utf8');
        const name = r.line().toString('utf8');
        const { items, offset } = this.popMark();
        return this.push(this.makeObject('new', { kind: 'global', module, name }, items, offset), offset);
      }
      case Op.OBJ: {
        const { items, offset } = this.popMark();
        const [cls, ...args] = items;
        if (cls === undefined) throw this.fail('OBJ without a class');
        return this.push(this.makeObject('new', cls, args, offset), offset);
      }
      case Op.BUILD: {
        const state = this.pop();
        const target = this.top();
        if (target.kind !== 'object') throw this.fail(`cannot BUILD a ${target.kind}`);
        target.state = state;
        return this.touch(target);
      }

      case Op.PUT:
        return this.remember(this.memoIndex(r.line()));
      case Op.BINPUT:
        return this.remember(r.u8());
      case Op.LONG_BINPUT:
        return this.remember(r.u32());
      case Op.MEMOIZE:
        return this.remember(this.memoSize);
      case Op.GET:
        return this.recall(this.memoIndex(r.line()));
      case Op.BINGET:
        return this.recall(r.u8());
      case Op.LONG_BINGET:
        return this.recall(r.u32());

      case Op.PERSID:
        return this.push({ kind: 'opaque', what: 'persistent-id', detail: r.line().toString('utf8') });
      case Op.BINPERSID: {
        const pid = this.pop();
        return this.push({ kind: 'opaque', what: 'persistent-id', detail: pid.kind === 'str' ? pid.value : pid.kind });
      }
      case Op.EXT1:
        return this.push({ kind: 'opaque', what: 'extension', detail: `code ${r.u8()}` });
      case Op.EXT2:
        return this.push({ kind: 'opaque', what: 'extension', detail: `code ${r.u16()}` });
      case Op.EXT4:
        return this.push({ kind: 'opaque', what: 'extension', detail: `code ${r.i32()}` });
      case Op.NEXT_BUFFER:
        return this.push({ kind: 'opaque', what: 'out-of-band-buffer', detail: 'pickled with a buffer_callback' });
      case Op.READONLY_BUFFER:
        this.top();
        return;

      default:
        throw new PickleError(
          'unknown-opcode',
          `unknown pickle opcode 0x${this.code.toString(16).padStart(2, '0')} at offset ${this.at}`,
          { offset: this.at, opcode: this.code },
        );
    }
  }

  private memoIndex(line: Buffer): number {
    const text = line.toString('latin1');
    if (!/^\d+$/.test(text)) throw this.fail(`invalid memo key ${JSON.stringify(text)}`);
    return Number(text);
  }

  /**
   * The value under construction when a partial buffer ends. Items pushed since a MARK go into
   * the container below it (as the APPENDS/SETITEMS/ADDITEMS that was coming would have done),
   * and a tuple or dict sitting on an object that has no state yet becomes its state (the
   * pending BUILD, e.g. an ndarray whose data bytes were cut).
   */
  private salvage(): PyValue {
    const frames = [...this.marks.map((m) => m.values), this.values];
    for (let i = frames.length - 1; i > 0; i--) {
      const pending = frames[i];
      const below = frames[i - 1];
      const target = below[below.length - 1];
      if (target === undefined) continue;
      if (target.kind === 'list' || (target.kind === 'object' && target.state === undefined && pending.length > 0)) {
        if (target.kind === 'list') this.appendTo(target, pending);
        else target.state = { kind: 'tuple', items: pending };
      } else if (target.kind === 'dict') {
        this.setItems(target, pending.slice(0, pending.length - (pending.length % 2)));
      } else if (target.kind === 'set') {
        this.addItems(target, pending);
      }
    }
    for (const frame of frames) {
      const [obj, state] = frame.slice(-2);
      if (obj?.kind === 'object' && obj.state === undefined && (state?.kind === 'dict' || state?.kind === 'tuple')) obj.state = state;
    }
    const root = frames[0][0];
    if (root === undefined) throw this.reader.truncated();
    return root;
  }
}
