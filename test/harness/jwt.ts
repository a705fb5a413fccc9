import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

// Bearer tokens for Azurite's `--oauth basic`, which reads a JWT's claims and never checks its
// signature (see /work/shared/notes/AZURITE.md), and a TokenCredential that hands them out and
// counts how often it is asked: the cost the app's token cache exists to avoid.

/** Who every token speaks for: the app shows it as the workspace's principal. */
export const TEST_UPN = 'ada@stratus.test';
const TEST_TENANT_ID = '5c1d0e7a-0000-4000-8000-0000000057a7';
const STORAGE_AUDIENCE = 'https://storage.azure.com';
const HOUR_MS = 60 * 60_000;
// Entra back-dates iat and nbf by 5 minutes to absorb clock skew; so do these tokens.
const BACKDATE_MS = 5 * 60_000;

export interface JwtClaims {
  /** Milliseconds since the epoch, like AccessToken.expiresOnTimestamp; JWTs carry whole seconds. */
  issuedAt: number;
  expiresOn: number;
  tenantId?: string;
  audience?: string;
}

const seconds = (ms: number) => Math.floor(ms / 1000);
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned (alg none) v1 access token. Each one is a different string, even with equal claims. */
export function unsignedJwt(claims: JwtClaims): string {
  const tenantId = claims.tenantId ?? TEST_TENANT_ID;
  const issuedAt = seconds(claims.issuedAt);
  const payload = {
    aud: claims.audience ?? STORAGE_AUDIENCE,
    iss: `https://sts.windows.net/${tenantId}/`,
    iat: issuedAt,
    nbf: issuedAt,
    exp: seconds(claims.expiresOn),
    tid: tenantId,
    upn: TEST_UPN,
    uti: randomUUID(),
    ver: '1.0',
  };
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
}

/** Why Azurite refuses a token whose expiresOnTimestamp still looks valid to the app. */
export type Rejection = 'audience' | 'expired';
type Outcome = 'valid' | Rejection | Error;

export interface CountingCredentialOptions {
  /** Simulated time each getToken takes (the Azure CLI needs 500-1000 ms). Default 0. */
  latencyMs?: number;
  /** Lifetime of the tokens handed out. Default one hour, like Entra's. */
  lifetimeMs?: number;
  /** The clock for the tokens' claims and expiry: a fake one in unit tests. */
  now?: () => number;
}

export class CountingCredential implements TokenCredential {
  /** getToken calls so far. */
  calls = 0;
  /** Lifetime of the next tokens; change it between calls to get a short-lived one. */
  lifetimeMs: number;
  /** What each call asked for, in order. */
  readonly requests: { scopes: string[]; tenantId?: string }[] = [];
  /** Every token handed out, in order. */
  readonly issued: AccessToken[] = [];
  private readonly outcomes: Outcome[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private readonly latencyMs: number;
  private readonly now: () => number;

  constructor(options: CountingCredentialOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.lifetimeMs = options.lifetimeMs ?? HOUR_MS;
    this.now = options.now ?? Date.now;
  }

  /** The next `count` calls hand out tokens Azurite refuses, though they look valid for `lifetimeMs`. */
  rejectNext(count: number, reason: Rejection = 'audience'): void {
    for (let i = 0; i < count; i++) this.outcomes.push(reason);
  }

  /** The next `count` calls fail with `error`, as a signed-out Azure CLI would. */
  failNext(count: number, error: Error): void {
    for (let i = 0; i < count; i++) this.outcomes.push(error);
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    this.calls++;
    this.requests.push({ scopes: Array.isArray(scopes) ? scopes : [scopes], tenantId: options?.tenantId });
    const outcome = this.outcomes.shift() ?? 'valid';
    const call = this.issue(outcome, options?.tenantId);
    this.running.add(call);
    const forget = () => this.running.delete(call);
    call.then(forget, forget);
    return call;
  }

  /** Resolves once no getToken call is still running (a background refresh, say) and its callers have seen the result. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    // The callers' own continuations are further microtasks: let them run.
    await new Promise((resolve) => setImmediate(resolve));
  }

  private async issue(outcome: Outcome, tenantId: string | undefined): Promise<AccessToken> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (outcome instanceof Error) throw outcome;
    const now = this.now();
    // Whole seconds, so that the app's idea of the expiry and Azurite's (from `exp`) agree.
    const expiresOnTimestamp = seconds(now + this.lifetimeMs) * 1000;
    const claims: JwtClaims =
      outcome === 'expired'
        ? { issuedAt: now - 2 * HOUR_MS, expiresOn: now - HOUR_MS, tenantId }
        : { issuedAt: now - BACKDATE_MS, expiresOn: expiresOnTimestamp, tenantId };
    if (outcome === 'audience') claims.audience = 'https://management.azure.com';
    const token: AccessToken = { token: unsignedJwt(claims), expiresOnTimestamp, tokenType: 'Bearer' };
    this.issued.push(token);
    return token;
  }
}
