import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

// One cache of access tokens for every Blob client in the app. The SDK caches a token per client
// pipeline and, inside its 2-minute refresh window, asks for a new one on every request; with the
// Azure CLI credential (0.5-1 s a token) that cost would be paid per client and per request.
// Here a token is fetched once per credential + tenant + scopes, concurrent requests share one
// fetch, and a token is refreshed in the background a few minutes before it expires.

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

interface Entry {
  token?: AccessToken;
  inflight?: Promise<AccessToken>;
}

export interface TokenCacheOptions {
  refreshMarginMs?: number;
  now?: () => number;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly credentialIds = new WeakMap<TokenCredential, number>();
  private nextCredentialId = 1;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  constructor(options: TokenCacheOptions = {}) {
    this.refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.now = options.now ?? Date.now;
  }

  async getToken(credential: TokenCredential, scopes: string[], tenantId?: string): Promise<AccessToken> {
    const entry = this.entry(credential, scopes, tenantId);
    const now = this.now();
    const token = entry.token;
    if (token && now < token.expiresOnTimestamp) {
      const refreshAt = token.refreshAfterTimestamp ?? token.expiresOnTimestamp - this.refreshMarginMs;
      // Still valid but close to expiry: hand it out and refresh behind the caller's back.
      if (now >= refreshAt && !entry.inflight) this.fetch(entry, credential, scopes, tenantId).catch(() => undefined);
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
    let id = this.credentialIds.get(credential);
    if (id === undefined) {
      id = this.nextCredentialId++;
      this.credentialIds.set(credential, id);
    }
    const key = `${id}|${tenantId ?? ''}|${[...scopes].sort().join(' ')}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {};
      this.entries.set(key, entry);
    }
    return entry;
  }

  private fetch(entry: Entry, credential: TokenCredential, scopes: string[], tenantId?: string): Promise<AccessToken> {
    const options: GetTokenOptions = tenantId ? { tenantId } : {};
    const inflight = credential
      .getToken(scopes, options)
      .then((token) => {
        if (!token) throw new Error('The credential returned no token.');
        entry.token = token;
        return token;
      })
      .finally(() => {
        if (entry.inflight === inflight) entry.inflight = undefined;
      });
    entry.inflight = inflight;
    return inflight;
  }
}
