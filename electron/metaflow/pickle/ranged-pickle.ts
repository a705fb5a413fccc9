import type { ObjectRange } from '../../storage/object-store.js';
import { PickleError } from './errors.js';
import { GZIP_SIZE_FIELD, gzipSizeField, isGzip, PrefixInflater } from './gzip.js';

// An artifact blob read as its pickle range by range, so a preview of a 5 GB artifact downloads
// about as much as it decodes, and a whole read holds at most `limit` bytes of pickle.

/** `length` bytes of the blob from `offset` (fewer where it ends), and the blob's size. */
export type ReadRange = (offset: number, length: number) => Promise<ObjectRange>;

export interface RangedPickleOptions {
  /** The first request's size; later ones ask only for what the limit still needs (see nextRange). */
  rangeBytes: number;
  /** Keep at most this many bytes of pickle. */
  limit: number;
}

/** A later range is never smaller: a request costs a round trip, a few KiB more cost little. */
const MIN_RANGE = 64 * 1024;

export class RangedPickle {
  private offset = 0;
  private size = 0;
  private inflater: PrefixInflater | undefined;
  private readonly raw: Buffer[] = [];
  private rawSize = 0;

  private constructor(
    private readonly read: ReadRange,
    private readonly options: RangedPickleOptions,
  ) {}

  /** Reads the first range. */
  static async open(read: ReadRange, options: RangedPickleOptions): Promise<RangedPickle> {
    const source = new RangedPickle(read, options);
    const first = await read(0, options.rangeBytes);
    if (first.size === 0) throw new PickleError('empty', 'the artifact blob is empty (0 bytes), so there is no pickle to read');
    if (isGzip(first.data)) source.inflater = new PrefixInflater(options.limit);
    await source.take(first);
    return source;
  }

  /** The pickle read so far: at most `limit` bytes of it. */
  get data(): Buffer {
    if (this.inflater) return this.inflater.data;
    const joined = this.raw.length === 1 ? this.raw[0] : Buffer.concat(this.raw, this.rawSize);
    return joined.subarray(0, this.options.limit);
  }

  /** `data` is all of the pickle. */
  get whole(): boolean {
    return this.inflater ? this.inflater.ended : this.offset >= this.size && this.rawSize <= this.options.limit;
  }

  /** The pickle goes on past `limit`, where reading stopped. */
  get capped(): boolean {
    return !this.whole && (this.inflater ? this.inflater.full : this.rawSize >= this.options.limit);
  }

  /** Reads the next range; false when there is nothing more to read (the whole pickle, or up to the limit). */
  async more(): Promise<boolean> {
    if (this.whole || this.capped || this.offset >= this.size) return false;
    await this.take(await this.read(this.offset, this.nextRange()));
    return true;
  }

  /** Reads every range up to the end of the pickle or the limit. */
  async rest(): Promise<void> {
    while (await this.more());
  }

  /** The uncompressed pickle's size: the gzip trailer's (one four-byte request) or the blob's. */
  async totalBytes(): Promise<number> {
    if (this.whole) return this.data.length;
    if (!this.inflater) return this.size;
    const tail = await this.read(this.size - GZIP_SIZE_FIELD, GZIP_SIZE_FIELD);
    // ISIZE is the size modulo 2**32: never report less than was already inflated.
    return Math.max(gzipSizeField(tail.data), this.data.length);
  }

  /**
   * The next request's size: for a raw pickle what the limit still needs; for gzip that scaled by the
   * compression seen so far, with a tenth to spare, so an incompressible blob is not read twice over.
   */
  private nextRange(): number {
    const kept = this.inflater ? this.inflater.data.length : this.rawSize;
    const needed = this.options.limit - kept;
    const ratio = this.inflater && kept > 0 ? this.offset / kept : 1;
    const wanted = Number.isFinite(needed) ? Math.ceil(needed * ratio * 1.1) : this.options.rangeBytes;
    return Math.min(this.options.rangeBytes, Math.max(MIN_RANGE, wanted));
  }

  private async take(range: ObjectRange): Promise<void> {
    this.size = range.size;
    // A short answer before the end would loop forever: treat it as the end, which gzip then checks.
    this.offset = range.data.length > 0 ? this.offset + range.data.length : this.size;
    if (this.inflater) {
      await this.inflater.write(range.data);
      if (this.offset >= this.size) await this.inflater.end();
    } else {
      this.raw.push(range.data);
      this.rawSize += range.data.length;
    }
  }
}
