// The decoder's output: a symbolic model of what the pickle describes. Nothing is constructed or
// called; a class the reader does not know stays an `object` node naming its callable, its
// arguments and whatever BUILD/APPEND/SETITEM added to it.
//
// Nodes are plain mutable objects: a memo GET returns the very node that was PUT, so shared
// references stay shared and a self-referencing container really contains itself. Anything that
// walks the graph must therefore track the nodes it is inside of.
//
// Containers keep at most `maxItems` children when the decoder is asked to cap them; `length`
// always counts every child the pickle added.

export type PyValue =
  | PyNone
  | PyBool
  | PyInt
  | PyFloat
  | PyStr
  | PyBytes
  | PyList
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | PyOpaque;

export interface PyNone {
  kind: 'none';
}

export interface PyBool {
  kind: 'bool';
  value: boolean;
}

/** `number` when it is a safe integer, otherwise an exact bigint. */
export interface PyInt {
  kind: 'int';
  value: number | bigint;
}

export interface PyFloat {
  kind: 'float';
  value: number;
}

export interface PyStr {
  kind: 'str';
  /** The whole string, or its first characters when the pickle was cut short (see `byteLength`). */
  value: string;
  /** UTF-8 length of the whole string as the pickle declares it. */
  byteLength: number;
  truncated: boolean;
}

export interface PyBytes {
  kind: 'bytes';
  /** A view into the pickle (never a copy); shorter than `length` when the pickle was cut short. */
  data: Buffer;
  length: number;
  /** bytearray rather than bytes. */
  mutable: boolean;
}

export interface PyList {
  kind: 'list';
  items: PyValue[];
  length: number;
}

export interface PyTuple {
  kind: 'tuple';
  items: PyValue[];
}

export interface PyDict {
  kind: 'dict';
  /** Pairs, because a key can be any value (tuples, ints, objects). */
  entries: [PyValue, PyValue][];
  length: number;
}

export interface PySet {
  kind: 'set';
  frozen: boolean;
  items: PyValue[];
  length: number;
}

/** A module-level name (GLOBAL / STACK_GLOBAL / INST class), e.g. numpy.dtype. */
export interface PyGlobal {
  kind: 'global';
  module: string;
  name: string;
}

/**
 * The result of calling something the pickle names: REDUCE (callable + args), NEWOBJ/NEWOBJ_EX
 * (cls.__new__ + args), INST/OBJ (old-style instance). BUILD sets `state`; APPEND(S) and
 * SETITEM(S) on it land in `items` / `entries` (how list and dict subclasses are pickled).
 */
export interface PyObject {
  kind: 'object';
  module: string;
  name: string;
  /** REDUCE calls any callable; NEWOBJ/INST/OBJ instantiate a class (namedtuples come this way). */
  via: 'reduce' | 'new';
  args: PyValue[];
  kwargs?: [PyValue, PyValue][];
  state?: PyValue;
  items?: PyValue[];
  entries?: [PyValue, PyValue][];
  /** Pickle bytes spent on this object, from its first opcode to the last one that changed it. */
  byteLength: number;
}

/** Things a pickle can only refer to: persistent ids, extension codes, out-of-band buffers. */
export interface PyOpaque {
  kind: 'opaque';
  what: 'persistent-id' | 'extension' | 'out-of-band-buffer';
  detail: string;
}

export const NONE: PyNone = { kind: 'none' };
