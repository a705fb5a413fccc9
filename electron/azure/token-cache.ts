import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

// One cache of access tokens for every Blob client in the app. The SDK caches a token per client
// pipeline and, inside its 2-minute refresh window, asks for a new one on every request; with the
// Azure CLI credential (0.5-1 s a token) that cost would be paid per client and per request.
// Here a token is fetched once per credential + tenant + scopes, concurrent requests share one
// fetch, and a token is refreshed in the background a few minutes before it expires.

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

interface Entry {
  token?: AccessToken;
  /** When a call should start a background refresh of `token`. */
  refreshAt: number;
  inflight?: Promise<AccessToken>;
}

export interface TokenCacheOptions {
  refreshMarginMs?: number;
  now?: () => number;
}

export class TokenCache {
  // Per credential object, so a credential and its tokens are forgotten together.
  private readonly entries = new WeakMap<TokenCredential, Map<string, Entry>>();
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  constructor(options: TokenCacheOptions = {}) {
    this.refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.now = options.now ?? Date.now;
  }

  async getToken(credential: TokenCredential, scopes: string[], tenantId?: string): Promise<AccessToken> {
    const entry = this.entry(credential, scopes, tenantId);
    const token = entry.token;
    const now = this.now();
    if (token && now < token.expiresOnTimestamp) {
      // Still valid but close to expiry: hand it out and refresh behind the caller's back. A failure
      // leaves the token in hand, and fetch() plans the next attempt.
      if (now >= entry.refreshAt && !entry.inflight) this.fetch(entry, credential, scopes, tenantId).catch(() => undefined);
      return token;
    }
    return entry.inflight ?? this.fetch(entry, credential, scopes, tenantId);
  }

  /** Forgets `rejected` (a token the service refused), so the next getToken fetches a new one. */
  invalidate(credential: TokenCredential, scopes: string[], tenantId: string | undefined, rejected: string): void {
    const entry = this.entry(credential, scopes, tenantId);
    if (entry.token?.token === rejected) entry.token = undefined;
  }

  private entry(credential: TokenCredential, scopes: string[], tenantId?: string): Entry {
    let byKey = this.entries.get(credential);
    if (!byKey) {
      byKey = new Map();
      this.entries.set(credential, byKey);
    }
    const key = `${tenantId ?? ''}|${[...scopes].sort().join(' ')}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { refreshAt: 0 };
      byKey.set(key, entry);
    }
    return entry;
  }

  /**
   * Halfway from now to `expiresOn`. A token that arrives already inside the margin (short-lived, or
   * a credential handing back its own cached token) is refreshed then, and a failed refresh is tried
   * again then: a few calls over the token's remaining life, not one per request.
   */
  private halfwayTo(expiresOn: number): number {
    const now = this.now();
    return now + (expiresOn - now) / 2;
  }

  private fetch(entry: Entry, credential: TokenCredential, scopes: string[], tenantId?: string): Promise<AccessToken> {
    const options: GetTokenOptions = tenantId ? { tenantId } : {};
    // refreshAt is set before inflight is cleared, so that no caller in between starts another fetch.
    const inflight = credential
      .getToken(scopes, options)
      .then(
        (token) => {
          if (!token) throw new Error('The credential returned no token.');
          entry.token = token;
          const planned = token.refreshAfterTimestamp ?? token.expiresOnTimestamp - this.refreshMarginMs;
          entry.refreshAt = Math.max(planned, this.halfwayTo(token.expiresOnTimestamp));
          return token;
        },
        (error: unknown) => {
          if (entry.token) entry.refreshAt = this.halfwayTo(entry.token.expiresOnTimestamp);
          throw error;
        },
      )
      .finally(() => {
        if (entry.inflight === inflight) entry.inflight = undefined;
      });
    entry.inflight = inflight;
    return inflight;
  }
}
