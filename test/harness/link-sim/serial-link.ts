// A link that sends one byte after another at a fixed rate: the time each piece starts and finishes
// going out, in virtual time, so no timer runs per piece. A token bucket: idle time is saved up to
// BURST_MS of the rate, so a reader woken a few milliseconds late (timers on a busy machine) sends
// what the link could have sent meanwhile, and the long-run rate still never exceeds the cap.

const BURST_MS = 10;

export class SerialLink {
  /** When the link is next free (performance.now() milliseconds). */
  private freeAt = 0;

  constructor(private readonly bytesPerSecond: number) {}

  /** Reserves the link for `bytes` starting no earlier than `from` less the saved-up burst; returns when they start and finish. */
  reserve(bytes: number, from: number): { start: number; finish: number } {
    if (!Number.isFinite(this.bytesPerSecond)) return { start: from, finish: from };
    const start = Math.max(this.freeAt, from - BURST_MS);
    const finish = start + (bytes / this.bytesPerSecond) * 1000;
    this.freeAt = finish;
    return { start, finish };
  }
}
