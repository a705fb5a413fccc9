import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pickle, PyFloat, PyInstance, PyTuple, type PickleValue } from './pickle-writer.js';

// Metaflow's CAS: `<Flow>/data/<sha[:2]>/<sha>`, gzip of the pickle, named by the sha1 of the pickle. Written once per value.

const CAS_METADATA = { metaflow_user_attributes: '{"cas_raw": false, "cas_version": 1}' };
const GZIP_LEVEL = 3;

export interface Stored {
  sha: string;
  size: number;
  type: string;
}

function pythonType(value: PickleValue): string {
  const name =
    value === null ? 'NoneType'
    : typeof value === 'boolean' ? 'bool'
    : typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)) ? 'int'
    : typeof value === 'number' || value instanceof PyFloat ? 'float'
    : typeof value === 'string' ? 'str'
    : value instanceof Uint8Array ? 'bytes'
    : value instanceof PyTuple ? 'tuple'
    : value instanceof PyInstance ? `${value.module}.${value.name}`
    : Array.isArray(value) ? 'list'
    : 'dict';
  return `<class '${name}'>`;
}

/** Metaflow's `GzipFile(compresslevel=3)`: zlib's deflate stream with Python's header (the mtime, OS 255). */
function gzipLikeMetaflow(raw: Buffer, mtimeSeconds: number): Buffer {
  const gz = gzipSync(raw, { level: GZIP_LEVEL });
  gz.writeUInt32LE(Math.floor(mtimeSeconds) >>> 0, 4);
  gz[9] = 0xff;
  return gz;
}

export class ContentStore {
  private readonly written = new Set<string>();
  private readonly constants = new Map<string, Stored>();

  constructor(
    private readonly dataPrefix: string,
    private readonly write: (name: string, bytes: Buffer, metadata?: Record<string, string>) => Promise<void>,
  ) {}

  get size(): number {
    return this.written.size;
  }

  async store(value: PickleValue, mtime: number, type = pythonType(value)): Promise<Stored> {
    const raw = pickle(value);
    const sha = createHash('sha1').update(raw).digest('hex');
    // Like Metaflow, which HEADs the CAS before each PUT: a value already stored is not written again.
    if (!this.written.has(sha)) {
      this.written.add(sha);
      await this.write(`${this.dataPrefix}${sha.slice(0, 2)}/${sha}`, gzipLikeMetaflow(raw, mtime), CAS_METADATA);
    }
    return { sha, size: raw.length, type };
  }

  /** For values repeated in every task (flags, the graph): pickled and hashed once per generator run. */
  async constant(key: string, make: () => PickleValue, mtime: number): Promise<Stored> {
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const stored = await this.store(make(), mtime);
    this.constants.set(key, stored);
    return stored;
  }
}
