import { RestError } from '@azure/storage-blob';
import { StalledError } from './stall-watch.js';

// Retries of one request with exponential backoff and full jitter, honouring Retry-After. The SDK's
// own retry policy is off in the transfer pipeline (transfer-client.ts) so that every retry passes
// here: counted, visible to the concurrency tuner, and stopped at once by pause or cancel.

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 30_000 };

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'UND_ERR_SOCKET', 'REQUEST_SEND_ERROR', 'ERR_STREAM_PREMATURE_CLOSE',
]);

export function statusOf(err: unknown): number | undefined {
  return err instanceof RestError ? err.statusCode : undefined;
}

/** Throttling answers: the tuner lowers the request limit when it sees them. */
export function isThrottle(err: unknown): boolean {
  const status = statusOf(err);
  return status === 429 || status === 503;
}

export function isRetryable(err: unknown): boolean {
  if (err instanceof StalledError) return true;
  const status = statusOf(err);
  if (status !== undefined && status !== 0) return status === 408 || status === 429 || status >= 500;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  // A connection closed mid-response surfaces as a RestError without a status, or as a plain stream error.
  const message = err instanceof Error ? err.message : '';
  return /socket hang up|aborted|premature close|ECONNRESET|network|terminated/i.test(message) && (err as Error).name !== 'AbortError';
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(err: unknown, now = Date.now()): number | undefined {
  if (!(err instanceof RestError)) return undefined;
  const value = err.response?.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffMs(attempt: number, options: RetryOptions, random = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryHooks {
  signal: AbortSignal;
  onRetry(err: unknown): void;
  options?: RetryOptions;
}

export async function withRetry<T>(attemptFn: () => Promise<T>, hooks: RetryHooks): Promise<T> {
  const options = hooks.options ?? DEFAULT_RETRY;
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptFn();
    } catch (err) {
      if (hooks.signal.aborted) throw hooks.signal.reason as Error;
      if (attempt + 1 >= options.maxAttempts || !isRetryable(err)) throw err;
      hooks.onRetry(err);
      await sleep(Math.max(retryAfterMs(err) ?? 0, backoffMs(attempt, options)), hooks.signal);
    }
  }
}
