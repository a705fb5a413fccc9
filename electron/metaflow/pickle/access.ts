import type { PyObject, PyValue } from './value.js';

// Narrowing reads over PyValue for the interpreters: each returns undefined when the value is not
// of the expected shape, so an unexpected pickle falls back to the generic view instead of throwing.

export function asStr(v: PyValue | undefined): string | undefined {
  return v?.kind === 'str' ? v.value : undefined;
}

/** An int that fits a double exactly (bools count, as in Python). */
export function asInt(v: PyValue | undefined): number | undefined {
  if (v?.kind === 'bool') return v.value ? 1 : 0;
  return v?.kind === 'int' && typeof v.value === 'number' ? v.value : undefined;
}

export function asBigInt(v: PyValue | undefined): bigint | undefined {
  return v?.kind === 'int' ? BigInt(v.value) : undefined;
}

export function asNumber(v: PyValue | undefined): number | undefined {
  if (v?.kind === 'float') return v.value;
  return v?.kind === 'int' ? Number(v.value) : undefined;
}

/** Items of a tuple or list. */
export function asSeq(v: PyValue | undefined): PyValue[] | undefined {
  return v?.kind === 'tuple' || v?.kind === 'list' ? v.items : undefined;
}

/** A tuple or list of ints (a numpy shape, a pandas placement). */
export function asInts(v: PyValue | undefined): number[] | undefined {
  const items = asSeq(v)?.map(asInt);
  return items?.every((n) => n !== undefined) ? (items as number[]) : undefined;
}

export function asObject(v: PyValue | undefined, ...names: string[]): PyObject | undefined {
  if (v?.kind !== 'object') return undefined;
  return names.length === 0 || names.includes(qualified(v)) ? v : undefined;
}

export function qualified(v: { module: string; name: string }): string {
  return v.module === '' ? v.name : `${v.module}.${v.name}`;
}

/** The value under a str key of a dict. */
export function dictGet(v: PyValue | undefined, key: string): PyValue | undefined {
  if (v?.kind !== 'dict') return undefined;
  return v.entries.find(([k]) => k.kind === 'str' && k.value === key)?.[1];
}

/**
 * Raw bytes as a pickle may spell them: bytes; a Python 2 str (latin-1); or protocol <= 2's
 * `_codecs.encode(text, 'latin1')`, which is how Python 3 pickles bytes for old protocols.
 */
export function asBytes(v: PyValue | undefined): Buffer | undefined {
  if (v?.kind === 'bytes') return v.data;
  if (v?.kind === 'str') return latin1(v.value);
  const encoded = asObject(v, '_codecs.encode');
  if (encoded !== undefined) {
    const text = asStr(encoded.args[0]);
    if (text !== undefined) return latin1(text);
  }
  return undefined;
}

function latin1(text: string): Buffer | undefined {
  // Only text made of code points < 256 is a latin-1 spelling of bytes.
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return undefined;
  return Buffer.from(text, 'latin1');
}

/**
 * The attributes an object's state sets: a dict, or the (dict, slots) pair that __slots__ classes
 * pickle, merged.
 */
export function stateEntries(obj: PyObject): [PyValue, PyValue][] | undefined {
  const state = obj.state;
  if (state?.kind === 'dict') return state.entries;
  const pair = asSeq(state);
  if (state?.kind === 'tuple' && pair?.length === 2 && pair.every((p) => p.kind === 'dict' || p.kind === 'none')) {
    return pair.flatMap((p) => (p.kind === 'dict' ? p.entries : []));
  }
  return undefined;
}

export function stateGet(obj: PyObject, key: string): PyValue | undefined {
  return stateEntries(obj)?.find(([k]) => k.kind === 'str' && k.value === key)?.[1];
}
