import { PickleError } from './errors.js';
import { opName } from './opcodes.js';
import type { ByteReader } from './reader.js';
import type { PyDict, PyList, PyObject, PySet, PyValue } from './value.js';

// The pickle machine's state: the stack with its marks, the memo, and how containers and objects are built on it,
// capped by maxItems. decoder.ts runs the opcodes over it.

/** Python 2 module names that Python 3's Unpickler maps (fix_imports) and interpret.ts expects. */
// Maps, not object literals: a pickle's module and class names are data, and may be `__proto__` or `toString`.
const PY2_MODULES = new Map([
  ['__builtin__', 'builtins'],
  ['copy_reg', 'copyreg'],
  ['exceptions', 'builtins'],
]);

/** Drops a multi-byte UTF-8 sequence cut in half at the end of a prefix. */
function wholeUtf8(prefix: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, prefix.length); back++) {
    const b = prefix[prefix.length - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? prefix.subarray(0, prefix.length - back) : prefix;
  }
  return prefix;
}

/** What a callable is called, for the `object` node it produces. */
function callableName(callable: PyValue): { module: string; name: string } {
  if (callable.kind === 'global') return { module: callable.module, name: callable.name };
  if (callable.kind === 'object' && callable.module === 'builtins' && callable.name === 'getattr') {
    // getattr(cls, 'method'): how protocols < 4 spell a classmethod such as ZoneInfo._unpickle.
    const [owner, attr] = callable.args;
    if (owner?.kind === 'global' && attr?.kind === 'str') return { module: owner.module, name: `${owner.name}.${attr.value}` };
  }
  return { module: '', name: `<${callable.kind}>` };
}

interface Mark {
  values: PyValue[];
  starts: number[];
  offset: number;
}

export abstract class PickleStack {
  /** The stack above the innermost MARK, and where each value's opcodes began. */
  protected values: PyValue[] = [];
  protected starts: number[] = [];
  protected readonly marks: Mark[] = [];
  /** Indexed by memo key; keys are dense in practice (MEMOIZE numbers them), so an array beats a Map. */
  protected readonly memo: PyValue[] = [];
  protected memoSize = 0;
  protected readonly objectStarts = new WeakMap<PyObject, number>();
  protected capped = false;
  /** Offset of the opcode being executed. */
  protected at = 0;
  protected code = 0;

  constructor(
    protected readonly reader: ByteReader,
    protected readonly maxItems: number,
  ) {}

  protected fail(what: string): PickleError {
    return new PickleError('malformed', `${what} (${opName(this.code) ?? 'opcode'} at offset ${this.at})`, { offset: this.at });
  }

  protected push(value: PyValue, start = this.at): void {
    this.values.push(value);
    this.starts.push(start);
  }

  protected pop(): PyValue {
    const value = this.values.pop();
    if (value === undefined) throw this.fail('stack underflow');
    this.starts.pop();
    return value;
  }

  protected top(): PyValue {
    const value = this.values[this.values.length - 1];
    if (value === undefined) throw this.fail('stack underflow');
    return value;
  }

  protected topStart(): number {
    return this.starts[this.starts.length - 1] ?? this.at;
  }

  protected pushMark(): void {
    this.marks.push({ values: this.values, starts: this.starts, offset: this.at });
    this.values = [];
    this.starts = [];
  }

  /** Everything pushed since the innermost MARK, and the MARK's offset. */
  protected popMark(): { items: PyValue[]; offset: number } {
    const mark = this.marks.pop();
    if (mark === undefined) throw this.fail('no MARK on the stack');
    const items = this.values;
    this.values = mark.values;
    this.starts = mark.starts;
    return { items, offset: mark.offset };
  }

  protected remember(index: number): void {
    if (this.memo[index] === undefined) this.memoSize++;
    this.memo[index] = this.top();
  }

  protected recall(index: number): void {
    const value = this.memo[index];
    if (value === undefined) throw this.fail(`memo key ${index} was never stored`);
    this.push(value);
  }

  protected keep<T>(list: T[], item: T): void {
    if (list.length < this.maxItems) list.push(item);
    else this.capped = true;
  }

  protected touch(obj: PyObject): void {
    obj.byteLength = this.reader.pos - (this.objectStarts.get(obj) ?? this.at);
  }

  protected makeObject(how: PyObject['via'], callable: PyValue, args: PyValue[], start: number, kwargs?: [PyValue, PyValue][]): PyObject {
    let target = callableName(callable);
    let via = how;
    let callArgs = args;
    // copyreg's helpers are pickle's own way of saying "instantiate cls" (protocols 0-1, and
    // __reduce__ methods that return them): name the object after cls, as NEWOBJ does.
    const cls = args[0];
    if (target.module === 'copyreg' && cls?.kind === 'global') {
      if (target.name === '_reconstructor') {
        // (cls, base, base_state): base_state is None unless cls derives from a builtin. For a
        // tuple subclass (a namedtuple) it is the tuple, i.e. what NEWOBJ would pass as args.
        const baseState = args[2];
        target = cls;
        via = 'new';
        callArgs = baseState === undefined || baseState.kind === 'none' ? [] : baseState.kind === 'tuple' ? baseState.items : [baseState];
      } else if (target.name === '__newobj__') {
        target = cls;
        via = 'new';
        callArgs = args.slice(1);
      }
    }
    const obj: PyObject = { kind: 'object', module: target.module, name: target.name, via, args: callArgs, byteLength: 0 };
    if (kwargs !== undefined) obj.kwargs = kwargs;
    this.objectStarts.set(obj, start);
    this.touch(obj);
    return obj;
  }

  protected argsOf(value: PyValue): PyValue[] {
    if (value.kind === 'tuple' || value.kind === 'list') return value.items;
    throw this.fail(`call arguments must be a tuple, not ${value.kind}`);
  }

  protected appendTo(target: PyValue, items: PyValue[]): void {
    if (target.kind === 'list') {
      for (const item of items) this.keep(target.items, item);
      target.length += items.length;
    } else if (target.kind === 'object') {
      target.items ??= [];
      for (const item of items) this.keep(target.items, item);
      this.touch(target);
    } else {
      throw this.fail(`cannot append to a ${target.kind}`);
    }
  }

  protected setItems(target: PyValue, flat: PyValue[]): void {
    if (flat.length % 2 !== 0) throw this.fail('odd number of items for SETITEMS');
    let entries: [PyValue, PyValue][];
    if (target.kind === 'dict') {
      entries = target.entries;
      target.length += flat.length / 2;
    } else if (target.kind === 'object') {
      entries = target.entries ??= [];
      this.touch(target);
    } else {
      throw this.fail(`cannot set items on a ${target.kind}`);
    }
    for (let i = 0; i < flat.length; i += 2) this.keep(entries, [flat[i], flat[i + 1]]);
  }

  protected addItems(target: PyValue, items: PyValue[]): void {
    if (target.kind !== 'set') throw this.fail(`cannot add items to a ${target.kind}`);
    for (const item of items) this.keep(target.items, item);
    target.length += items.length;
  }

  protected newList(items: PyValue[]): PyList {
    const list: PyList = { kind: 'list', items: [], length: 0 };
    this.appendTo(list, items);
    return list;
  }

  protected newDict(flat: PyValue[]): PyDict {
    const dict: PyDict = { kind: 'dict', entries: [], length: 0 };
    this.setItems(dict, flat);
    return dict;
  }

  protected newSet(frozen: boolean, items: PyValue[]): PySet {
    const set: PySet = { kind: 'set', frozen, items: [], length: 0 };
    this.addItems(set, items);
    return set;
  }

  protected pushStr(declared: number): void {
    const bytes = this.reader.payload(declared);
    const truncated = bytes.length < declared;
    const value = (truncated ? wholeUtf8(bytes) : bytes).toString('utf8');
    this.push({ kind: 'str', value, byteLength: declared, truncated });
  }

  protected pushBytes(declared: number, mutable = false): void {
    this.push({ kind: 'bytes', data: this.reader.payload(declared), length: declared, mutable });
  }

  /** Python 2 str (STRING/BINSTRING): text when it is ASCII, as Python 3 reads it; bytes otherwise. */
  protected pushLegacyString(bytes: Buffer): void {
    const ascii = bytes.every((b) => b < 0x80);
    if (ascii) this.push({ kind: 'str', value: bytes.toString('latin1'), byteLength: bytes.length, truncated: false });
    else this.push({ kind: 'bytes', data: bytes, length: bytes.length, mutable: false });
  }

  protected pushGlobal(module: string, name: string): void {
    this.push({ kind: 'global', module: PY2_MODULES.get(module) ?? module, name });
  }
}
