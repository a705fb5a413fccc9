import type { JsonFloat, PreviewValue } from '../../../shared/preview-types.js';

// JSON-safe spellings of numbers, shared by the renderer and the numpy element decoder.

export function jsonFloat(n: number): JsonFloat {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return n;
}

export function intPreview(v: number | bigint): PreviewValue {
  if (typeof v === 'number') return { kind: 'int', value: v, big: false };
  const safe = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
  return safe ? { kind: 'int', value: Number(v), big: false } : { kind: 'int', value: v.toString(), big: true };
}

export function floatPreview(n: number): PreviewValue {
  return { kind: 'float', value: jsonFloat(n) };
}

export function strPreview(value: string): PreviewValue {
  return { kind: 'str', value, byteLength: Buffer.byteLength(value), truncated: false };
}
