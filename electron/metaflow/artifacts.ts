import type { AccessTier, BlobTier, RehydratePriority } from '../../shared/access-tier.js';
import type { ArtifactEntry, Json } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import { CAS_FOLDER } from './layout.js';
import { blobPreview, blobToJson } from './pickle/decode-pool.js';
import { PickleError } from './pickle/errors.js';
import type { JsonValue } from './pickle/json.js';
import { previewRanges } from './pickle/preview.js';
import { RangedPickle, type ReadRange } from './pickle/ranged-pickle.js';
import type { PicklePreview } from '../../shared/preview-types.js';

// Artifacts live once per flow in the content-addressed store: `<Flow>/data/<sha[:2]>/<sha>`.
// They are read in ranges: a preview downloads about what it decodes, and a whole value is read
// only up to WHOLE_PICKLE_BYTES, so no artifact, however large, is held in memory whole.

/** Preview caps: enough to show the start of any value without reading a large artifact whole. */
export const PREVIEW_BYTES = 1024 * 1024;
export const PREVIEW_ITEMS = 200;
/** A preview's first request; it asks for more only if the decoder runs out before PREVIEW_BYTES of pickle. */
export const PREVIEW_RANGE_BYTES = 1024 * 1024;
/** The largest pickle decoded or downloaded whole in memory; a larger one is offered as its blob. */
export const WHOLE_PICKLE_BYTES = 256 * 1024 * 1024;
/** Requests of a whole read: few round trips, little memory besides the pickle itself. */
const WHOLE_RANGE_BYTES = 8 * 1024 * 1024;

/** A preview as it crosses IPC; the router checks it against the contract's Json schema. */
export interface JsonPreview extends Omit<PicklePreview, 'value'> {
  value: Json;
  /** The whole value can be loaded (its pickle is at most WHOLE_PICKLE_BYTES); else the UI offers the blob. */
  loadable: boolean;
  /** The CAS blob (gzip of the pickle), to download as it is when the value is too large to load. */
  blob: string;
  /** Set when the blob is in Archive (or being rehydrated): nothing could be read, and this says why. */
  archived?: BlobTier;
}

export class ArtifactReader {
  constructor(
    private readonly store: ObjectStore,
    /** The sysroot's blob prefix: '' or ending in '/'. */
    private readonly root: string,
    private readonly wholePickleBytes = WHOLE_PICKLE_BYTES,
  ) {}

  blobName(flow: string, sha: string): string {
    if (!/^[0-9a-f]{6,128}$/i.test(sha)) {
      throw new StratusError({ code: 'CORRUPT_DATA', message: `"${sha}" is not an artifact key (a hex sha).` });
    }
    return `${this.root}${flow}/${CAS_FOLDER}/${sha.slice(0, 2)}/${sha}`;
  }

  private ranges(name: string): ReadRange {
    return (offset, length) => this.store.readRange(name, offset, length);
  }

  async preview(flow: string, entry: ArtifactEntry, full: boolean): Promise<JsonPreview> {
    const what = `The artifact "${entry.name}"`;
    const blob = this.blobName(flow, entry.sha);
    try {
      const preview = full
        ? await blobPreview(await this.wholePickle(flow, entry.sha, what), { encoding: entry.encoding, maxBytes: Infinity, maxItems: 100_000 })
        : await previewRanges(this.ranges(blob), {
          encoding: entry.encoding,
          maxBytes: PREVIEW_BYTES,
          maxItems: PREVIEW_ITEMS,
          rangeBytes: PREVIEW_RANGE_BYTES,
        });
      // PreviewValue holds only JSON (no bigint, NaN or Buffer) by construction; this only widens its type.
      return { ...preview, value: preview.value as unknown as Json, loadable: preview.totalBytes <= this.wholePickleBytes, blob };
    } catch (err) {
      if (err instanceof StratusError && err.code === 'BLOB_ARCHIVED') return this.archived(blob);
      throw corrupt(err, what);
    }
  }

  /** An archived artifact's answer: no value, its blob's tier and rehydration state. */
  private async archived(blob: string): Promise<JsonPreview> {
    const tier = this.store.tier ? await this.store.tier(blob) : { accessTier: 'Archive', archiveStatus: null };
    return { value: null, complete: false, bytesRead: 0, totalBytes: 0, loadable: false, blob, archived: tier };
  }

  /** The tier of an artifact's blob; null where the store has no tiers (a local folder). */
  async tier(flow: string, sha: string): Promise<BlobTier | null> {
    return this.store.tier ? this.store.tier(this.blobName(flow, sha)) : null;
  }

  /** Set Blob Tier on an artifact's blob: out of Archive, a rehydration at `priority`. */
  async setTier(flow: string, sha: string, tier: AccessTier, priority: RehydratePriority): Promise<BlobTier> {
    if (!this.store.setTier || !this.store.tier) {
      throw new StratusError({ code: 'INVALID_ARGUMENT', message: `${this.store.description} has no access tiers: only Azure Blob Storage does.` });
    }
    const blob = this.blobName(flow, sha);
    await this.store.setTier(blob, tier, priority);
    return this.store.tier(blob);
  }

  /** The artifact's pickle, ungzipped: what Python's pickle.loads takes. */
  async pickle(flow: string, sha: string, what: string): Promise<Buffer> {
    try {
      return await this.wholePickle(flow, sha, what);
    } catch (err) {
      throw corrupt(err, what);
    }
  }

  /** An artifact decoded whole to plain JSON (the DAG, parameters, `_task_ok`, "download as JSON"). */
  async json(flow: string, sha: string, what: string): Promise<JsonValue> {
    try {
      return await blobToJson(await this.wholePickle(flow, sha, what));
    } catch (err) {
      throw corrupt(err, what);
    }
  }

  /** The whole pickle, read range by range through gunzip; refused past wholePickleBytes, before or while reading. */
  private async wholePickle(flow: string, sha: string, what: string): Promise<Buffer> {
    const name = this.blobName(flow, sha);
    const source = await RangedPickle.open(this.ranges(name), { rangeBytes: WHOLE_RANGE_BYTES, limit: this.wholePickleBytes });
    const declared = await source.totalBytes();
    if (declared > this.wholePickleBytes) throw this.tooLarge(name, what, mib(declared));
    await source.rest();
    // The trailer's size is modulo 4 GiB, so a larger pickle may only show itself here.
    if (source.capped) throw this.tooLarge(name, what, `more than ${mib(this.wholePickleBytes)}`);
    return source.data;
  }

  private tooLarge(name: string, what: string, size: string): StratusError {
    return new StratusError({
      code: 'TOO_LARGE',
      message: `${what} is too large to load whole: ${size} of pickle, where Stratus loads at most ${mib(this.wholePickleBytes)} in memory. Its preview shows the start of it.`,
      hint: `Download its blob "${name}" (gzip of the pickle) from ${this.store.description}, e.g. in the Blobs tab, or load it in Python with Metaflow's client.`,
    });
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function corrupt(err: unknown, what: string): StratusError {
  if (err instanceof PickleError) return new StratusError({ code: 'CORRUPT_DATA', message: `${what} cannot be read: ${err.message}.` });
  return err instanceof StratusError ? err : new StratusError({ code: 'INTERNAL', message: `${what} cannot be read.`, detail: String(err) });
}
