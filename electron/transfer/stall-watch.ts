import { StratusError } from '../../shared/errors.js';

// A no-progress watchdog for one request try. A connection that goes silent (the laptop changed
// Wi-Fi, a NAT dropped the flow, a proxy holds the socket) sends no reset and no byte, and would
// hold the try until the pipeline's 10-minute timeout; a try that moves no byte for the stall
// timeout is aborted instead and fails as a retryable network error. Slow is not stalled: every
// byte moved restarts the clock, and only time on the wire counts, so a try's own waits (its turn
// under the bandwidth cap, the disk) stop it. Bytes taken by the kernel's send buffer count as
// sent: its drain is invisible here, which on a link under a few KiB/s could outlast the timeout.

export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

export class StalledError extends StratusError {
  constructor(timeoutMs: number) {
    super({
      code: 'UNREACHABLE',
      message: `No data moved for ${seconds(timeoutMs)}; the connection looks stalled.`,
      hint: 'Check the network (Wi-Fi, VPN or proxy): each stalled request was sent again, and Retry continues the transfer.',
    });
    this.name = 'StalledError';
  }
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** What a try tells its watchdog. */
export interface TryWatch {
  /** Bytes were sent or received (fits the SDK's `onProgress`). */
  moved: () => void;
  /** A wait off the wire (the bandwidth cap, a disk write): the clock stops for it. */
  off: <T>(wait: Promise<T>) => Promise<T>;
}

const UNWATCHED: TryWatch = { moved: () => undefined, off: (wait) => wait };

/** Runs one try under the watchdog; `timeoutMs` 0 runs it unwatched. */
export async function watchTry<T>(timeoutMs: number, signal: AbortSignal, attempt: (signal: AbortSignal, watch: TryWatch) => Promise<T>): Promise<T> {
  if (!(timeoutMs > 0)) return attempt(signal, UNWATCHED);
  if (signal.aborted) throw signal.reason as Error;
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  // Each chunk only notes the time; the timer, when due, sleeps again for what is left.
  let lastMoved = performance.now();
  /** Waits off the wire under way, and since when there has been one. */
  let offWire = 0;
  let pausedSince = 0;
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    timer = undefined;
    const quiet = performance.now() - lastMoved;
    if (quiet >= timeoutMs) controller.abort(new StalledError(timeoutMs));
    else timer = setTimeout(check, timeoutMs - quiet);
  };
  const watch: TryWatch = {
    moved: () => {
      lastMoved = performance.now();
      if (offWire > 0) pausedSince = lastMoved;
    },
    off: async (wait) => {
      if (offWire++ === 0) {
        pausedSince = performance.now();
        clearTimeout(timer);
      }
      try {
        return await wait;
      } finally {
        // The clock stops, not restarts: quiet time on the wire before the wait still counts.
        if (--offWire === 0 && !controller.signal.aborted) {
          lastMoved += performance.now() - pausedSince;
          check();
        }
      }
    },
  };
  timer = setTimeout(check, timeoutMs);
  try {
    return await attempt(controller.signal, watch);
  } catch (err) {
    // Whatever the aborted request threw (an AbortError, a cut stream), the stall is the reason.
    if (!signal.aborted && controller.signal.reason instanceof StalledError) throw controller.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
  }
}
