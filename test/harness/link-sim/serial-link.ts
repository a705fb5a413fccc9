// A link that sends one byte after another at a fixed rate: the time each piece finishes going out,
// in virtual time, so no timer runs per piece. Idle time is not saved up (a wire keeps no credit): a
// token bucket whose burst is one piece.

export class SerialLink {
  /** When the link is next free (performance.now() milliseconds). */
  private freeAt = 0;

  constructor(private readonly bytesPerSecond: number) {}

  /** Reserves the link for `bytes` starting no earlier than `from`; returns when they start and finish. */
  reserve(bytes: number, from: number): { start: number; finish: number } {
    const start = Math.max(this.freeAt, from);
    const finish = Number.isFinite(this.bytesPerSecond) ? start + (bytes / this.bytesPerSecond) * 1000 : start;
    this.freeAt = finish;
    return { start, finish };
  }
}
