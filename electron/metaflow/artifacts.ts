import type { ArtifactEntry, Json } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import { CAS_FOLDER } from './layout.js';
import { blobPreview, blobToJson } from './pickle/decode-pool.js';
import { PickleError } from './pickle/errors.js';
import { gunzipPrefix, isGzip } from './pickle/gzip.js';
import type { JsonValue } from './pickle/json.js';
import type { ArtifactPreview } from '../../shared/preview-types.js';

// Artifacts live once per flow in the content-addressed store: `<Flow>/data/<sha[:2]>/<sha>`.

/** Preview caps: enough to show the start of any value without reading a large artifact whole. */
export const PREVIEW_BYTES = 1024 * 1024;
export const PREVIEW_ITEMS = 200;

/** A preview as it crosses IPC; the router checks it against the contract's Json schema. */
export interface JsonPreview extends Omit<ArtifactPreview, 'value'> {
  value: Json;
}

/** PreviewValue holds only JSON (no bigint, NaN or Buffer) by construction; this only widens its type. */
function asJson(preview: ArtifactPreview): JsonPreview {
  return { ...preview, value: preview.value as unknown as Json };
}

export class ArtifactReader {
  constructor(
    private readonly store: ObjectStore,
    /** The sysroot's blob prefix: '' or ending in '/'. */
    private readonly root: string,
  ) {}

  blobName(flow: string, sha: string): string {
    if (!/^[0-9a-f]{6,128}$/i.test(sha)) {
      throw new StratusError({ code: 'CORRUPT_DATA', message: `"${sha}" is not an artifact key (a hex sha).` });
    }
    return `${this.root}${flow}/${CAS_FOLDER}/${sha.slice(0, 2)}/${sha}`;
  }

  async preview(flow: string, entry: ArtifactEntry, full: boolean): Promise<JsonPreview> {
    const blob = await this.store.read(this.blobName(flow, entry.sha));
    try {
      return asJson(await blobPreview(blob, {
        encoding: entry.encoding,
        maxBytes: full ? Infinity : PREVIEW_BYTES,
        maxItems: full ? 100_000 : PREVIEW_ITEMS,
      }));
    } catch (err) {
      throw corrupt(err, `The artifact "${entry.name}"`);
    }
  }

  /** The artifact's pickle, ungzipped: what Python's pickle.loads takes. */
  async pickle(flow: string, sha: string, what: string): Promise<Buffer> {
    const blob = await this.store.read(this.blobName(flow, sha));
    try {
      return isGzip(blob) ? (await gunzipPrefix(blob, Infinity)).data : blob;
    } catch (err) {
      throw corrupt(err, what);
    }
  }

  /** An artifact decoded whole to plain JSON (the DAG, parameters, `_task_ok`, "download as JSON"). */
  async json(flow: string, sha: string, what: string): Promise<JsonValue> {
    const blob = await this.store.read(this.blobName(flow, sha));
    try {
      return await blobToJson(blob);
    } catch (err) {
      throw corrupt(err, what);
    }
  }
}

function corrupt(err: unknown, what: string): StratusError {
  if (err instanceof PickleError) return new StratusError({ code: 'CORRUPT_DATA', message: `${what} cannot be read: ${err.message}.` });
  return err instanceof StratusError ? err : new StratusError({ code: 'INTERNAL', message: `${what} cannot be read.`, detail: String(err) });
}
