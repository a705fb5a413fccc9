import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type Compressors, type SchemaTree } from 'hyparquet';
import type { BlobPreview } from '../../shared/schemas/blob-details.js';
import type { ReadRange } from '../metaflow/pickle/ranged-pickle.js';

// A parquet file's schema and first rows, read with hyparquet (pure JS, no native code) through
// ranged reads: the footer first, then only the column chunks the first rows are in, all within a
// byte budget so a 50 GB file costs a few MiB to preview.

type ParquetPreview = Extract<BlobPreview, { kind: 'parquet' }>;

export interface ParquetLimits {
  /** Bytes read at most, footer included. */
  budget: number;
  rows: number;
  /** Characters per cell shown. */
  cellChars: number;
}

/** Snappy is built into hyparquet; gzip and brotli come from Node. ZSTD and LZ4 are refused with a note. */
const COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input) => new Uint8Array(brotliDecompressSync(input)),
};

class OverBudget extends Error {}

/** hyparquet's file: ranges read on demand, counted against the budget. */
function rangedFile(read: ReadRange, size: number, budget: number): { file: AsyncBuffer; bytesRead: () => number } {
  let used = 0;
  const file: AsyncBuffer = {
    byteLength: size,
    async slice(start, end = size) {
      const length = end - start;
      if (used + length > budget) throw new OverBudget();
      used += length;
      const { data } = await read(start, length);
      return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    },
  };
  return { file, bytesRead: () => used };
}

function typeOf(node: SchemaTree): string {
  const e = node.element;
  if (node.children.length > 0) return e.logical_type?.type ?? e.converted_type ?? 'group';
  const physical = e.type ?? 'unknown';
  const annotation = e.logical_type?.type ?? e.converted_type;
  return annotation === undefined ? physical : `${physical} (${annotation})`;
}

function cellText(value: unknown, max: number): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? 'Invalid date' : value.toISOString();
  else if (value instanceof Uint8Array) text = `<${value.length} bytes>`;
  else text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v)) ?? '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export async function previewParquet(read: ReadRange, size: number, limits: ParquetLimits): Promise<ParquetPreview> {
  const { file, bytesRead } = rangedFile(read, size, limits.budget);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    const reason = err instanceof OverBudget ? 'its footer is larger than the preview reads' : `it is not a readable parquet file (${(err as Error).message})`;
    return { kind: 'parquet', columns: [], rows: [], rowCount: 0, rowGroups: 0, note: `No schema is shown: ${reason}.`, bytesRead: bytesRead(), totalBytes: size };
  }
  const columns = parquetSchema(metadata).children.map((child) => ({ name: child.element.name, type: typeOf(child) }));
  const rowCount = Number(metadata.num_rows);
  const base = { kind: 'parquet' as const, columns, rowCount, rowGroups: metadata.row_groups.length, totalBytes: size };
  try {
    const objects = await parquetReadObjects({ file, metadata, rowStart: 0, rowEnd: Math.min(rowCount, limits.rows), compressors: COMPRESSORS });
    const rows = objects.map((row) => columns.map((c) => cellText(row[c.name], limits.cellChars)));
    return { ...base, rows, note: null, bytesRead: bytesRead() };
  } catch (err) {
    const note =
      err instanceof OverBudget
        ? `The first rows are in a row group larger than the ${Math.round(limits.budget / 2 ** 20)} MiB a preview reads; only the schema is shown.`
        : `The rows could not be read (${(err as Error).message}); only the schema is shown.`;
    return { ...base, rows: [], note, bytesRead: bytesRead() };
  }
}
