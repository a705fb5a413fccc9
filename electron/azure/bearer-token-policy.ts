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
// A refused token that looked valid (revoked, clock skew) is dropped, one new token is fetched, and
// the request is sent once more.

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

const ERROR_CODE_HEADER = 'x-ms-error-code';

/**
 * Azure Storage refuses a bad bearer token with 401 (InvalidAuthenticationInfo), Azurite with 403
 * AuthenticationFailed. A 403 for a missing role (AuthorizationPermissionMismatch) is not about the
 * token: a new one would not help.
 */
function refusesToken(status: number | undefined, errorCode: string | undefined): boolean {
  return status === 401 || (status === 403 && (errorCode === 'AuthenticationFailed' || errorCode === 'InvalidAuthenticationInfo'));
}

interface Attempt {
  token: string;
  refused: boolean;
  outcome: { response: HttpOperationResponse } | { error: unknown };
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
    let attempt = await this.attempt(request);
    if (attempt.refused) {
      this.invalidate(attempt.token);
      if (replayable(request.body)) {
        attempt = await this.attempt(request);
        // Refused again: the next request starts from a new token rather than this one.
        if (attempt.refused) this.invalidate(attempt.token);
      }
    }
    if ('error' in attempt.outcome) throw attempt.outcome.error;
    return attempt.outcome.response;
  }

  private async attempt(request: WebResource): Promise<Attempt> {
    const { cache, credential, scopes, tenantId } = this.auth;
    const { token } = await cache.getToken(credential, scopes, tenantId);
    request.headers.set('authorization', `Bearer ${token}`);
    try {
      const response = await this._nextPolicy.sendRequest(request);
      return { token, refused: refusesToken(response.status, response.headers.get(ERROR_CODE_HEADER)), outcome: { response } };
    } catch (error) {
      // The SDK's deserialization, further down the pipeline, turns error responses into a RestError.
      const refused = error instanceof RestError && refusesToken(error.statusCode, error.response?.headers.get(ERROR_CODE_HEADER));
      return { token, refused, outcome: { error } };
    }
  }

  private invalidate(token: string): void {
    const { cache, credential, scopes, tenantId } = this.auth;
    cache.invalidate(credential, scopes, tenantId, token);
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
