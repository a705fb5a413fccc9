import type { TokenCredential } from '@azure/core-auth';
import {
  AnonymousCredential,
  BaseRequestPolicy,
  newPipeline,
  RestError,
  StorageOAuthScopes,
  type HttpOperationResponse,
  type Pipeline,
  type RequestPolicy,
  type RequestPolicyFactory,
  type RequestPolicyOptions,
  type StoragePipelineOptions,
  type WebResource,
} from '@azure/storage-blob';
import { StratusError } from '../../shared/errors.js';
import type { TokenCache } from './token-cache.js';

// Bearer authentication from the app's one token cache, in place of the SDK's per-client policy.
// A 401 on a token that looked valid drops that token, fetches a new one and retries once.

export interface BearerAuth {
  cache: TokenCache;
  credential: TokenCredential;
  tenantId?: string;
  scopes?: string[];
}

export const STORAGE_SCOPES: string[] = Array.isArray(StorageOAuthScopes) ? StorageOAuthScopes : [StorageOAuthScopes];

/** Request bodies a second attempt can send again: none, bytes, or a function that reopens a stream. */
function replayable(body: unknown): boolean {
  return body === undefined || body === null || typeof body === 'string' || typeof body === 'function' || Buffer.isBuffer(body) ||
    body instanceof Uint8Array || body instanceof ArrayBuffer;
}

class CachedBearerTokenPolicy extends BaseRequestPolicy {
  constructor(
    next: RequestPolicy,
    options: RequestPolicyOptions,
    private readonly auth: Required<Pick<BearerAuth, 'scopes'>> & BearerAuth,
  ) {
    super(next, options);
  }

  override async sendRequest(request: WebResource): Promise<HttpOperationResponse> {
    if (!request.url.startsWith('https:')) {
      throw new StratusError({
        code: 'AUTH_FAILED',
        message: 'An Azure identity (bearer token) can only be sent over https; this endpoint is http.',
        hint: 'Use the https endpoint, or a connection string or account key.',
      });
    }
    const token = await this.authorize(request);
    const isUnauthorized = (status: number | undefined) => status === 401 && replayable(request.body);
    try {
      const response = await this._nextPolicy.sendRequest(request);
      if (!isUnauthorized(response.status)) return response;
    } catch (err) {
      if (!(err instanceof RestError) || !isUnauthorized(err.statusCode)) throw err;
    }
    const { cache, credential, scopes, tenantId } = this.auth;
    cache.invalidate(credential, scopes, tenantId, token);
    await this.authorize(request);
    return this._nextPolicy.sendRequest(request);
  }

  private async authorize(request: WebResource): Promise<string> {
    const { cache, credential, scopes, tenantId } = this.auth;
    const { token } = await cache.getToken(credential, scopes, tenantId);
    request.headers.set('authorization', `Bearer ${token}`);
    return token;
  }
}

class CachedBearerTokenPolicyFactory implements RequestPolicyFactory {
  constructor(private readonly auth: Required<Pick<BearerAuth, 'scopes'>> & BearerAuth) {}

  create(next: RequestPolicy, options: RequestPolicyOptions): RequestPolicy {
    return new CachedBearerTokenPolicy(next, options, this.auth);
  }
}

/** A Blob pipeline that signs every request with a token from the shared cache. */
export function bearerPipeline(auth: BearerAuth, options: StoragePipelineOptions): Pipeline {
  const pipeline = newPipeline(new AnonymousCredential(), options);
  const scopes = auth.scopes ?? STORAGE_SCOPES;
  pipeline.factories.push(new CachedBearerTokenPolicyFactory({ ...auth, scopes }));
  return pipeline;
}
