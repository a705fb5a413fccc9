import { PickleError } from './errors.js';

// Bounds-checked reads over the pickle bytes. Every read that runs past the end throws a
// 'truncated' PickleError, except `payload`, which in partial mode (the buffer is only the start
// of the stream) hands back what there is so a huge bytes/str value still yields its prefix.

export class ByteReader {
  pos = 0;

  constructor(
    readonly data: Buffer,
    private readonly partial: boolean,
  ) {}

  get atEnd(): boolean {
    return this.pos >= this.data.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.data.length) throw this.truncated();
  }

  truncated(): PickleError {
    return new PickleError('truncated', `the pickle is truncated at offset ${this.data.length}`, { offset: this.data.length });
  }

  u8(): number {
    this.need(1);
    return this.data[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.data.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.data.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.data.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** An 8-byte length. Anything past 2**53 cannot be a real length in a Buffer anyway. */
  u64(at: number): number {
    this.need(8);
    const v = this.data.readBigUInt64LE(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new PickleError('malformed', `impossible 8-byte length ${v} at offset ${at}`, { offset: at });
    }
    return Number(v);
  }

  f64be(): number {
    this.need(8);
    const v = this.data.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Exactly n bytes, as a view. */
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** n declared bytes: all of them, or in partial mode as many as the buffer still has. */
  payload(n: number): Buffer {
    if (this.partial && this.pos + n > this.data.length) {
      const v = this.data.subarray(this.pos);
      this.pos = this.data.length;
      return v;
    }
    return this.bytes(n);
  }

  /** A newline-terminated argument of the text opcodes (protocol 0), without the newline. */
  line(): Buffer {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) throw this.truncated();
    const v = this.data.subarray(this.pos, end);
    this.pos = end + 1;
    return v;
  }
}
