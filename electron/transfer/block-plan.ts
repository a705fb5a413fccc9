// How a file is cut into blocks, and the block ids: fixed length (the service requires one length
// per blob) and deterministic per job, so a resumed job recognises the blocks it staged before.

export const MiB = 1024 * 1024;
/** Files up to this size go in one Put Blob. */
export const SINGLE_PUT_LIMIT = 4 * MiB;
export const MIN_BLOCK = 4 * MiB;
/** 8 MiB blocks measured fastest here (see AZURITE.md); larger files grow blocks to stay under the limit. */
export const PREFERRED_BLOCK = 8 * MiB;
export const MAX_BLOCKS = 50_000;
/** Azure's largest block. */
export const MAX_BLOCK = 4000 * MiB;

export function blockSizeFor(size: number): number {
  const needed = Math.ceil(size / MAX_BLOCKS / MiB) * MiB;
  const preferred = size >= 64 * MiB ? PREFERRED_BLOCK : MIN_BLOCK;
  const block = Math.max(preferred, needed);
  if (block > MAX_BLOCK) throw new RangeError(`A file of ${size} bytes is larger than a block blob can hold.`);
  return block;
}

export function blockCount(size: number, blockSize: number): number {
  return Math.max(1, Math.ceil(size / blockSize));
}

/** `<job uuid>-<6-digit index>`, base64: 43 characters before encoding for every block of every job. */
export function blockId(jobId: string, index: number): string {
  return Buffer.from(`${jobId}-${String(index).padStart(6, '0')}`).toString('base64');
}

export function blockRange(index: number, size: number, blockSize: number): { offset: number; length: number } {
  const offset = index * blockSize;
  return { offset, length: Math.min(blockSize, size - offset) };
}
