import { RestError, createHttpHeaders } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { blockCount, blockId, blockSizeFor, MAX_BLOCKS, MiB } from '../../electron/transfer/block-plan.js';
import { backoffMs, DEFAULT_RETRY, isRetryable, isThrottle, retryAfterMs } from '../../electron/transfer/retry.js';

function restError(status: number, headers: Record<string, string> = {}): RestError {
  const request = { headers: createHttpHeaders() } as never;
  return new RestError(`status ${status}`, { statusCode: status, response: { status, headers: createHttpHeaders(headers), request } });
}

describe('block plan', () => {
  it('uses blocks of at least 4 MiB and never more than 50,000 of them', () => {
    for (const size of [4 * MiB + 1, 63 * MiB, 64 * MiB, 1024 * MiB, 200 * 1024 * MiB, 4.75 * 1024 * 1024 * MiB]) {
      const block = blockSizeFor(size);
      expect(block).toBeGreaterThanOrEqual(4 * MiB);
      expect(blockCount(size, block)).toBeLessThanOrEqual(MAX_BLOCKS);
    }
    expect(() => blockSizeFor(200_000 * 4000 * MiB)).toThrow(/larger than a block blob/);
  });

  it('names blocks deterministically per job, all of one length', () => {
    const job = '0d6e6c5a-3f7b-4d8e-9a1b-2c3d4e5f6a7b';
    expect(blockId(job, 7)).toBe(blockId(job, 7));
    expect(blockId(job, 7)).not.toBe(blockId(job, 8));
    expect(new Set([0, 9, 49_999].map((i) => blockId(job, i).length)).size).toBe(1);
  });
});

describe('retries', () => {
  it('retry 408, 429 and 5xx and network failures, but not other answers or a cancel', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) expect(isRetryable(restError(status)), String(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 412, 416]) expect(isRetryable(restError(status)), String(status)).toBe(false);
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }))).toBe(false);
    expect(isThrottle(restError(503))).toBe(true);
    expect(isThrottle(restError(500))).toBe(false);
  });

  it('honour Retry-After in seconds or as a date', () => {
    expect(retryAfterMs(restError(503, { 'retry-after': '3' }))).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(restError(429, { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(restError(503))).toBeUndefined();
  });

  it('back off exponentially with full jitter, capped', () => {
    expect(backoffMs(0, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.baseDelayMs);
    expect(backoffMs(3, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.baseDelayMs * 8);
    expect(backoffMs(30, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
    expect(backoffMs(5, DEFAULT_RETRY, () => 0)).toBe(0);
  });
});
