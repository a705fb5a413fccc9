// Reused buffers for file data, shared with the hashing threads (no copy per message). Shared
// memory is freed only when every thread that saw it collects its garbage, which a quiet worker
// may put off for long: reusing a few buffers keeps memory at the budget whatever the GC does.

export class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;

  constructor(private readonly maxFreeBytes: number) {}

  take(size: number): Buffer {
    const reused = this.free.get(size)?.pop();
    if (reused) {
      this.freeBytes -= size;
      return reused;
    }
    return Buffer.from(new SharedArrayBuffer(size));
  }

  /** Lets the garbage collector have the free buffers: an idle app holds no transfer memory. */
  clear(): void {
    this.free.clear();
    this.freeBytes = 0;
  }

  /** Only once nothing (request, hash) reads the buffer any more. */
  give(buffer: Buffer): void {
    if (this.freeBytes + buffer.length > this.maxFreeBytes) return;
    const list = this.free.get(buffer.length) ?? [];
    list.push(buffer);
    this.free.set(buffer.length, list);
    this.freeBytes += buffer.length;
  }
}
