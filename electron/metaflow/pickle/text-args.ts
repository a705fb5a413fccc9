import { PickleError } from './errors.js';

// Arguments of the protocol-0 text opcodes (INT, LONG, FLOAT, STRING, UNICODE), decoded the way
// CPython's Unpickler reads them.

function bad(what: string, offset: number): PickleError {
  return new PickleError('malformed', `${what} at offset ${offset}`, { offset });
}

const DECIMAL = /^[+-]?\d+$/;

/** INT: a decimal, where "00"/"01" are protocol 0's False/True. */
export function parseIntLine(line: Buffer, offset: number): boolean | bigint {
  const text = line.toString('latin1');
  if (text === '00') return false;
  if (text === '01') return true;
  if (!DECIMAL.test(text)) throw bad(`invalid INT argument ${JSON.stringify(text)}`, offset);
  return BigInt(text);
}

/** LONG: a decimal with Python 2's optional trailing "L". */
export function parseLongLine(line: Buffer, offset: number): bigint {
  const text = line.toString('latin1').replace(/L$/, '');
  if (!DECIMAL.test(text)) throw bad(`invalid LONG argument ${JSON.stringify(text)}`, offset);
  return BigInt(text);
}

/** FLOAT: Python's repr, which spells the specials inf/-inf/nan. */
export function parseFloatLine(line: Buffer, offset: number): number {
  const text = line.toString('latin1').trim().toLowerCase();
  if (text === 'inf' || text === '+inf') return Infinity;
  if (text === '-inf') return -Infinity;
  if (text === 'nan' || text === '-nan') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw bad(`invalid FLOAT argument ${JSON.stringify(text)}`, offset);
  return value;
}

const SIMPLE_ESCAPES = new Map([
  ['\\', 0x5c], ["'", 0x27], ['"', 0x22], ['a', 0x07], ['b', 0x08], ['f', 0x0c], ['n', 0x0a], ['r', 0x0d], ['t', 0x09], ['v', 0x0b],
]);

/** STRING: a quoted Python 2 str repr; returns its bytes (codecs.escape_decode). */
export function parseStringLine(line: Buffer, offset: number): Buffer {
  const text = line.toString('latin1');
  const quote = text[0];
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) {
    throw bad('the STRING opcode argument must be quoted', offset);
  }
  const body = text.slice(1, -1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out.push(c.charCodeAt(0));
      continue;
    }
    const e = body[++i] ?? '';
    const simple = SIMPLE_ESCAPES.get(e);
    if (simple !== undefined) out.push(simple);
    else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))?.[0] ?? e;
      out.push(parseInt(oct, 8) & 0xff);
      i += oct.length - 1;
    } else {
      out.push(0x5c);
      if (e !== '') out.push(e.charCodeAt(0));
    }
  }
  return Buffer.from(out);
}

/** UNICODE: raw-unicode-escape, i.e. latin-1 with \uXXXX / \UXXXXXXXX escapes. */
export function parseUnicodeLine(line: Buffer): string {
  return line
    .toString('latin1')
    .replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, u4: string | undefined, u8: string | undefined) => {
      const code = parseInt(u4 ?? u8 ?? '0', 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    });
}
