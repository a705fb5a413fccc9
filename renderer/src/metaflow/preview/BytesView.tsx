import { formatBytes, formatCount } from '../../format.js';

const ROW = 16;
/** Bytes shown in the hex dump; main sends a few hundred at most anyway. */
const DUMP_LIMIT = 1024;
/** Up to this many bytes also get Python's b'…' repr. */
const REPR_LIMIT = 96;

/** The bytes of a base64 string; throws on one that is not base64. */
export function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function decode(base64: string): Uint8Array {
  try {
    return base64Bytes(base64);
  } catch {
    return new Uint8Array(0);
  }
}

const hex = (n: number, width = 2) => n.toString(16).padStart(width, '0');
const printable = (b: number) => b >= 0x20 && b < 0x7f;

/** `b'\x00\x01binary\xff'`, as Python prints bytes. */
export function bytesRepr(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x27) out += "\\'";
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (printable(b)) out += String.fromCharCode(b);
    else out += `\\x${hex(b)}`;
  }
  return `b'${out}'`;
}

function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += ROW) {
    const row = bytes.subarray(offset, offset + ROW);
    const hexes = [...row].map((b) => hex(b)).join(' ').padEnd(ROW * 3 - 1, ' ');
    const ascii = [...row].map((b) => (printable(b) ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${hex(offset, 8)}  ${hexes}  |${ascii}|`);
  }
  return lines.join('\n');
}

interface Props {
  base64: string;
  length: number;
  truncated: boolean;
  mutable: boolean;
  /** Nested inside a container: one line instead of a dump. */
  inline?: boolean;
}

/** bytes / bytearray: its length, a Python repr when short, and a hex + ASCII dump of the first bytes. */
export function BytesView({ base64, length, truncated, mutable, inline = false }: Props) {
  const bytes = decode(base64);
  const kind = mutable ? 'bytearray' : 'bytes';
  if (inline) {
    const head = bytesRepr(bytes.subarray(0, 32));
    return (
      <span className="pv-bytes" title={`${formatCount(length)} bytes`}>
        {head}
        {(bytes.length > 32 || truncated) && '…'} <span className="pv-meta">{kind}[{formatCount(length)}]</span>
      </span>
    );
  }
  const shown = bytes.subarray(0, DUMP_LIMIT);
  return (
    <div className="pv-bytes-block" data-testid="preview-bytes">
      <div className="pv-meta">
        {kind} · {formatCount(length)} bytes{length >= 1024 ? ` (${formatBytes(length)})` : ''}
        {shown.length < length && ` · first ${formatCount(shown.length)} shown`}
      </div>
      {length <= REPR_LIMIT && !truncated && <code className="pv-bytes">{bytesRepr(bytes)}</code>}
      {shown.length > 0 && <pre className="pv-hexdump">{hexDump(shown)}</pre>}
    </div>
  );
}
