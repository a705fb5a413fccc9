import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StalledError, watchTry, type TryWatch } from '../../electron/transfer/stall-watch.js';

// The watchdog of one request try: silence on the wire for the timeout aborts the try with a
// stall; any byte moved restarts the clock; a wait off the wire stops it without restarting it; a
// job's own abort (pause, cancel) stays what it is.

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
});

/** A try that runs `steps` against its watch, then waits until its signal is aborted or resolves after `endAfterMs`. */
function attempt(steps: (watch: TryWatch) => Promise<void>, endAfterMs?: number) {
  return (signal: AbortSignal, watch: TryWatch) =>
    new Promise<string>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      void steps(watch).then(() => {
        if (endAfterMs !== undefined) setTimeout(() => resolve('answered'), endAfterMs);
      });
    });
}

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What the try ended with (its value or its error) once `ms` have passed. */
async function settle(run: Promise<unknown>, ms: number): Promise<unknown> {
  const caught = run.catch((err: unknown) => err);
  await vi.advanceTimersByTimeAsync(ms);
  return caught;
}

describe('the stall watchdog', () => {
  it('aborts a try that moves nothing for the timeout with a stall, saying how long', async () => {
    const result = await settle(watchTry(1000, new AbortController().signal, attempt(async () => undefined)), 1000);
    expect(result).toBeInstanceOf(StalledError);
    expect((result as StalledError).message).toBe('No data moved for 1 s; the connection looks stalled.');
  });

  it('lets a slow try that keeps moving run however long it takes', async () => {
    const steps = async (watch: TryWatch) => {
      for (let i = 0; i < 20; i++) {
        await tick(900);
        watch.moved();
      }
    };
    expect(await settle(watchTry(1000, new AbortController().signal, attempt(steps, 500)), 20_000)).toBe('answered');
  });

  it('stops the clock during waits off the wire, without restarting it', async () => {
    const wait = (watch: TryWatch) => watch.off(tick(5000));
    expect(await settle(watchTry(1000, new AbortController().signal, attempt(async (w) => wait(w), 900)), 6000)).toBe('answered');
    // 600 ms quiet before the wait and 600 after: 1.2 s of silence on the wire.
    const quietAround = async (w: TryWatch) => {
      await tick(600);
      await wait(w);
    };
    expect(await settle(watchTry(1000, new AbortController().signal, attempt(quietAround, 600)), 7000)).toBeInstanceOf(StalledError);
  });

  it("leaves the job's own abort as it is, and does not watch with a timeout of 0", async () => {
    const job = new AbortController();
    const run = settle(watchTry(1000, job.signal, attempt(async () => undefined)), 500);
    job.abort(new Error('paused'));
    expect(await run).toEqual(new Error('aborted'));
    expect(await settle(watchTry(0, new AbortController().signal, attempt(async () => undefined, 60_000)), 60_000)).toBe('answered');
  });
});
