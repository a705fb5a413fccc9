import { RestError } from '@azure/storage-blob';
import { StratusError, type StratusErrorShape } from '../../shared/errors.js';
import { redactShape } from '../security/redact.js';
import type { ClientAuth } from './blob-client.js';

// Azure SDK and Node network failures, turned into errors a data scientist can act on.

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;
// Storage's "Request date header too old / not valid", and Entra's AADSTS time-range errors.
const CLOCK_SKEW = /date header too old|x-ms-date.*(?:not valid|invalid)|not within its valid time range|AADSTS700024|clock skew/i;

const AUTH_HINTS: Record<ClientAuth['kind'], string> = {
  sharedKey: 'Check the account key or connection string, that it belongs to this account, and that your clock is right.',
  sas: 'Check that the SAS is complete, is for this account and has not expired.',
  identity: 'The token was refused: sign in again (`az login`), and check the tenant and that the token is for Azure Storage.',
};

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

/** Storage puts the reason an authentication failed in the error body's AuthenticationErrorDetail. */
function authenticationDetail(err: unknown): string | undefined {
  if (!(err instanceof RestError)) return undefined;
  const details = err.details as { authenticationErrorDetail?: unknown; AuthenticationErrorDetail?: unknown } | undefined;
  const detail = details?.authenticationErrorDetail ?? details?.AuthenticationErrorDetail;
  return typeof detail === 'string' ? detail : undefined;
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

/** What went wrong, from the SDK error; its texts may quote the server and the request. */
function classify(err: unknown, ctx: AzureFailureContext): StratusErrorShape {
  const status = err instanceof RestError ? err.statusCode : undefined;
  const code = errorCodeOf(err) ?? errorCodeOf(rootCause(err));
  const detail = `${ctx.action}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  const where = ctx.container ? `container "${ctx.container}" at ${ctx.endpoint}` : ctx.endpoint;

  const name = err instanceof Error ? err.name : '';
  if (name === 'CredentialUnavailableError' || name === 'AuthenticationError' || name === 'AggregateAuthenticationError') {
    return {
      code: 'AUTH_FAILED',
      message: `No Azure identity could sign in for ${ctx.endpoint}${ctx.auth ? ` (${ctx.auth.method})` : ''}.`,
      hint: 'Run `az login`, set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or use a connection string or account key.',
      detail,
    };
  }
  if (CLOCK_SKEW.test(`${authenticationDetail(err) ?? ''} ${err instanceof Error ? err.message : ''}`)) {
    return {
      code: 'CLOCK_SKEW',
      message: `${ctx.endpoint} refused the request because this computer's clock is off.`,
      hint: 'Azure allows about 15 minutes of difference: set the clock automatically (NTP) and retry.',
      detail,
    };
  }
  if (code === 'ContainerNotFound') {
    return {
      code: 'CONTAINER_NOT_FOUND',
      message: `The container "${ctx.container ?? ''}" does not exist at ${ctx.endpoint}.`,
      hint: 'Check the container part of the sysroot, and that the endpoint is the right storage account.',
      detail,
    };
  }
  if (code === 'BlobNotFound' || status === 404) {
    return { code: 'NOT_FOUND', message: `Not found while ${ctx.action}.`, detail };
  }
  // A shared key either signs or it does not: no role applies, so a refusal means a wrong key
  // (Azurite answers a bad signature with AuthorizationFailure) or a network rule on the account.
  if (code === 'AuthorizationFailure' && ctx.auth?.kind === 'sharedKey') {
    return {
      code: 'AUTH_FAILED',
      message: `${ctx.endpoint} refused the account key${ctx.auth.method === 'account key' ? '' : ` of the ${ctx.auth.method}`}.`,
      hint: 'Check that the key belongs to this storage account and is current, and that the account\'s firewall admits your network.',
      detail,
    };
  }
  if (code === 'AuthorizationPermissionMismatch' || code === 'AuthorizationFailure') {
    if (ctx.auth?.kind === 'sas') {
      return {
        code: 'FORBIDDEN',
        message: `The SAS does not allow this on ${where}.`,
        hint: 'Ask for a SAS with read and list permissions (add, create, write, delete to upload or clean up) that has not expired.',
        detail,
      };
    }
    return {
      code: 'FORBIDDEN',
      message: `Access to ${where} was denied.`,
      hint: 'Your identity needs the "Storage Blob Data Reader" role (or "Storage Blob Data Contributor" to upload or delete) on this account or container.',
      detail,
    };
  }
  if (code === 'AuthenticationFailed' || code === 'InvalidAuthenticationInfo' || status === 401 || status === 403) {
    const reason = authenticationDetail(err);
    return {
      code: 'AUTH_FAILED',
      message: `Authentication to ${ctx.endpoint} failed${ctx.auth ? ` (${ctx.auth.method})` : ''}${reason ? `: ${reason}` : '.'}`,
      hint: AUTH_HINTS[ctx.auth?.kind ?? 'sharedKey'],
      detail,
    };
  }
  if (code === 'BlobArchived' || code === 'BlobBeingRehydrated') {
    return {
      code: 'BLOB_ARCHIVED',
      message: `The blob is in the Archive tier${code === 'BlobBeingRehydrated' ? ' and still being rehydrated' : ''}: it cannot be read (${ctx.action}).`,
      hint: 'Rehydrate it (set its tier to Hot or Cool); Standard priority takes up to 15 hours, High under 1 hour for blobs under 10 GB.',
      detail,
    };
  }
  if (status === 409) return { code: 'ALREADY_EXISTS', message: `Already exists (${ctx.action}).`, detail };
  if (status === 429 || status === 503 || code === 'ServerBusy') {
    return {
      code: 'THROTTLED',
      message: `Azure is throttling requests to ${ctx.endpoint}.`,
      hint: 'The account is over its request rate: wait a moment and retry.',
      detail,
    };
  }
  if (code && DNS.has(code)) {
    return {
      code: 'UNREACHABLE',
      message: `The host of ${ctx.endpoint} cannot be found (DNS: ${code}).`,
      hint: 'Check the account name in the endpoint, your network or VPN, and any proxy settings.',
      detail,
    };
  }
  if (code && UNREACHABLE.has(code)) {
    return {
      code: 'UNREACHABLE',
      message: `Cannot reach ${ctx.endpoint} (${code}).`,
      hint: 'Check the endpoint URL, your network or VPN, and any proxy settings.',
      detail,
    };
  }
  if (code && TLS.test(code)) {
    return {
      code: 'TLS',
      message: `The TLS certificate of ${ctx.endpoint} was not accepted (${code}).`,
      hint: 'A proxy may be intercepting TLS; set NODE_EXTRA_CA_CERTS to its certificate.',
      detail,
    };
  }
  return { code: 'INTERNAL', message: `Azure request failed while ${ctx.action}.`, detail };
}

/** The error to show for an Azure failure, with anything credential-shaped cut out of its texts. */
export function toAzureError(err: unknown, ctx: AzureFailureContext): StratusError {
  if (err instanceof StratusError) return err;
  return new StratusError(redactShape(classify(err, ctx)));
}
