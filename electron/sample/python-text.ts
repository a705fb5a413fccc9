import { PyFloat } from './pickle-writer.js';
import { uuid4, type Random } from './seeded-random.js';

// Python's text formats as Metaflow writes them: json.dumps defaults (", " and ": ", ASCII only), float repr, mflog lines.

export type PyJson = null | boolean | number | string | PyFloat | readonly PyJson[] | { readonly [key: string]: PyJson };

/** `repr(float)` for the values written here (ordinary magnitudes: CPython switches to exponents past 1e16). */
function floatRepr(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function pyJson(value: PyJson): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (Array.isArray(value)) return `[${(value as readonly PyJson[]).map(pyJson).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${pyJson(k)}: ${pyJson(v)}`).join(', ')}}`;
}

export function jsonBytes(value: PyJson): Buffer {
  return Buffer.from(pyJson(value), 'utf8');
}

/** `2026-11-22T05:59:51.807110Z` from epoch microseconds. */
function isoMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  return new Date(ms).toISOString().replace('Z', `${String(micros % 1000).padStart(3, '0')}Z`);
}

export function mflog(lines: { at: number; text: string }[], random: Random): Buffer {
  return Buffer.from(lines.map((l) => `[MFLOG|0|${isoMicros(l.at)}|runtime|${uuid4(random)}]${l.text}\n`).join(''), 'utf8');
}
