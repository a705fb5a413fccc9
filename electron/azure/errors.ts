import { RestError } from '@azure/storage-blob';
import { StratusError } from '../../shared/errors.js';
import type { ClientAuth } from './blob-client.js';

// Azure SDK and Node network failures, turned into errors a data scientist can act on.

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

interface AzureFailureContext {
  /** What was being done, e.g. 'listing metaflow-fixture/ds/'. */
  action: string;
  endpoint: string;
  container?: string;
  auth?: ClientAuth;
}

function errorCodeOf(err: unknown): string | undefined {
  if (err instanceof RestError) {
    const details = err.details as { errorCode?: unknown } | undefined;
    if (typeof details?.errorCode === 'string') return details.errorCode;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function rootCause(err: unknown): unknown {
  let current = err;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    current = cause;
  }
  return current;
}

export function toAzureError(err: unknown, ctx: AzureFailureContext): StratusError {
  if (err instanceof StratusError) return err;
  const status = err instanceof RestError ? err.statusCode : undefined;
  const code = errorCodeOf(err) ?? errorCodeOf(rootCause(err));
  const detail = `${ctx.action}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  const where = ctx.container ? `container "${ctx.container}" at ${ctx.endpoint}` : ctx.endpoint;

  const name = err instanceof Error ? err.name : '';
  if (name === 'CredentialUnavailableError' || name === 'AuthenticationError' || name === 'AggregateAuthenticationError') {
    return new StratusError({
      code: 'AUTH_FAILED',
      message: `No Azure identity could sign in for ${ctx.endpoint}${ctx.auth ? ` (${ctx.auth.method})` : ''}.`,
      hint: 'Run `az login`, set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or use a connection string or account key.',
      detail,
    });
  }
  if (err instanceof Error && /Bearer token authentication is not permitted/.test(err.message)) {
    return new StratusError({
      code: 'AUTH_FAILED',
      message: `Azure identity (bearer tokens) needs an https endpoint, and ${ctx.endpoint} is http.`,
      hint: 'Use a connection string or account key for this endpoint (e.g. Azurite), or its https address.',
      detail,
    });
  }
  if (code === 'ContainerNotFound') {
    return new StratusError({
      code: 'CONTAINER_NOT_FOUND',
      message: `The container "${ctx.container ?? ''}" does not exist at ${ctx.endpoint}.`,
      hint: 'Check the container part of the sysroot, and that the endpoint is the right storage account.',
      detail,
    });
  }
  if (code === 'BlobNotFound' || status === 404) {
    return new StratusError({ code: 'NOT_FOUND', message: `Not found while ${ctx.action}.`, detail });
  }
  // A shared key either signs or it does not: no role applies, so a refusal means a wrong key
  // (Azurite answers a bad signature with AuthorizationFailure) or a network rule on the account.
  if (code === 'AuthorizationFailure' && ctx.auth?.kind === 'sharedKey') {
    return new StratusError({
      code: 'AUTH_FAILED',
      message: `${ctx.endpoint} refused the account key (${ctx.auth.method}).`,
      hint: 'Check that the key belongs to this storage account and is current, and that the account\'s firewall admits your network.',
      detail,
    });
  }
  if (code === 'AuthorizationPermissionMismatch' || code === 'AuthorizationFailure') {
    if (ctx.auth?.kind === 'sas') {
      return new StratusError({
        code: 'FORBIDDEN',
        message: `The SAS does not allow this on ${where}.`,
        hint: 'Ask for a SAS with read and list permissions (add, create, write, delete to upload or clean up) that has not expired.',
        detail,
      });
    }
    return new StratusError({
      code: 'FORBIDDEN',
      message: `Access to ${where} was denied.`,
      hint: 'Your identity needs the "Storage Blob Data Reader" role (or "Storage Blob Data Contributor" to upload or delete) on this account or container.',
      detail,
    });
  }
  if (code === 'AuthenticationFailed' || code === 'InvalidAuthenticationInfo' || status === 401 || status === 403) {
    return new StratusError({
      code: 'AUTH_FAILED',
      message: `Authentication to ${ctx.endpoint} failed${ctx.auth ? ` (${ctx.auth.method})` : ''}.`,
      hint: 'Check the account key or connection string, that it belongs to this account, and that your clock is right.',
      detail,
    });
  }
  if (status === 409) return new StratusError({ code: 'ALREADY_EXISTS', message: `Already exists (${ctx.action}).`, detail });
  if (status === 429 || status === 503 || code === 'ServerBusy') {
    return new StratusError({ code: 'THROTTLED', message: `Azure is throttling requests to ${ctx.endpoint}.`, hint: 'Wait a moment and retry.', detail });
  }
  if (code && UNREACHABLE.has(code)) {
    return new StratusError({
      code: 'UNREACHABLE',
      message: `Cannot reach ${ctx.endpoint} (${code}).`,
      hint: 'Check the endpoint URL, your network or VPN, and any proxy settings.',
      detail,
    });
  }
  if (code && TLS.test(code)) {
    return new StratusError({
      code: 'TLS',
      message: `The TLS certificate of ${ctx.endpoint} was not accepted (${code}).`,
      hint: 'A proxy may be intercepting TLS; set NODE_EXTRA_CA_CERTS to its certificate.',
      detail,
    });
  }
  return new StratusError({ code: 'INTERNAL', message: `Azure request failed while ${ctx.action}.`, detail });
}
