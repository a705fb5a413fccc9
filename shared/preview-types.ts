// The JSON-safe preview of an artifact, as it crosses IPC. Every variant of PreviewValue is a plain
// object with a unique literal `kind` (so a zod discriminatedUnion mirrors it one to one), and
// holds no bigint, Buffer, NaN or Infinity: big ints are decimal strings, bytes are base64, and
// non-finite floats are the strings 'nan' / 'inf' / '-inf'.
//
// Lengths (`length`, `rowCount`, `size`, ...) always count the whole value; the arrays beside them
// hold only what was decoded (the first `maxItems`, or what fitted in `maxBytes`).

export interface PicklePreview {
  value: PreviewValue;
  /**
   * False when the preview does not show the whole value: the pickle was read only up to
   * maxBytes, a container, array or frame had more than maxItems entries, or a nesting guard cut
   * it. The UI offers "load all" then.
   */
  complete: boolean;
  /** Bytes of the uncompressed pickle that were decoded. */
  bytesRead: number;
  /** Size of the uncompressed pickle (from the gzip trailer or the raw blob). */
  totalBytes: number;
}

export type JsonFloat = number | 'nan' | 'inf' | '-inf';

export type PreviewValue =
  | { kind: 'none' }
  | { kind: 'bool'; value: boolean }
  /** `big` → `value` is a decimal string (the int does not fit a double exactly). */
  | { kind: 'int'; value: number | string; big: boolean }
  | { kind: 'float'; value: JsonFloat }
  | { kind: 'complex'; real: JsonFloat; imag: JsonFloat }
  /** `byteLength` is the UTF-8 size of the whole string; `value` is cut when `truncated`. */
  | { kind: 'str'; value: string; byteLength: number; truncated: boolean }
  /** `base64` holds the first bytes (all of them unless `truncated`); `length` is the full size. */
  | { kind: 'bytes'; base64: string; length: number; truncated: boolean; mutable: boolean }
  | { kind: 'list'; items: PreviewValue[]; length: number }
  | { kind: 'tuple'; items: PreviewValue[]; length: number }
  | { kind: 'set'; frozen: boolean; items: PreviewValue[]; length: number }
  /** `className` is null for a plain dict, else e.g. 'collections.OrderedDict'. */
  | { kind: 'dict'; className: string | null; entries: PreviewEntry[]; length: number }
  | { kind: 'date'; iso: string }
  /** `iso` carries the UTC offset when the tzinfo has a fixed one; `tz` names the zone. */
  | { kind: 'time'; iso: string; tz: string | null }
  | { kind: 'datetime'; iso: string; tz: string | null }
  /** `text` as Python's str() prints it, e.g. '1 day, 2:03:04.500000'. */
  | { kind: 'timedelta'; days: number; seconds: number; microseconds: number; text: string }
  | { kind: 'decimal'; value: string }
  | { kind: 'uuid'; value: string }
  | { kind: 'slice'; start: PreviewValue; stop: PreviewValue; step: PreviewValue }
  /**
   * numpy.ndarray. `dtype` is numpy's name ('float64', 'int64', 'object', '<U5'), `typestr` its
   * array-interface string ('<f8'). `values` are the first elements in row-major order.
   */
  | NdarrayPreview
  | { kind: 'numpy-scalar'; dtype: string; value: PreviewValue }
  | IndexPreview
  /** `rows[r][c]` is the cell of row r and column c; `dtypes[c]` e.g. 'int64', 'object'. */
  | DataFramePreview
  | { kind: 'series'; name: PreviewValue; dtype: string; index: IndexPreview; length: number; values: PreviewValue[] }
  /** metaflow.exception.MetaflowExceptionWrapper: the exception a failed task stored in `_exception`. */
  | { kind: 'exception'; type: string; message: string; traceback: string }
  /** A namedtuple-like object built from a tuple (e.g. `__main__.ForeachFrame`); names when known. */
  | { kind: 'record'; className: string; fields: PreviewField[] }
  /**
   * An instance of a class this reader does not interpret: how it was constructed (`args`) and
   * what its state holds. `fields` are the state's str-keyed entries; any other state is `state`.
   */
  | ObjectPreview
  /** A class or function referenced by name. */
  | { kind: 'global'; name: string }
  | { kind: 'opaque'; what: 'persistent-id' | 'extension' | 'out-of-band-buffer'; detail: string }
  /** A reference back to a container that encloses it (Python prints `[...]`). */
  | { kind: 'cycle' }
  /**
   * Left out: nesting deeper than the preview goes ('depth'), too many values overall ('size'),
   * or data that was not read or that this reader cannot decode ('unavailable').
   */
  | { kind: 'elided'; reason: 'depth' | 'size' | 'unavailable' };

export interface PreviewEntry {
  key: PreviewValue;
  value: PreviewValue;
}

export interface PreviewField {
  /** null when the class's field names are not known (a tuple-built object). */
  name: string | null;
  value: PreviewValue;
}

/** pandas Index: `range` is set for a RangeIndex, whose `values` are then computed. */
export interface IndexPreview {
  kind: 'index';
  className: string;
  name: PreviewValue;
  dtype: string;
  length: number;
  values: PreviewValue[];
  range: { start: number; stop: number; step: number } | null;
}

/** `rows[r][c]` is the cell of row r and column c; `dtypes[c]` e.g. 'int64', 'object'. */
export interface DataFramePreview {
  kind: 'dataframe';
  columns: PreviewValue[];
  dtypes: string[];
  columnCount: number;
  index: IndexPreview;
  rowCount: number;
  rows: PreviewValue[][];
}

export interface NdarrayPreview {
  kind: 'ndarray';
  dtype: string;
  typestr: string;
  shape: number[];
  order: 'C' | 'F';
  size: number;
  values: PreviewValue[];
}

export interface ObjectPreview {
  kind: 'object';
  className: string;
  byteLength: number;
  args: PreviewValue[];
  fields: PreviewField[];
  state: PreviewValue | null;
  items: PreviewValue[];
  entries: PreviewEntry[];
}
