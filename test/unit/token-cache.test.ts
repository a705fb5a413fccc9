import { describe, expect, it } from 'vitest';
import { DEFAULT_REFRESH_MARGIN_MS, TokenCache } from '../../electron/azure/token-cache.js';
import { CountingCredential } from '../harness/jwt.js';

// The token cache alone, on a fake clock: the credential counts its getToken calls, which is the
// cost (0.5-1 s each with the Azure CLI) the cache exists to avoid.

const SCOPES = ['https://storage.azure.com/.default'];
const MINUTE = 60_000;

function setup(options: { latencyMs?: number; lifetimeMs?: number } = {}) {
  let time = Date.UTC(2026, 0, 1);
  const now = () => time;
  const credential = new CountingCredential({ now, ...options });
  const cache = new TokenCache({ now });
  return {
    credential,
    cache,
    get: (tenantId?: string) => cache.getToken(credential, SCOPES, tenantId).then((t) => t.token),
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe('TokenCache', () => {
  it('reuses one token for every call until the refresh margin', async () => {
    const { credential, get, advance } = setup();
    const first = await get();
    advance(60 * MINUTE - DEFAULT_REFRESH_MARGIN_MS - 1);
    for (let i = 0; i < 100; i++) expect(await get()).toBe(first);
    expect(credential.calls).toBe(1);
  });

  it('makes 50 concurrent first calls share one getToken call', async () => {
    const { credential, get } = setup({ latencyMs: 20 });
    const tokens = await Promise.all(Array.from({ length: 50 }, () => get()));
    expect(credential.calls).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toBe(credential.issued[0].token);
  });

  it('inside the margin, hands out the current token at once and refreshes it once in the background', async () => {
    const { credential, get, advance } = setup({ latencyMs: 50 });
    const first = await get();
    advance(60 * MINUTE - DEFAULT_REFRESH_MARGIN_MS + MINUTE);
    const during = await Promise.all(Array.from({ length: 10 }, () => get()));
    // Every caller got the old token while the one refresh is still running.
    expect(during).toEqual(Array(10).fill(first));
    expect(credential.calls).toBe(2);
    expect(credential.issued).toHaveLength(1);
    await credential.idle();
    expect(await get()).toBe(credential.issued[1].token);
    expect(credential.issued[1].token).not.toBe(first);
    expect(credential.calls).toBe(2);
  });

  it('refreshes a token that arrives inside the margin halfway to its expiry, not on every call', async () => {
    const { credential, get, advance } = setup({ lifetimeMs: 4 * MINUTE });
    const first = await get();
    advance(MINUTE);
    for (let i = 0; i < 20; i++) {
      expect(await get()).toBe(first);
      await credential.idle();
    }
    expect(credential.calls).toBe(1);
    advance(MINUTE);
    expect(await get()).toBe(first);
    await credential.idle();
    expect(credential.calls).toBe(2);
    const second = credential.issued[1].token;
    for (let i = 0; i < 20; i++) expect(await get()).toBe(second);
    expect(credential.calls).toBe(2);
  });

  it('after a failed background refresh keeps the current token and tries again later, not on every call', async () => {
    const { credential, get, advance } = setup();
    const first = await get();
    advance(56 * MINUTE);
    credential.failNext(1, new Error('az: not logged in'));
    expect(await get()).toBe(first);
    await credential.idle();
    expect(credential.calls).toBe(2);
    for (let i = 0; i < 20; i++) expect(await get()).toBe(first);
    expect(credential.calls).toBe(2);
    // 4 minutes were left at the failure: the next attempt comes halfway through them.
    advance(2 * MINUTE);
    expect(await get()).toBe(first);
    await credential.idle();
    expect(credential.calls).toBe(3);
    expect(await get()).toBe(credential.issued[1].token);
  });

  it('replaces an expired token with exactly one getToken call, shared by concurrent callers', async () => {
    const { credential, get, advance } = setup({ latencyMs: 10 });
    const first = await get();
    advance(61 * MINUTE);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => get()));
    expect(credential.calls).toBe(2);
    expect(new Set(tokens)).toEqual(new Set([credential.issued[1].token]));
    expect(tokens[0]).not.toBe(first);
  });

  it('fetches a new token after the current one is invalidated, and ignores an invalidation of an older one', async () => {
    const { credential, cache, get } = setup();
    const first = await get();
    cache.invalidate(credential, SCOPES, undefined, first);
    const second = await get();
    expect(second).not.toBe(first);
    expect(credential.calls).toBe(2);
    // A late refusal of the first token (another request that carried it) must not drop the second.
    cache.invalidate(credential, SCOPES, undefined, first);
    expect(await get()).toBe(second);
    expect(credential.calls).toBe(2);
  });

  it('keeps tokens apart by tenant, scopes and credential, but not by the order of the scopes', async () => {
    const { credential, cache, get } = setup();
    const home = await get('tenant-a');
    const guest = await get('tenant-b');
    expect(guest).not.toBe(home);
    expect(await get('tenant-a')).toBe(home);
    expect(credential.requests.map((r) => r.tenantId)).toEqual(['tenant-a', 'tenant-b']);

    await cache.getToken(credential, ['a/.default', 'b/.default']);
    await cache.getToken(credential, ['b/.default', 'a/.default']);
    await cache.getToken(credential, ['a/.default']);
    expect(credential.calls).toBe(4);

    const other = new CountingCredential();
    await cache.getToken(other, SCOPES, 'tenant-a');
    expect(other.calls).toBe(1);
    expect(credential.calls).toBe(4);
  });

  it('hands a getToken failure to every waiting caller, and the next call tries again', async () => {
    const { credential, get } = setup({ latencyMs: 10 });
    const failure = new Error('az: not logged in');
    credential.failNext(1, failure);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => get()));
    expect(results).toEqual(Array(5).fill({ status: 'rejected', reason: failure }));
    expect(credential.calls).toBe(1);
    expect(await get()).toBe(credential.issued[0].token);
    expect(credential.calls).toBe(2);
  });
});
