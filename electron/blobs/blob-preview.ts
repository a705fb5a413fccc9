import type { BlobPreview } from '../../shared/schemas/blob-details.js';
import type { AzureAccess } from '../azure/azure-access.js';
import { AzureObjectStore } from '../azure/azure-object-store.js';
import { PickleError } from '../metaflow/pickle/errors.js';
import { isGzip } from '../metaflow/pickle/gzip.js';
import { previewRanges } from '../metaflow/pickle/preview.js';
import type { ReadRange } from '../metaflow/pickle/ranged-pickle.js';
import { previewParquet } from './parquet-preview.js';

// A blob's content shown as what it is, reading only a bounded range of it. What it is comes from
// its bytes where they say (image and parquet magic, a pickle's protocol byte, gzip), else from its
// name's extension and content type, else text if its start decodes as UTF-8 without NULs. A
// pickle (a Metaflow CAS blob is gzip of one) goes through the artifact decoder the Metaflow views use.

export const TEXT_BYTES = 256 * 1024;
/** Images are shown whole or not at all; past this they are a download. */
export const IMAGE_BYTES = 4 * 1024 * 1024;
export const PARQUET_BUDGET = 8 * 1024 * 1024;
export const PARQUET_ROWS = 50;
const PICKLE_BYTES = 1024 * 1024;
const PICKLE_ITEMS = 200;

type ImageType = Extract<BlobPreview, { kind: 'image' }>['mimeType'];
type TextFormat = Extract<BlobPreview, { kind: 'text' }>['format'];

const EXTENSION_FORMAT: Record<string, TextFormat> = { json: 'json', jsonl: 'text', csv: 'csv', tsv: 'tsv' };
const CONTENT_TYPE_FORMAT: Record<string, TextFormat> = { 'application/json': 'json', 'text/csv': 'csv', 'text/tab-separated-values': 'tsv' };

function extension(name: string): string {
  const leaf = name.slice(name.lastIndexOf('/') + 1);
  const dot = leaf.lastIndexOf('.');
  return dot > 0 ? leaf.slice(dot + 1).toLowerCase() : '';
}

function startsWith(data: Buffer, bytes: number[]): boolean {
  return data.length >= bytes.length && bytes.every((b, i) => data[i] === b);
}

/** Raster images by their magic bytes (a name or content type can lie; the browser decodes what the bytes are). */
function rasterType(head: Buffer): ImageType | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (head.subarray(0, 6).toString('latin1') === 'GIF87a' || head.subarray(0, 6).toString('latin1') === 'GIF89a') return 'image/gif';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

/** Protocol 2+ pickles open with PROTO; Metaflow's CAS blobs are gzip of one. */
function looksPickled(head: Buffer, ext: string): boolean {
  return (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) || isGzip(head) || ext === 'pkl' || ext === 'pickle';
}

/** Text when the start has no NUL and decodes as UTF-8 (a character cut at the end of the range is allowed). */
function decodeText(data: Buffer, whole: boolean): string | undefined {
  if (data.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data, { stream: !whole });
  } catch {
    return undefined;
  }
}

function textFormat(name: string, contentType: string | null): TextFormat {
  const type = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  return EXTENSION_FORMAT[extension(name)] ?? CONTENT_TYPE_FORMAT[type] ?? 'text';
}

function textPreview(name: string, contentType: string | null, data: Buffer, size: number): BlobPreview | undefined {
  const whole = data.length >= size;
  let text = decodeText(data, whole);
  if (text === undefined) return undefined;
  const format = textFormat(name, contentType);
  // A table cut mid-row would show a broken last row: keep whole lines only.
  if (!whole && (format === 'csv' || format === 'tsv') && text.includes('\n')) text = text.slice(0, text.lastIndexOf('\n') + 1);
  return { kind: 'text', format, text, bytesRead: data.length, totalBytes: size };
}

function isSvg(name: string, contentType: string | null, text: string | undefined): boolean {
  if (extension(name) === 'svg' || contentType?.toLowerCase().startsWith('image/svg+xml') === true) return true;
  return text !== undefined && /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(text.slice(0, 4096));
}

async function imagePreview(read: ReadRange, mimeType: ImageType, head: Buffer, size: number): Promise<BlobPreview> {
  if (size > IMAGE_BYTES) {
    return { kind: 'none', reason: `The image is ${mib(size)}, more than the ${mib(IMAGE_BYTES)} a preview shows; download it to see it.`, bytesRead: head.length, totalBytes: size };
  }
  const data = head.length >= size ? head : Buffer.concat([head, (await read(head.length, size - head.length)).data]);
  return { kind: 'image', mimeType, base64: data.toString('base64'), bytesRead: data.length, totalBytes: size };
}

async function picklePreview(read: ReadRange, head: Buffer, size: number): Promise<BlobPreview | undefined> {
  try {
    const preview = await previewRanges(read, { maxBytes: PICKLE_BYTES, maxItems: PICKLE_ITEMS, rangeBytes: PICKLE_BYTES });
    // PreviewValue holds only JSON by construction; this only widens its type.
    return { kind: 'pickle', value: preview.value as never, complete: preview.complete, bytesRead: Math.min(preview.bytesRead, size), totalBytes: size };
  } catch (err) {
    if (!(err instanceof PickleError)) throw err;
    if (isGzip(head)) return { kind: 'none', reason: `Gzip data that is not a Python pickle (${err.message}).`, bytesRead: head.length, totalBytes: size };
    return undefined;
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export async function previewBlob(azure: AzureAccess, container: string, name: string): Promise<BlobPreview> {
  const client = azure.service.getContainerClient(container);
  const store = new AzureObjectStore(client, azure.endpoint, azure.auth);
  const read: ReadRange = (offset, length) => store.readRange(name, offset, length);
  // The content type only refines text; a blob that cannot be read fails in read() with the clear message.
  const contentType = client
    .getBlobClient(name)
    .getProperties()
    .then((p) => p.contentType ?? null, () => null);
  const [{ data: head, size }, props] = await Promise.all([read(0, TEXT_BYTES), contentType]);
  if (size === 0) return { kind: 'none', reason: 'The blob is empty (0 bytes).', bytesRead: 0, totalBytes: 0 };
  const ext = extension(name);
  const raster = rasterType(head);
  if (raster !== undefined) return imagePreview(read, raster, head, size);
  if (head.subarray(0, 4).toString('latin1') === 'PAR1' || ext === 'parquet') {
    return previewParquet(read, size, { budget: PARQUET_BUDGET, rows: PARQUET_ROWS, cellChars: 200 });
  }
  const text = decodeText(head, head.length >= size);
  // SVG is shown as an image (an <img> runs none of its scripts), never as markup in the page.
  if (isSvg(name, props, text) && text !== undefined) return imagePreview(read, 'image/svg+xml', head, size);
  if (looksPickled(head, ext)) {
    const pickle = await picklePreview(read, head, size);
    if (pickle !== undefined) return pickle;
  }
  return (
    textPreview(name, props, head, size) ?? {
      kind: 'none',
      reason: 'Binary content of a kind Stratus does not preview (not text, JSON, CSV, an image, parquet or a pickle).',
      bytesRead: head.length,
      totalBytes: size,
    }
  );
}
